#include "plan.h"

#include "duration.h"
#include "error.h"
#include "swap_policy.h"
#include "unit_name.h"
#include "polkit/actions.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace remedy {
namespace {

using Json = nlohmann::json;

[[noreturn]] void invalid(const std::string& path, const std::string& message)
{
    throw Error(ErrorKind::InvalidArgument, "plan: " + path + ": " + message);
}

// One JSON object's fields, read by name and type; any field left unread is
// an unknown one, and refused.
class Fields {
public:
    Fields(const Json& object, std::string path) : object_(object), path_(std::move(path))
    {
        if (!object_.is_object())
            invalid(path_, "must be an object");
    }

    bool has(const std::string& key) const { return object_.contains(key); }
    std::string at(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

    const Json* get(const std::string& key, Json::value_t type, const char* typeName)
    {
        read_.insert(key);
        auto it = object_.find(key);
        if (it == object_.end())
            return nullptr;
        bool ok = it->type() == type || (type == Json::value_t::number_unsigned && it->is_number_unsigned());
        if (!ok)
            invalid(at(key), std::string("must be ") + typeName);
        return &*it;
    }
    std::string text(const std::string& key, const std::string& fallback = "")
    {
        const auto* value = get(key, Json::value_t::string, "a string");
        return value ? value->get<std::string>() : fallback;
    }
    std::string requiredText(const std::string& key)
    {
        if (!has(key))
            invalid(at(key), "is required");
        return text(key);
    }
    std::optional<std::uint64_t> number(const std::string& key)
    {
        const auto* value = get(key, Json::value_t::number_unsigned, "a whole number");
        return value ? std::optional(value->get<std::uint64_t>()) : std::nullopt;
    }
    std::optional<bool> flag(const std::string& key)
    {
        const auto* value = get(key, Json::value_t::boolean, "true or false");
        return value ? std::optional(value->get<bool>()) : std::nullopt;
    }
    std::optional<std::uint64_t> size(const std::string& key)
    {
        auto value = text(key);
        if (value.empty())
            return std::nullopt;
        try {
            return parseSize(value);
        } catch (const Error& error) {
            invalid(at(key), error.what());
        }
    }
    std::optional<MemoryLimit> memoryLimit(const std::string& key)
    {
        auto value = text(key);
        if (value.empty())
            return std::nullopt;
        try {
            return parseMemoryLimit(value);
        } catch (const Error& error) {
            invalid(at(key), error.what());
        }
    }
    std::optional<std::uint64_t> durationMs(const std::string& key)
    {
        auto value = text(key);
        if (value.empty())
            return std::nullopt;
        try {
            return parseDurationMs(value);
        } catch (const Error& error) {
            invalid(at(key), error.what());
        }
    }
    const Json* array(const std::string& key) { return get(key, Json::value_t::array, "a list"); }
    const Json* object(const std::string& key) { return get(key, Json::value_t::object, "an object"); }

    void finish() const
    {
        for (const auto& [key, value] : object_.items())
            if (!read_.count(key))
                invalid(at(key), "is not a field remedy knows (a typo?)");
    }

private:
    const Json& object_;
    std::string path_;
    std::set<std::string> read_;
};

// A check of the step's own (validate(), validateServiceName()) named by the plan's path.
template <typename Fn>
void checked(const std::string& path, Fn&& fn)
{
    try {
        fn();
    } catch (const Error& error) {
        invalid(path, error.what());
    }
}

PlanStep swapStep(Fields fields)
{
    PlanStep step;
    step.kind = StepKind::Swap;
    step.swap.path = fields.text("path", "/swapfile");
    // "auto" is resolved where the plan runs: one plan, each host's own size.
    step.swapAuto = fields.has("size") && fields.text("size") == "auto";
    step.swap.size = step.swapAuto ? 0 : fields.size("size").value_or(0);
    if (step.swap.size == 0 && !step.swapAuto)
        invalid(fields.at("size"), "is required, e.g. \"2G\", or \"auto\" for the size remedy recommends for the host");
    step.swap.persist = fields.flag("persist").value_or(true);
    if (auto priority = fields.number("priority"))
        step.swap.priority = static_cast<int>(std::min<std::uint64_t>(*priority, 1u << 20));
    fields.finish();
    step.target = step.swap.path;
    step.action = actions::kSwap;
    return step;
}

PlanStep fstabStep(Fields fields)
{
    PlanStep step;
    step.kind = StepKind::Fstab;
    step.fstab.source = fields.requiredText("source");
    step.fstab.target = fields.requiredText("target");
    step.fstab.fstype = fields.requiredText("type");
    step.fstab.options = fields.text("options", "defaults");
    step.fstab.freq = static_cast<int>(fields.number("dump").value_or(0));
    step.fstab.passno = static_cast<int>(fields.number("pass").value_or(0));
    fields.finish();
    step.target = step.fstab.identity();
    step.action = actions::kFstab;
    return step;
}

void serviceSteps(Fields fields, const std::string& path, std::vector<PlanStep>& steps)
{
    PlanStep step;
    step.kind = StepKind::Service;
    auto& spec = step.service;
    spec.name = fields.requiredText("name");
    if (const auto* argv = fields.array("exec_start")) {
        for (const auto& word : *argv) {
            if (!word.is_string())
                invalid(fields.at("exec_start"), "must be a list of strings");
            spec.execStart.push_back(word.get<std::string>());
        }
    }
    spec.user = fields.text("user");
    spec.group = fields.text("group");
    spec.workingDirectory = fields.text("working_directory");
    spec.description = fields.text("description");
    if (const auto* environment = fields.object("environment"))
        for (const auto& [key, value] : environment->items()) {
            if (!value.is_string())
                invalid(fields.at("environment." + key), "must be a string");
            spec.environment.emplace_back(key, value.get<std::string>());
        }
    spec.type = fields.text("type");
    spec.schedule = fields.text("schedule");
    spec.everyMs = fields.durationMs("every");
    spec.restart = fields.text("restart");
    spec.restartMs = fields.durationMs("restart_sec").value_or(spec.restartMs);
    spec.startLimitIntervalMs = fields.durationMs("start_limit_interval");
    if (auto burst = fields.number("start_limit_burst"))
        spec.startLimitBurst = static_cast<unsigned>(std::min<std::uint64_t>(*burst, 1u << 20));
    spec.memoryMax = fields.memoryLimit("memory_max");
    spec.memoryHigh = fields.memoryLimit("memory_high");
    spec.oomPolicy = fields.text("oom_policy");
    spec.logsDirectory = fields.text("logs_directory");
    if (fields.flag("log_rotate").value_or(false))
        spec.logRotation = LogRotation{};
    std::optional<PlanStep> health;
    if (const auto* check = fields.object("health_check")) {
        Fields healthFields(*check, fields.at("health_check"));
        PlanStep healthStep;
        healthStep.kind = StepKind::Healthcheck;
        auto& hc = healthStep.healthcheck;
        hc.unit = spec.name;
        hc.url = healthFields.requiredText("url");
        hc.intervalSec = static_cast<unsigned>(healthFields.durationMs("interval").value_or(hc.intervalSec * 1000ull) / 1000);
        hc.timeoutSec = static_cast<unsigned>(healthFields.durationMs("timeout").value_or(hc.timeoutSec * 1000ull) / 1000);
        hc.failures = static_cast<unsigned>(std::min<std::uint64_t>(healthFields.number("failures").value_or(hc.failures), 1000));
        healthFields.finish();
        checked(fields.at("health_check"), [&] { validate(hc); });
        healthStep.target = spec.name;
        healthStep.action = actions::kUnit;
        health = healthStep;
    }
    fields.finish();
    // Accounts are looked up when the service is installed, as they are then.
    checked(path, [&] { validateFields(spec); });
    step.target = spec.name;
    step.action = actions::kUnit;
    steps.push_back(step);
    if (health)
        steps.push_back(*health);
}

PlanStep limitsStep(Fields fields, const std::string& path)
{
    PlanStep step;
    step.kind = StepKind::MemoryLimits;
    step.target = fields.requiredText("unit");
    step.memoryMax = fields.size("max").value_or(0);
    step.memoryHigh = fields.size("high").value_or(0);
    fields.finish();
    checked(fields.at("unit"), [&] { validateServiceName(step.target); });
    if (step.memoryMax == 0 && step.memoryHigh == 0)
        invalid(path, "give max, high or both");
    step.action = actions::kUnit;
    return step;
}

PlanStep metricsStep(Fields fields, const std::string& path)
{
    PlanStep step;
    step.kind = StepKind::Metrics;
    step.textfileDirectory = fields.text("textfile_dir", "/var/lib/prometheus/node-exporter");
    fields.finish();
    // Its shape only: which directories are allowed is the administrator's
    // (config.h), checked where the timer is installed.
    checked(path + ".textfile_dir", [&] { metricsStateDirectory(step.textfileDirectory); });
    step.target = "remedy-metrics.service";
    step.action = actions::kUnit;
    return step;
}

template <typename Each>
void eachOf(Fields& fields, const std::string& key, Each&& each)
{
    if (const auto* list = fields.array(key))
        for (std::size_t i = 0; i < list->size(); ++i)
            each((*list)[i], key + "[" + std::to_string(i) + "]");
}

} // namespace

Plan parsePlan(const std::string& text)
{
    if (text.size() > kMaxPlanSize)
        throw Error(ErrorKind::InvalidArgument, "plan: larger than " + std::to_string(kMaxPlanSize / 1024) + " KiB");
    Json document;
    try {
        document = Json::parse(text, [](int depth, Json::parse_event_t, Json&) {
            if (depth > kMaxPlanDepth)
                throw Error(ErrorKind::InvalidArgument, "plan: nested deeper than " + std::to_string(kMaxPlanDepth) + " levels");
            return true;
        });
    } catch (const Json::exception& error) {
        throw Error(ErrorKind::InvalidArgument, std::string("plan: not JSON: ") + error.what());
    }
    Fields top(document, "");
    auto version = top.number("version");
    if (!version)
        invalid("version", "is required (" + std::to_string(kPlanVersion) + ")");
    if (*version != kPlanVersion)
        invalid("version", std::to_string(*version) + " is not a version this remedy reads (" + std::to_string(kPlanVersion) + ")");
    top.text("description");  // for people; remedy keeps it in the history only
    // Bounded before any step is built: a plan is one machine's fix, and a
    // preview of each step costs remedyd a look at the system as root.
    for (const char* list : {"fstab", "services", "memory_limits"})
        if (const auto* entries = document.find(list) != document.end() && document[list].is_array() ? &document[list] : nullptr;
            entries && entries->size() > kMaxPlanEntries)
            invalid(list, "has " + std::to_string(entries->size()) + " entries; a plan takes at most " + std::to_string(kMaxPlanEntries));
    Plan plan;
    if (const auto* swap = top.object("swap"))
        plan.steps.push_back(swapStep(Fields(*swap, "swap")));
    eachOf(top, "fstab", [&](const Json& entry, const std::string& path) { plan.steps.push_back(fstabStep(Fields(entry, path))); });
    eachOf(top, "services", [&](const Json& entry, const std::string& path) { serviceSteps(Fields(entry, path), path, plan.steps); });
    eachOf(top, "memory_limits",
           [&](const Json& entry, const std::string& path) { plan.steps.push_back(limitsStep(Fields(entry, path), path)); });
    if (const auto* metrics = top.object("metrics"))
        plan.steps.push_back(metricsStep(Fields(*metrics, "metrics"), "metrics"));
    top.finish();
    if (plan.steps.empty())
        invalid("(plan)", "has no steps: give swap, fstab, services, memory_limits or metrics");
    return plan;
}

const char* stepName(StepKind kind)
{
    switch (kind) {
    case StepKind::Swap: return "swap";
    case StepKind::Fstab: return "fstab";
    case StepKind::Service: return "service";
    case StepKind::Healthcheck: return "health_check";
    case StepKind::MemoryLimits: return "memory_limits";
    case StepKind::Metrics: return "metrics";
    }
    return "?";
}

std::vector<std::string> planActions(const Plan& plan)
{
    std::vector<std::string> needed = {actions::kPlan};
    for (const auto& step : plan.steps)
        if (std::find(needed.begin(), needed.end(), step.action) == needed.end())
            needed.push_back(step.action);
    return needed;
}

} // namespace remedy
