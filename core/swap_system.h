#pragma once
// What creating a swapfile asks of the kernel and of util-linux, behind one
// interface so unit tests of the core can make any step fail.

#include "proc.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace remedy {

using Progress = std::function<void(double fraction)>;

class SwapSystem {
public:
    virtual ~SwapSystem() = default;
    // Gives the file `size` bytes of real blocks: fallocate(2), or writing
    // zeros where the file system cannot preallocate. Never leaves holes.
    virtual void allocate(int fd, std::uint64_t size, const Progress& progress) = 0;
    // Writes the swap signature (mkswap).
    virtual void writeSignature(int fd) = 0;
    virtual void swapOn(int fd, std::optional<int> priority) = 0;
    virtual void swapOff(int fd) = 0;
    virtual std::vector<SwapArea> activeAreas() = 0;
};

// The real thing.
class KernelSwapSystem final : public SwapSystem {
public:
    void allocate(int fd, std::uint64_t size, const Progress& progress) override;
    void writeSignature(int fd) override;
    void swapOn(int fd, std::optional<int> priority) override;
    void swapOff(int fd) override;
    std::vector<SwapArea> activeAreas() override;
};

// Writes zeros to [0, size) in 1 MiB blocks, reporting progress; what
// allocate() falls back to. Public so the benchmark can time it alone.
void zeroFill(int fd, std::uint64_t size, const Progress& progress);

// The path of the open file `fd` below the root of its mount: "/swapfile"
// for /srv/swap/swapfile when /srv/swap is a mount of its own. /proc/swaps
// shows a swapfile so to a reader in another mount namespace than the one
// that turned it on — as every remedyd is, started afresh by systemd with
// ProtectSystem=. Empty when it cannot be told.
std::string pathWithinMount(int fd);

} // namespace remedy
