#pragma once
// Swapfiles: created, enabled and persisted in one step, removed only when
// remedy can prove the file is a swapfile, resized without a moment with
// less swap than before. Any failure undoes every step before it. Only in
// the places the administrator allows (config.h), each leaving at least the
// administrator's free space.

#include "config.h"
#include "outcome.h"
#include "swap_system.h"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace remedy {

struct SwapfileRequest {
    std::string path;
    std::uint64_t size = 0;                // bytes; rounded up to pages
    std::optional<int> priority;           // 0..32767; the kernel's default when empty
    bool persist = true;                   // add the fstab line
    std::optional<std::uint64_t> reserve;  // free space to leave; the config's floor when empty, never less
    bool dryRun = false;
};

class Swapfiles {
public:
    // root: the helper's root directory (tests use a scratch folder);
    // config: the administrator's limits (loadConfig()); caller: whose
    // change it is, for the write-ahead record (pending.h).
    Swapfiles(int root, SwapSystem& system, Config config = {}, uid_t caller = 0)
        : root_(root), system_(system), config_(std::move(config)), caller_(caller)
    {
    }

    Outcome create(const SwapfileRequest& request, const Progress& progress);
    Outcome remove(const std::string& path, bool dryRun);
    Outcome resize(const SwapfileRequest& request, const Progress& progress);

    // Whether the file at `path` is an active swap area; false when there is none.
    bool isActive(const std::string& path);
    // Turns the swapfile at `path` off, if it is on; the file stays (a plan
    // undoing its swapon of a file that was there before it).
    void turnOff(const std::string& path);

    // Recovers a create, resize or remove a killed remedyd cut short, from
    // its write-ahead record: back as before, or a resize that had emptied
    // the old file finished. Says which, a sentence.
    std::string recover(const nlohmann::json& record);

private:
    int root_;
    SwapSystem& system_;
    Config config_;
    uid_t caller_;
};

} // namespace remedy
