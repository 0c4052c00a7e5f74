#include "host.h"

#include "error.h"
#include "proc.h"
#include "swap_system.h"
#include "unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace remedy {

// Each read(2) of /dev/kmsg returns one record; EPIPE means older ones were
// overwritten while we read, and reading goes on.
std::string LiveHost::kernelLog()
{
    UniqueFd fd(open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        throw Error(ErrorKind::Failed, std::string("cannot open /dev/kmsg: ") + std::strerror(errno));
    std::string log;
    char record[8192];
    for (;;) {
        ssize_t n = read(fd.get(), record, sizeof record);
        if (n > 0) {
            log.append(record, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EPIPE || errno == EINTR))
            continue;
        return log;  // EAGAIN: the end
    }
}

std::string LiveHost::proc(const std::string& name) { return readFile("/proc/" + name); }

std::vector<ProcessMemory> LiveHost::processes() { return readProcesses(); }

std::int64_t LiveHost::bootEpochUs()
{
    timespec real{};
    timespec boot{};
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &boot);  // /dev/kmsg stamps do not count suspend
    auto us = [](const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000; };
    return us(real) - us(boot);
}

std::uint64_t LiveHost::pageSize() { return static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)); }

std::string LiveHost::withinMount(const std::string& path)
{
    UniqueFd file(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    return file ? pathWithinMount(file.get()) : "";
}

bool LiveHost::exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

Host& liveHost()
{
    static LiveHost host;
    return host;
}

} // namespace remedy
