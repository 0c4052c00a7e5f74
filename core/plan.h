#pragma once
// A plan: the whole fix in one JSON file (the incident report's nine steps),
// parsed and checked before anything runs. Every error names the field at
// fault ("services[0].memory_max: ..."). Schema: README, "Plans".

#include "fstab.h"
#include "healthcheck.h"
#include "service_spec.h"
#include "swapfile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace remedy {

inline constexpr int kPlanVersion = 1;
inline constexpr std::size_t kMaxPlanSize = 1024 * 1024;
inline constexpr int kMaxPlanDepth = 8;
inline constexpr std::size_t kMaxPlanEntries = 32;  // per list: fstab, services, memory_limits

enum class StepKind { Swap, Fstab, Service, Healthcheck, MemoryLimits, Metrics };

struct PlanStep {
    StepKind kind = StepKind::Swap;
    std::string target;  // the swapfile, mount point or unit
    std::string action;  // the polkit action it needs
    SwapfileRequest swap;
    bool swapAuto = false;  // "size": "auto": remedy's recommendation for the host it runs on
    FstabEntry fstab;
    ServiceSpec service;
    HealthcheckSpec healthcheck;
    std::uint64_t memoryMax = 0;  // 0: leave as it is
    std::uint64_t memoryHigh = 0;
    std::string textfileDirectory;
};

struct Plan {
    std::vector<PlanStep> steps;  // in the order they run
};

// Throws InvalidArgument: not JSON, too large, too deep, a wrong version, an
// unknown field, a wrong type, or a value the step itself refuses.
Plan parsePlan(const std::string& text);

const char* stepName(StepKind kind);

// The polkit actions a plan needs: org.remedy.plan.apply and each step's.
std::vector<std::string> planActions(const Plan& plan);

} // namespace remedy
