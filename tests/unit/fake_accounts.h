#pragma once
// Users and groups for the core's tests: a unit test cannot add accounts to
// the machine it runs on. Debian's numbers: regular users from 1000.

#include "core/accounts.h"

#include <map>

namespace remedy::test {

class FakeAccounts final : public AccountDirectory {
public:
    std::map<std::string, UserAccount> users;
    std::map<std::string, gid_t> groups;
    LoginDefs defs;

    // app (1001, group app) and kontali (1002, group kontali), both also in
    // "developers" (1500) and "audio" (29); root; nobody (65534); and
    // Debian's system groups.
    FakeAccounts()
    {
        groups = {{"root", 0},   {"adm", 4},     {"tty", 5},     {"disk", 6},   {"kmem", 15},  {"sudo", 27},
                  {"audio", 29}, {"shadow", 42}, {"staff", 50},  {"users", 100}, {"systemd-journal", 101},
                  {"docker", 998}, {"lxd", 1600}, {"app", 1001}, {"kontali", 1002}, {"developers", 1500},
                  {"nogroup", 65534}};
        addUser("root", 0, 0);
        addUser("nobody", 65534, 65534);
        addUser("app", 1001, 1001, {1500, 29});
        addUser("kontali", 1002, 1002, {1500, 29});
    }

    void addUser(const std::string& name, uid_t uid, gid_t gid, std::vector<gid_t> supplementary = {})
    {
        supplementary.insert(supplementary.begin(), gid);
        users[name] = {name, uid, gid, supplementary};
    }

    std::optional<UserAccount> user(const std::string& name) const override
    {
        auto it = users.find(name);
        return it == users.end() ? std::nullopt : std::optional(it->second);
    }
    std::optional<GroupAccount> group(const std::string& name) const override
    {
        auto it = groups.find(name);
        return it == groups.end() ? std::nullopt : std::optional(GroupAccount{it->first, it->second});
    }
    std::optional<GroupAccount> group(gid_t gid) const override
    {
        for (const auto& [name, id] : groups)
            if (id == gid)
                return GroupAccount{name, id};
        return std::nullopt;
    }
    LoginDefs loginDefs() const override { return defs; }
};

} // namespace remedy::test
