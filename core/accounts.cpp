#include "accounts.h"

#include "atomic_file.h"
#include "error.h"
#include "unique_fd.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace remedy {
namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& message)
{
    throw Error(ErrorKind::InvalidArgument, field + ": " + message);
}

constexpr std::array kPrivilegedGroups = {"root",  "sudo", "wheel",  "admin",  "adm",         "systemd-journal", "disk",
                                          "kmem",  "shadow", "tty",  "staff",  "docker",      "lxd",             "incus-admin",
                                          "libvirt"};

// The *_r lookups want a buffer of a size they do not tell in advance.
template <typename Entry, typename Lookup>
bool lookUp(Entry& entry, std::vector<char>& buffer, Lookup&& lookup, const std::string& what)
{
    buffer.resize(4096);
    for (;;) {
        Entry* found = nullptr;
        int error = lookup(&entry, buffer.data(), buffer.size(), &found);
        if (error == ERANGE && buffer.size() < (1u << 20)) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        // "Not found" has several spellings (getpwnam_r(3)).
        if (error == 0 || error == ENOENT || error == ESRCH || error == EBADF || error == EPERM)
            return found != nullptr;
        throw Error(ErrorKind::Failed, "cannot look up " + what + ": " + std::strerror(error));
    }
}

class SystemAccounts final : public AccountDirectory {
public:
    std::optional<UserAccount> user(const std::string& name) const override
    {
        passwd entry{};
        std::vector<char> buffer;
        if (!lookUp(entry, buffer, [&](passwd* e, char* b, std::size_t n, passwd** r) { return getpwnam_r(name.c_str(), e, b, n, r); },
                    "user " + name))
            return std::nullopt;
        UserAccount account{entry.pw_name, entry.pw_uid, entry.pw_gid, {}};
        std::vector<gid_t> groups(32);
        for (int attempt = 0; attempt < 8; ++attempt) {
            int count = static_cast<int>(groups.size());
            if (getgrouplist(entry.pw_name, entry.pw_gid, groups.data(), &count) >= 0) {
                groups.resize(static_cast<std::size_t>(count));
                account.groups = groups;
                return account;
            }
            groups.resize(static_cast<std::size_t>(std::max(count, static_cast<int>(groups.size()) * 2)));
        }
        throw Error(ErrorKind::Failed, "cannot list the groups of user " + name);
    }

    std::optional<GroupAccount> group(const std::string& name) const override
    {
        struct group entry {};
        std::vector<char> buffer;
        if (!lookUp(entry, buffer, [&](struct group* e, char* b, std::size_t n, struct group** r) { return getgrnam_r(name.c_str(), e, b, n, r); },
                    "group " + name))
            return std::nullopt;
        return GroupAccount{entry.gr_name, entry.gr_gid};
    }

    std::optional<GroupAccount> group(gid_t gid) const override
    {
        struct group entry {};
        std::vector<char> buffer;
        if (!lookUp(entry, buffer, [&](struct group* e, char* b, std::size_t n, struct group** r) { return getgrgid_r(gid, e, b, n, r); },
                    "group " + std::to_string(gid)))
            return std::nullopt;
        return GroupAccount{entry.gr_name, entry.gr_gid};
    }

    LoginDefs loginDefs() const override
    {
        UniqueFd root(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!root)
            throw Error(ErrorKind::Failed, std::string("cannot open /: ") + std::strerror(errno));
        return readLoginDefs(root.get());
    }
};

// "kontali (uid 1001)"
std::string named(const std::string& name, const char* kind, unsigned id) { return "'" + name + "' (" + kind + " " + std::to_string(id) + ")"; }

} // namespace

LoginDefs parseLoginDefs(const std::string& text)
{
    LoginDefs defs;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string key, value;
        if (!(words >> key >> value) || key[0] == '#')
            continue;
        unsigned* target = key == "UID_MIN" ? &defs.uids.min : key == "UID_MAX" ? &defs.uids.max
                         : key == "GID_MIN" ? &defs.gids.min : key == "GID_MAX" ? &defs.gids.max : nullptr;
        if (!target || value.empty() || value.size() > 10 || value.find_first_not_of("0123456789") != std::string::npos)
            continue;
        auto number = std::stoul(value);
        if (number <= 0xFFFFFFFEul)
            *target = static_cast<unsigned>(number);
    }
    // uid 0 is root's, whatever the file says.
    defs.uids.min = std::max(defs.uids.min, 1u);
    defs.gids.min = std::max(defs.gids.min, 1u);
    return defs;
}

LoginDefs readLoginDefs(int root)
{
    UniqueFd etc(openat(root, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!etc || fstatat(etc.get(), "login.defs", &st, AT_SYMLINK_NOFOLLOW) != 0)
        return {};
    return parseLoginDefs(readFileAt(etc.get(), "login.defs"));
}

const AccountDirectory& systemAccounts()
{
    static const SystemAccounts accounts;
    return accounts;
}

bool isPrivilegedGroup(const std::string& name)
{
    return std::find(kPrivilegedGroups.begin(), kPrivilegedGroups.end(), name) != kPrivilegedGroups.end();
}

void checkServiceAccounts(const AccountDirectory& accounts, const std::string& userName, const std::string& groupName)
{
    auto defs = accounts.loginDefs();
    auto user = accounts.user(userName);
    if (!user)
        invalid("user", "'" + userName + "' is not a user on this system");
    if (user->uid == 0)
        invalid("user", named(userName, "uid", 0) + " is root; remedy does not install services that run as root");
    if (!defs.uids.contains(user->uid))
        invalid("user", named(userName, "uid", user->uid) + " is a system account, not a regular login user (uid " +
                            std::to_string(defs.uids.min) + " to " + std::to_string(defs.uids.max) +
                            ", UID_MIN and UID_MAX in /etc/login.defs); create one with useradd");
    // systemd gives the service every group of its user (initgroups).
    auto groups = user->groups;
    groups.push_back(user->gid);
    for (gid_t gid : groups) {
        auto group = accounts.group(gid);
        if (gid == 0 || (group && isPrivilegedGroup(group->name)))
            invalid("user", "'" + userName + "' is in group " + named(group ? group->name : "root", "gid", gid) +
                                ", which is worth root; the service would have it too");
    }
    if (groupName.empty())
        return;
    auto group = accounts.group(groupName);
    if (!group)
        invalid("group", "'" + groupName + "' is not a group on this system");
    if (group->gid == 0 || isPrivilegedGroup(group->name))
        invalid("group", named(groupName, "gid", group->gid) + " is worth root; remedy does not run services in it");
    if (group->gid == user->gid)
        return;
    if (std::find(groups.begin(), groups.end(), group->gid) == groups.end())
        invalid("group", "'" + userName + "' is not in group '" + groupName + "'; a service takes only a group its user already has");
    if (!defs.gids.contains(group->gid))
        invalid("group", named(groupName, "gid", group->gid) + " is a system group (regular groups are gid " +
                             std::to_string(defs.gids.min) + " to " + std::to_string(defs.gids.max) +
                             ", GID_MIN and GID_MAX in /etc/login.defs); only the user's primary group may be one");
}

} // namespace remedy
