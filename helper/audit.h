#pragma once
// The record of who asked for what and what remedyd did: one entry for every
// authorization decision and every change. In the journal each is a
// structured entry with a MESSAGE_ID of its kind (systemd/remedy.catalog
// explains them) and fields to filter on:
//   journalctl MESSAGE_ID=5df0264e76b94398b4884a64054e6e5c REMEDY_UID=1000
// Everything a caller chose (paths, names, text) is escaped: a newline in an
// argument cannot forge a line.

#include <sys/types.h>

#include <string>
#include <string_view>

namespace remedy::audit {

inline constexpr const char* kAuthorizedId = "f4b92c56379a495487b201556397e6f0";
inline constexpr const char* kRefusedId = "5df0264e76b94398b4884a64054e6e5c";
inline constexpr const char* kChangedId = "200f927d6ac44f6cabbe87a0894f29a5";
inline constexpr const char* kFailedId = "33a925642994485d82fd8d68e3080cb3";

// C-style escapes for control characters, backslashes and non-UTF-8 bytes.
std::string escape(std::string_view text);

// uid -1: the bus daemon could not say.
void decision(uid_t uid, const std::string& sender, const std::string& action, const std::string& what, bool allowed,
              const std::string& reason);

// verdict: "changed", "unchanged", "dry run" or, with failed, the error.
void change(uid_t uid, const std::string& operation, const std::string& target, bool failed, const std::string& verdict);

} // namespace remedy::audit
