#pragma once

#include <string>
#include <vector>

namespace remedy {

// What a change did (or, for a dry run, would do), in order; `report` is
// operation-specific JSON for scripts ("{}" when there is nothing to add).
struct Outcome {
    bool changed = false;
    std::vector<std::string> actions;
    std::string report = "{}";
    // Non-empty: the change failed (and was undone); the report still holds
    // what happened, step by step.
    std::string failure{};
};

} // namespace remedy
