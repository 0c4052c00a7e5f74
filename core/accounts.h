#pragma once
// Who a structured service may run as: a regular login user, and no group
// that is worth root. systemd resolves User= and Group= through NSS when
// the service starts, so the system directory asks NSS too; which uids are
// regular users is /etc/login.defs' UID_MIN..UID_MAX, as for useradd.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace remedy {

struct UserAccount {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;              // primary group
    std::vector<gid_t> groups;  // every group it is in (initgroups: what systemd gives the service)
};

struct GroupAccount {
    std::string name;
    gid_t gid = 0;
};

struct IdRange {
    unsigned min = 1000;
    unsigned max = 60000;
    bool contains(unsigned id) const { return id >= min && id <= max; }
};

struct LoginDefs {
    IdRange uids;  // UID_MIN..UID_MAX
    IdRange gids;  // GID_MIN..GID_MAX
};

// login.defs' text; a key that is missing or not a number keeps Debian's
// default (1000..60000), and 0 is never a regular id.
LoginDefs parseLoginDefs(const std::string& text);

// <root>/etc/login.defs, not following a symlink; the defaults when missing.
LoginDefs readLoginDefs(int root);

class AccountDirectory {
public:
    virtual ~AccountDirectory() = default;
    virtual std::optional<UserAccount> user(const std::string& name) const = 0;
    virtual std::optional<GroupAccount> group(const std::string& name) const = 0;
    virtual std::optional<GroupAccount> group(gid_t gid) const = 0;
    virtual LoginDefs loginDefs() const = 0;
};

// This machine's: NSS (getpwnam_r, getgrnam_r, getgrgid_r, getgrouplist)
// and /etc/login.defs.
const AccountDirectory& systemAccounts();

// Groups that are worth root or another user's secrets whatever their gid:
// sudo and wheel (sudo), adm and systemd-journal (every log), disk and kmem
// (raw devices and memory), shadow (password hashes), tty (other users'
// terminals), staff (/usr/local, on root's PATH), docker, lxd, incus-admin
// and libvirt (their daemons start root containers and machines on request).
bool isPrivilegedGroup(const std::string& name);

// Throws InvalidArgument naming the field ("user" or "group") unless `user`
// is a regular login user (not root, uid in UID_MIN..UID_MAX) in no
// privileged group, and `group` (when not empty) is a group that user is
// already in and not a privileged one; a group other than the user's
// primary one must also be a regular group (GID_MIN..GID_MAX): system
// groups guard devices and daemons' files.
void checkServiceAccounts(const AccountDirectory& accounts, const std::string& user, const std::string& group);

} // namespace remedy
