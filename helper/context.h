#pragma once
// What an operation works on, made on the thread that runs it: the root
// (--root), the kernel's swap calls, and this thread's systemd connection
// (an sd-bus connection belongs to one thread; each worker opens its own
// once, on first use).

#include "core/swap_system.h"
#include "core/unique_fd.h"
#include "root.h"
#include "systemd.h"

namespace remedy {

struct Context {
    UniqueFd root;
    const Config& config;
    KernelSwapSystem& kernel;
    Systemd& systemd;
};

Context openContext(const Root& root);

} // namespace remedy
