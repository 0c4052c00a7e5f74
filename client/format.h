#pragma once
// Human-readable output: sizes as free -h shows them.

#include <cstdint>
#include <string>

namespace remedy::client {

// 1536 -> "1.5K", 8160437862 -> "7.6G" (binary units, one decimal below 10).
std::string humanBytes(std::uint64_t bytes);

} // namespace remedy::client
