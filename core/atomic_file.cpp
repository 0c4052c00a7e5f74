#include "atomic_file.h"

#include "error.h"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace remedy {
namespace {

[[noreturn]] void fail(const std::string& what, int error)
{
    auto kind = error == ENOSPC || error == EDQUOT ? ErrorKind::NoSpace : ErrorKind::Failed;
    throw Error(kind, what + ": " + std::strerror(error));
}

std::string temporaryName(const std::string& name)
{
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return "." + name + ".remedy-" + std::to_string(random() % 1000000000);
}

} // namespace

void writeAll(int fd, const char* data, std::size_t size, const std::string& what)
{
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("cannot write " + what, errno);
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

std::string readFileAt(int dir, const std::string& name, struct stat* info)
{
    UniqueFd fd(openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
    if (!fd) {
        if (errno == ELOOP)
            throw Error(ErrorKind::InvalidArgument, name + " is a symbolic link; remedy does not follow it");
        fail("cannot open " + name, errno);
    }
    struct stat st {};
    if (fstat(fd.get(), &st) != 0)
        fail("cannot stat " + name, errno);
    if (!S_ISREG(st.st_mode))
        throw Error(ErrorKind::InvalidArgument, name + " is not a regular file");
    if (info)
        *info = st;
    std::string text;
    char buffer[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("cannot read " + name, errno);
        if (n == 0)
            break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

namespace {

void removeTemporariesIf(int dir, const std::function<bool(std::string_view)>& stale)
{
    std::vector<std::string> found;
    // A dup shares the position in the directory: from its start, whoever read it before.
    if (DIR* listing = fdopendir(dup(dir))) {
        rewinddir(listing);
        while (auto* entry = readdir(listing))
            if (stale(entry->d_name))
                found.emplace_back(entry->d_name);
        closedir(listing);
    }
    for (const auto& leftover : found)
        unlinkat(dir, leftover.c_str(), 0);
}

} // namespace

void removeStaleTemporaries(int dir, const std::string& name)
{
    // remedyd writes one file at a time, so any temporary of this name is
    // a killed writer's leftover.
    const std::string prefix = "." + name + ".remedy-";
    removeTemporariesIf(dir, [&](std::string_view file) { return file.substr(0, prefix.size()) == prefix; });
}

void removeStaleTemporaries(int dir)
{
    removeTemporariesIf(dir, [](std::string_view file) { return file.starts_with(".") && file.find(".remedy-") != std::string_view::npos; });
}

namespace {

// Writes `content` to a new temporary beside `name`, durably, and renames
// it over `name`; on a failure the temporary goes and `name` is untouched.
void writeBeside(int dir, const std::string& name, const std::string& content, uid_t owner, gid_t group, mode_t mode)
{
    // A name taken already (a killed writer's leftover, or a forked
    // process drawing the same numbers) is passed over for another.
    std::string temporary;
    UniqueFd fd;
    for (int attempt = 0; attempt < 8 && !fd; ++attempt) {
        temporary = temporaryName(name);
        fd = UniqueFd(openat(dir, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd && errno != EEXIST)
            break;
    }
    if (!fd)
        fail("cannot create a temporary file beside " + name, errno);
    try {
        writeAll(fd.get(), content.data(), content.size(), name);
        if (fchown(fd.get(), owner, group) != 0)
            fail("cannot set the owner of " + name, errno);
        if (fchmod(fd.get(), mode) != 0)
            fail("cannot set the mode of " + name, errno);
        if (fsync(fd.get()) != 0)
            fail("cannot write " + name + " to disk", errno);
        if (renameat(dir, temporary.c_str(), dir, name.c_str()) != 0)
            fail("cannot replace " + name, errno);
    } catch (...) {
        unlinkat(dir, temporary.c_str(), 0);
        throw;
    }
}

} // namespace

void replaceFileAt(int dir, const std::string& name, const std::string& content, mode_t mode)
{
    removeStaleTemporaries(dir, name);
    struct stat old {};
    bool existed = fstatat(dir, name.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0;
    if (existed && !S_ISREG(old.st_mode))
        throw Error(ErrorKind::InvalidArgument, name + " is not a regular file; remedy does not replace it");
    std::optional<std::string> previous;
    if (existed)
        previous = readFileAt(dir, name);
    uid_t owner = existed ? old.st_uid : 0;
    gid_t group = existed ? old.st_gid : 0;
    mode_t keptMode = existed ? (old.st_mode & 07777) : mode;
    writeBeside(dir, name, content, owner, group, keptMode);
    // The rename itself is durable only once the directory is. When that
    // fails, the new content is in place but might not outlive a crash:
    // the old goes back, so that a failed write is one that changed nothing.
    if (fsync(dir) != 0) {
        int error = errno;
        try {
            if (previous)
                writeBeside(dir, name, *previous, owner, group, keptMode);
            else
                unlinkat(dir, name.c_str(), 0);
        } catch (const std::exception&) {
            // The disk refuses this too: the error below is what is left to say.
        }
        fail("cannot write the directory of " + name + " to disk", error);
    }
}

} // namespace remedy
