#include "describe.h"

namespace remedy {

nlohmann::json describe(std::string_view version, const MemInfo& memory, const std::vector<SwapArea>& swaps)
{
    auto areas = nlohmann::json::array();
    std::uint64_t total = 0;
    std::uint64_t used = 0;
    for (const auto& area : swaps) {
        areas.push_back({{"path", area.path},
                         {"type", area.type},
                         {"size", area.size},
                         {"used", area.used},
                         {"priority", area.priority}});
        total += area.size;
        used += area.used;
    }
    return {
        {"version", version},
        {"memory", {{"total", memory.total}, {"available", memory.available}}},
        {"swap", {{"total", total}, {"used", used}, {"free", total - used}, {"areas", std::move(areas)}}},
    };
}

} // namespace remedy
