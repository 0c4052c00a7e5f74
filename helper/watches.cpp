#include "watches.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace remedy {

SystemWatches::SystemWatches(EventLoop& loop, const Root& root, std::function<void()> swapsChanged, std::function<void()> fstabChanged)
    : fstabChanged_(std::move(fstabChanged))
{
    // A watch that cannot be set up costs its signal, never the service.
    swapsFd_ = open("/proc/swaps", O_RDONLY | O_CLOEXEC);
    if (swapsFd_ >= 0)
        loop.watch(swapsFd_, POLLPRI, std::move(swapsChanged));
    else
        spdlog::warn("cannot watch /proc/swaps: {}", std::strerror(errno));

    auto etc = (root.path == "/" ? std::string() : root.path) + "/etc";
    inotifyFd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotifyFd_ >= 0 && inotify_add_watch(inotifyFd_, etc.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_ONLYDIR) >= 0)
        loop.watch(inotifyFd_, POLLIN, [this] { readFstabEvents(); });
    else
        spdlog::warn("cannot watch {}/fstab: {}", etc, std::strerror(errno));
}

SystemWatches::~SystemWatches()
{
    if (swapsFd_ >= 0)
        close(swapsFd_);
    if (inotifyFd_ >= 0)
        close(inotifyFd_);
}

void SystemWatches::readFstabEvents()
{
    // One signal for a burst: a rename, a write and its close are one change.
    alignas(inotify_event) char buffer[4096];
    bool changed = false;
    for (;;) {
        auto length = read(inotifyFd_, buffer, sizeof buffer);
        if (length <= 0)
            break;
        for (char* at = buffer; at < buffer + length;) {
            auto* event = reinterpret_cast<inotify_event*>(at);
            if (event->len > 0 && std::strcmp(event->name, "fstab") == 0)
                changed = true;
            at += sizeof(inotify_event) + event->len;
        }
    }
    if (changed)
        fstabChanged_();
}

} // namespace remedy
