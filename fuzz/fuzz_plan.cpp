// parsePlan on any text, and what remedy then does with a plan it accepted:
// each step rendered as it would be installed.
//
// Promises checked: a plan that parses holds what its JSON says (a number
// is never read as another one: a value out of range is refused, now or
// when the step is checked again before it runs); each accepted service
// renders; each accepted health check passes its own check again.

#include "fuzz.h"

#include "core/duration.h"
#include "core/size.h"
#include "core/plan.h"
#include "core/swap_policy.h"

#include <nlohmann/json.hpp>

#include <limits>

using namespace remedy;
using Json = nlohmann::json;

namespace {

std::string show(const Json& value) { return value.dump(-1, ' ', true, Json::error_handler_t::replace); }

// A whole number field as the JSON has it, when it has one.
std::optional<std::uint64_t> whole(const Json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_number_unsigned())
        return std::nullopt;
    return it->get<std::uint64_t>();
}

void checkFstabStep(const PlanStep& step, const Json& json)
{
    // dump and pass are read as int; a number beyond one must not become
    // another that validateEntry accepts.
    bool valid = true;
    try {
        validateEntry(step.fstab);
    } catch (const Error&) {
        valid = false;
    }
    for (auto [key, value] : {std::pair{"dump", step.fstab.freq}, std::pair{"pass", step.fstab.passno}}) {
        auto written = whole(json, key);
        if (written && valid)
            FUZZ_CHECK(*written == static_cast<std::uint64_t>(value),
                       std::string(key) + " " + std::to_string(*written) + " was read as " + std::to_string(value) + " and accepted: " + show(json));
    }
    formatEntry(step.fstab);
}

void checkServiceStep(const PlanStep& step, const Json& json)
{
    const auto& spec = step.service;
    renderService(spec);
    if (spec.logRotation)
        renderLogRotation(spec, spec.group.empty() ? spec.user : spec.group);
    if (auto it = json.find("restart_sec"); it != json.end() && it->is_string() && !it->get<std::string>().empty())
        FUZZ_CHECK(spec.restartMs == parseDurationMs(it->get<std::string>()), show(json));
    for (auto [key, value] : {std::pair{"memory_max", spec.memoryMax}, std::pair{"memory_high", spec.memoryHigh}})
        if (auto it = json.find(key); it != json.end() && it->is_string() && !it->get<std::string>().empty())
            FUZZ_CHECK(value == parseMemoryLimit(it->get<std::string>()), show(json));
}

void checkHealthStep(const PlanStep& step, const Json& json)
{
    const auto& hc = step.healthcheck;
    validate(hc);  // parsePlan checked it; checking again must agree
    renderHealthService(hc, "/usr/libexec/remedy/remedy-healthcheck");
    renderHealthTimer(hc);
    const auto& check = json.at("health_check");
    for (auto [key, value] : {std::pair{"interval", hc.intervalSec}, std::pair{"timeout", hc.timeoutSec}})
        if (auto it = check.find(key); it != check.end() && it->is_string() && !it->get<std::string>().empty())
            FUZZ_CHECK(parseDurationMs(it->get<std::string>()) / 1000 == value,
                       std::string(key) + " " + it->get<std::string>() + " was read as " + std::to_string(value) + " s: " + show(check));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > kMaxPlanSize + 1)
        return -1;
    std::string text(fuzz::view(data, size));
    Plan plan;
    try {
        plan = parsePlan(text);
    } catch (const Error&) {
        return 0;
    }
    FUZZ_CHECK(!plan.steps.empty(), text);
    FUZZ_CHECK(!planActions(plan).empty(), text);
    // The plan parsed, so its text is JSON of the shape parsePlan read.
    auto json = Json::parse(text);
    std::size_t fstabIndex = 0, serviceIndex = 0;
    for (const auto& step : plan.steps) {
        FUZZ_CHECK(!step.action.empty(), text);
        switch (step.kind) {
        case StepKind::Swap:
            FUZZ_CHECK(step.swap.size > 0, text);
            FUZZ_REFUSABLE(swapfileSize(step.swap.size, 4096));
            break;
        case StepKind::Fstab:
            checkFstabStep(step, json.at("fstab").at(fstabIndex++));
            break;
        case StepKind::Service:
            checkServiceStep(step, json.at("services").at(serviceIndex++));
            break;
        case StepKind::Healthcheck:
            checkHealthStep(step, json.at("services").at(serviceIndex - 1));
            break;
        case StepKind::MemoryLimits:
            FUZZ_CHECK(step.memoryMax > 0 || step.memoryHigh > 0, text);
            break;
        case StepKind::Metrics:
            FUZZ_REFUSABLE(renderMetricsService(step.textfileDirectory, "/usr/bin/remedyctl"));
            break;
        }
    }
    return 0;
}
