#include "swap_system.h"

#include "atomic_file.h"
#include "error.h"
#include "program.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <string>
#include <thread>
#include <vector>

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
    // Progress in steps of 1 %: each step is a signal on the bus, sent by
    // the loop that also answers the reads made meanwhile.
    const std::uint64_t step = std::max<std::uint64_t>(size / 100, 1);
    std::uint64_t done = 0, reported = 0;
    while (done < size) {
        auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), size - done));
        ssize_t n = pwrite(fd, zeros.data(), chunk, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw Error(errno == ENOSPC ? ErrorKind::NoSpace : ErrorKind::Failed,
                        std::string("cannot write the swapfile: ") + std::strerror(errno));
        done += static_cast<std::uint64_t>(n);
        if (progress && (done - reported >= step || done == size)) {
            progress(static_cast<double>(done) / static_cast<double>(size));
            reported = done;
        }
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
    // Seconds of writing that nobody waits for but the job's owner: on a
    // thread of its own at a lower CPU priority (nice 10), so the reads
    // answered meanwhile keep their latency. The thread ends with the fill,
    // and the priority with it (raising it back would need CAP_SYS_NICE).
    std::exception_ptr failure;
    std::thread filler([&] {
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
        try {
            zeroFill(fd, size, progress);
        } catch (...) {
            failure = std::current_exception();
        }
    });
    filler.join();
    if (failure)
        std::rethrow_exception(failure);
}

std::string pathWithinMount(int fd)
{
    char link[PATH_MAX];
    auto fdLink = "/proc/self/fd/" + std::to_string(fd);
    ssize_t length = readlink(fdLink.c_str(), link, sizeof link - 1);
    struct stat file {};
    if (length <= 0 || fstat(fd, &file) != 0)
        return {};
    std::string path(link, static_cast<std::size_t>(length));
    // Up the directories until the device changes: that is the mount point.
    std::string mountPoint = "/";
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
        struct stat dir {};
        if (stat(path.substr(0, slash).c_str(), &dir) != 0)
            return {};
        if (dir.st_dev != file.st_dev)
            break;
        mountPoint = path.substr(0, slash);
    }
    return mountPoint == "/" ? path : path.substr(mountPoint.size());
}

void KernelSwapSystem::writeSignature(int fd)
{
    // mkswap from util-linux, given the open file as /proc/self/fd/3: it
    // writes the header the kernel expects (with a UUID) and never resolves
    // the path again.
    auto result = runProgram({kMkswap, fdPath(3)}, fd);
    // mkswap fsyncs the file itself.
    if (result.exitCode != 0)
        throw Error(ErrorKind::Failed, std::string(kMkswap) + " failed to write the swap signature: " + result.output);
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
