#pragma once
// What the bus-tier tests share: the real programs, run as the fixture's users.

#include "process.h"

#include <string>
#include <vector>

namespace remedy::test {

inline const std::string kBusName = "org.remedy.Remedy1";
inline const std::string kPath = "/org/remedy/Remedy1";

enum class Caller { Root, Member, Outsider };

std::string userName(Caller caller);
std::string remedyctl();
Outcome busctl(const std::string& user, std::vector<std::string> args);
Outcome remedyctlAs(Caller caller, std::vector<std::string> args);

} // namespace remedy::test
