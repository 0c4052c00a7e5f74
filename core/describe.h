#pragma once
// The helper's view of the machine, as Manager.Describe() returns it.

#include "proc.h"

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

namespace remedy {

// Builds the Describe() document. Sizes are bytes. Schema:
//   { "version": s,
//     "memory": { "total": n, "available": n },
//     "swap":   { "total": n, "used": n, "free": n,
//                 "areas": [ { "path": s, "type": s, "size": n, "used": n, "priority": n } ] } }
nlohmann::json describe(std::string_view version, const MemInfo& memory, const std::vector<SwapArea>& swaps);

} // namespace remedy
