#pragma once
// Who is asking, and what a request needs from polkit to go on.

#include <sys/types.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace remedy {

struct Ask {
    std::vector<std::string> actions;   // every one required
    std::vector<std::string> optional;  // asked too, never with a password; a refusal narrows the answer (Caller::has)
    bool interactive = false;           // polkit may ask the caller's agent for a password
    std::string what;                   // what was asked for, for the record
};

struct Caller {
    std::string sender;
    uid_t uid = static_cast<uid_t>(-1);
    std::vector<std::string> granted;  // every action polkit allowed, required and optional
    // The caller's place in remedyd's caps, held while any copy of this lives.
    std::shared_ptr<const void> admission;

    bool has(const std::string& action) const
    {
        return uid == 0 || std::find(granted.begin(), granted.end(), action) != granted.end();
    }
};

} // namespace remedy
