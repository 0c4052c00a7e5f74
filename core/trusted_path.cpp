#include "trusted_path.h"

#include "error.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace remedy {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorKind::InvalidArgument, message); }

void checkTrusted(int fd, const std::string& shown)
{
    struct stat st {};
    if (fstat(fd, &st) != 0)
        throw Error(ErrorKind::Failed, "cannot stat " + shown + ": " + std::strerror(errno));
    if (st.st_uid != 0)
        invalid(shown + " is owned by uid " + std::to_string(st.st_uid) + ", not root; its owner could replace what remedy creates there");
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        invalid(shown + " is writable by " + std::string(st.st_mode & S_IWOTH ? "everyone" : "its group") +
                "; remedy creates system files only in directories nobody but root can change");
}

} // namespace

std::vector<std::string> splitAbsolutePath(const std::string& path)
{
    if (path.empty() || path[0] != '/')
        invalid("'" + path + "' is not an absolute path");
    if (path.size() >= PATH_MAX)
        invalid("the path is longer than PATH_MAX");
    for (unsigned char c : path)
        if (c < 0x20 || c == 0x7f)
            invalid("the path has control characters");
    std::vector<std::string> components;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        auto component = path.substr(start, end - start);
        if (component.empty())
            invalid("'" + path + "' is not normalized (empty component or trailing '/')");
        if (component == "." || component == "..")
            invalid("'" + path + "' is not normalized ('" + component + "' component)");
        if (component.size() > NAME_MAX)
            invalid("a component of '" + path + "' is longer than NAME_MAX");
        components.push_back(component);
        start = end + 1;
    }
    if (components.empty())
        invalid("'/' is a directory");
    return components;
}

UniqueFd openRoot(const std::string& root)
{
    UniqueFd fd(open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        throw Error(ErrorKind::Failed, "cannot open root directory " + root + ": " + std::strerror(errno));
    return fd;
}

UniqueFd openTrustedParent(int root, const std::vector<std::string>& components, const std::string& path)
{
    UniqueFd dir(fcntl(root, F_DUPFD_CLOEXEC, 3));
    if (!dir)
        throw Error(ErrorKind::Failed, std::string("cannot duplicate a descriptor: ") + std::strerror(errno));
    checkTrusted(dir.get(), "/");
    std::string shown;
    for (std::size_t i = 0; i + 1 < components.size(); ++i) {
        shown += "/" + components[i];
        UniqueFd next(openat(dir.get(), components[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next) {
            struct stat st {};
            // O_DIRECTORY makes a link answer ENOTDIR, O_NOFOLLOW ELOOP: ask.
            if (errno == ELOOP || (errno == ENOTDIR && fstatat(dir.get(), components[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                                   S_ISLNK(st.st_mode)))
                invalid(shown + " is a symbolic link; remedy does not follow links in " + path);
            if (errno == ENOTDIR)
                invalid(shown + " is not a directory");
            if (errno == ENOENT)
                invalid(shown + " does not exist");
            throw Error(ErrorKind::Failed, "cannot open " + shown + ": " + std::strerror(errno));
        }
        checkTrusted(next.get(), shown);
        dir = std::move(next);
    }
    return dir;
}

} // namespace remedy
