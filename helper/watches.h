#pragma once
// Tells clients when swap or fstab changes, whoever changed it (remedy, an
// admin's swapon, an editor), so that a client such as a web page need not
// poll: /proc/swaps is pollable (POLLPRI on every swapon and swapoff), and
// fstab is watched with inotify on its directory, since an atomic replace
// is a rename onto the name. Only while remedyd runs: it exits when idle,
// like hostnamed, and a client that wants the signals keeps calling.

#include "event_loop.h"
#include "root.h"

#include <functional>

namespace remedy {

class SystemWatches {
public:
    SystemWatches(EventLoop& loop, const Root& root, std::function<void()> swapsChanged, std::function<void()> fstabChanged);
    ~SystemWatches();
    SystemWatches(const SystemWatches&) = delete;
    SystemWatches& operator=(const SystemWatches&) = delete;

private:
    void readFstabEvents();

    int swapsFd_ = -1;
    int inotifyFd_ = -1;
    std::function<void()> fstabChanged_;
};

} // namespace remedy
