#include "swap_system.h"

#include "atomic_file.h"
#include "error.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace remedy {
namespace {

constexpr const char* kMkswap = "/sbin/mkswap";

std::string fdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

[[noreturn]] void swapError(const char* what, int error)
{
    std::string reason = std::strerror(error);
    if (error == EINVAL)
        reason += " (the kernel refuses swap on this file: holes, copy-on-write, or an unsupported file system)";
    else if (error == EPERM)
        reason += " (the helper lacks CAP_SYS_ADMIN)";
    else if (error == EBUSY)
        reason += " (already in use as swap)";
    throw Error(error == ENOMEM ? ErrorKind::NoSpace : ErrorKind::Failed, std::string(what) + ": " + reason);
}

} // namespace

void zeroFill(int fd, std::uint64_t size, const Progress& progress)
{
    static const std::vector<char> zeros(1 << 20, 0);
    std::uint64_t done = 0;
    while (done < size) {
        auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), size - done));
        ssize_t n = pwrite(fd, zeros.data(), chunk, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw Error(errno == ENOSPC ? ErrorKind::NoSpace : ErrorKind::Failed,
                        std::string("cannot write the swapfile: ") + std::strerror(errno));
        done += static_cast<std::uint64_t>(n);
        if (progress)
            progress(static_cast<double>(done) / static_cast<double>(size));
    }
}

void KernelSwapSystem::allocate(int fd, std::uint64_t size, const Progress& progress)
{
    if (fallocate(fd, 0, 0, static_cast<off_t>(size)) == 0) {
        if (progress)
            progress(1.0);
        return;
    }
    if (errno == ENOSPC)
        throw Error(ErrorKind::NoSpace, "not enough space for the swapfile");
    if (errno != EOPNOTSUPP)
        throw Error(ErrorKind::Failed, std::string("cannot allocate the swapfile: ") + std::strerror(errno));
    zeroFill(fd, size, progress);
}

void KernelSwapSystem::writeSignature(int fd)
{
    // mkswap from util-linux, given the open file as /proc/self/fd/3: it
    // writes the header the kernel expects (with a UUID) and never resolves
    // the path again.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fd, 3);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    std::string path = fdPath(3);
    char* argv[] = {const_cast<char*>(kMkswap), path.data(), nullptr};
    char* envp[] = {const_cast<char*>("LC_ALL=C"), nullptr};
    pid_t pid = -1;
    int spawned = posix_spawn(&pid, kMkswap, &actions, nullptr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        throw Error(ErrorKind::Failed, std::string("cannot run ") + kMkswap + ": " + std::strerror(spawned));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // mkswap fsyncs the file itself.
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(ErrorKind::Failed, std::string(kMkswap) + " failed to write the swap signature");
}

void KernelSwapSystem::swapOn(int fd, std::optional<int> priority)
{
    int flags = 0;
    if (priority)
        flags = SWAP_FLAG_PREFER | ((*priority << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
    if (swapon(fdPath(fd).c_str(), flags) != 0)
        swapError("swapon failed", errno);
}

void KernelSwapSystem::swapOff(int fd)
{
    if (swapoff(fdPath(fd).c_str()) != 0)
        swapError("swapoff failed", errno);
}

std::vector<SwapArea> KernelSwapSystem::activeAreas() { return parseSwaps(readFile("/proc/swaps")); }

} // namespace remedy
