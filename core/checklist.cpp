#include "checklist.h"

#include "healthcheck.h"

#include <algorithm>
#include <sstream>

namespace remedy {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kGiB = 1024 * kMiB;

nlohmann::json item(const std::string& id, const std::string& title, const std::string& unit, const std::string& status,
                    const std::string& detail, const std::string& fix = "")
{
    return {{"id", id},
            {"title", title},
            {"unit", unit.empty() ? nlohmann::json(nullptr) : nlohmann::json(unit)},
            {"status", status},
            {"detail", detail},
            {"fix", fix.empty() ? nlohmann::json(nullptr) : nlohmann::json(fix)}};
}

// For people: "none", "512M", "7.6G".
std::string humanSize(std::uint64_t bytes)
{
    if (bytes == 0)
        return "none";
    if (bytes < kGiB)
        return std::to_string((bytes + kMiB - 1) / kMiB) + "M";
    auto tenths = (bytes * 10 + kGiB / 2) / kGiB;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + "G";
}

std::string pass(bool ok) { return ok ? "pass" : "fail"; }

bool restartsAfterAKill(const std::string& policy)
{
    return policy == "always" || policy == "on-failure" || policy == "on-abnormal" || policy == "on-abort";
}

// A quarter of RAM, in 256 MiB steps: the incident's 2G on its 7.6 GiB machine.
std::uint64_t suggestedMemoryMax(std::uint64_t ram) { return std::max<std::uint64_t>(256 * kMiB, ram / 4 / (256 * kMiB) * (256 * kMiB)); }

void swapItems(const ChecklistFacts& facts, nlohmann::json& items)
{
    // What was asked for: the size of the file, header page included.
    std::uint64_t total = 0;
    for (const auto& area : facts.swaps)
        total += area.size + facts.pageSize;
    auto recommended = sizeArgument(facts.recommendedSwap);
    std::string fix;
    if (facts.swaps.empty()) {
        fix = "remedyctl swap create --size " + recommended;
    } else if (total < facts.recommendedSwap) {
        auto file = std::find_if(facts.swaps.begin(), facts.swaps.end(), [](const SwapArea& area) { return area.type == "file"; });
        fix = file != facts.swaps.end() ? "remedyctl swap resize " + file->path + " --size " + sizeArgument(file->size + facts.pageSize + facts.recommendedSwap - total)
                                        : "remedyctl swap create --size " + sizeArgument(facts.recommendedSwap - total);
    }
    items.push_back(item("swap", "Swap space configured", "", pass(fix.empty()),
                         humanSize(total) + " active, " + humanSize(facts.recommendedSwap) + " recommended for " + humanSize(facts.memoryTotal) +
                             " of RAM",
                         fix));

    std::vector<std::string> missing;
    for (const auto& area : facts.swaps)
        if (!facts.fstabSwaps.count(area.path))
            missing.push_back(area.path);
    if (facts.swaps.empty())
        items.push_back(item("swap_persisted", "Swap survives a reboot (/etc/fstab)", "", "fail", "there is no swap to persist",
                             "remedyctl swap create --size " + recommended));
    else if (!missing.empty())
        items.push_back(item("swap_persisted", "Swap survives a reboot (/etc/fstab)", "", "fail", missing.front() + " is not in /etc/fstab",
                             "remedyctl fstab add " + missing.front() + " none swap"));
    else
        items.push_back(item("swap_persisted", "Swap survives a reboot (/etc/fstab)", "", "pass", "every active swap area is in /etc/fstab"));
}

void serviceItems(const ChecklistFacts& facts, const ServiceFacts& service, nlohmann::json& items)
{
    const auto& name = service.name;
    const auto& state = service.state;
    bool loaded = state.loadState == "loaded";
    std::string install = "remedyctl service create " + name + " --user USER --restart always --memory-max " +
                          sizeArgument(suggestedMemoryMax(facts.memoryTotal)) + " -- COMMAND...";
    if (!loaded) {
        items.push_back(item("service_systemd", "Runs as a systemd service", name, "fail", name + " is not a systemd unit here", install));
        for (const auto& [id, title] : {std::pair{"restart_policy", "Restarts after a crash"}, std::pair{"memory_limit", "Memory limit set"},
                                        std::pair{"health_check", "Health check active"}, std::pair{"log_rotation", "Log rotation configured"}})
            items.push_back(item(id, title, name, "fail", "needs the service first", install));
        return;
    }
    bool active = state.activeState == "active";
    items.push_back(item("service_systemd", "Runs as a systemd service", name, pass(active && state.unitFileState == "enabled"),
                         state.activeState + " (" + state.subState + "), " + (state.unitFileState.empty() ? "static" : state.unitFileState),
                         active && state.unitFileState == "enabled" ? "" : "remedyctl unit install " + state.fragmentPath + " --force"));
    items.push_back(item("restart_policy", "Restarts after a crash", name, pass(restartsAfterAKill(state.restart)), "Restart=" + state.restart,
                         restartsAfterAKill(state.restart) ? ""
                                                           : "set Restart=always in " + state.fragmentPath + ", then: remedyctl unit install " +
                                                                 state.fragmentPath + " --force"));
    bool limited = state.memoryMax != UINT64_MAX;
    items.push_back(item("memory_limit", "Memory limit set", name, pass(limited),
                         limited ? "MemoryMax=" + humanSize(state.memoryMax) : "MemoryMax=infinity: it can take the whole machine",
                         limited ? "" : "remedyctl unit limits " + name + " --memory-max " + sizeArgument(suggestedMemoryMax(facts.memoryTotal))));
    items.push_back(item("health_check", "Health check active", name, pass(service.healthCheck),
                         service.healthCheck ? healthcheckName(name) + ".timer is active" : "nothing notices when it hangs",
                         service.healthCheck ? "" : "remedyctl health add " + name + " --url http://127.0.0.1:PORT/health"));
    bool rotated = !service.logsToFiles || service.logRotation;
    items.push_back(item("log_rotation", "Log rotation configured", name, pass(rotated),
                         service.logRotation ? "/etc/logrotate.d/remedy-" + name.substr(0, name.rfind('.'))
                         : service.logsToFiles ? "it writes log files that nothing rotates"
                                               : "it logs to the journal, which journald rotates",
                         rotated ? "" : "remedyctl service create " + name + " ... --logs-dir DIR --log-rotate"));
}

std::string escapeLabel(const std::string& value)
{
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

} // namespace

std::string sizeArgument(std::uint64_t bytes)
{
    if (bytes != 0 && bytes % kGiB == 0)
        return std::to_string(bytes / kGiB) + "G";
    return std::to_string((bytes + kMiB - 1) / kMiB) + "M";
}

nlohmann::json checklist(const ChecklistFacts& facts)
{
    auto items = nlohmann::json::array();
    swapItems(facts, items);
    if (facts.services.empty())
        items.push_back(item("service_systemd", "Runs as a systemd service", "", "fail",
                             "remedy installed no service here; name yours with --unit",
                             "remedyctl service create NAME --user USER --restart always --memory-max " +
                                 sizeArgument(suggestedMemoryMax(facts.memoryTotal)) + " -- COMMAND..."));
    for (const auto& service : facts.services)
        serviceItems(facts, service, items);
    items.push_back(item("metrics", "Metrics exported (Prometheus)", "", pass(facts.metricsTimer),
                         facts.metricsTimer ? "remedy-metrics.timer refreshes node_exporter's textfile" : "no metrics timer",
                         facts.metricsTimer ? "" : "remedyctl check --install-metrics-timer"));
    items.push_back(item("database_pool", "Database connection pool optimized", "", "not_checked",
                         "the pool size is the application's setting (the incident's database.py); remedy cannot read it"));
    items.push_back(item("frontend_build", "Frontend runs a production build", "", "not_checked",
                         "whether the frontend runs `npm run start` or a dev server is the application's choice; remedy cannot judge it"));

    int passed = 0;
    int failed = 0;
    for (const auto& entry : items) {
        passed += entry["status"] == "pass";
        failed += entry["status"] == "fail";
    }
    nlohmann::json summary = {{"passed", passed}, {"failed", failed}, {"not_checked", static_cast<int>(items.size()) - passed - failed}};
    std::uint64_t total = 0;
    std::uint64_t used = 0;
    for (const auto& area : facts.swaps)
        total += area.size, used += area.used;
    auto units = nlohmann::json::array();
    for (const auto& service : facts.services)
        units.push_back({{"unit", service.name},
                         {"active", service.state.activeState},
                         {"result", service.state.result},
                         {"restarts", service.state.nRestarts}});
    return {{"items", items},
            {"summary", summary},
            {"swap", {{"total", total}, {"used", used}, {"recommended", facts.recommendedSwap}}},
            {"units", units},
            {"oom_kills", facts.oomKills ? nlohmann::json(*facts.oomKills) : nlohmann::json(nullptr)},
            {"withheld", facts.withheld}};
}

std::string prometheusText(const nlohmann::json& report)
{
    std::ostringstream out;
    out << "# HELP remedy_check_status Prevention checklist item: 1 passes, 0 fails (items remedy cannot judge are left out).\n"
           "# TYPE remedy_check_status gauge\n";
    for (const auto& entry : report["items"]) {
        auto status = entry["status"].get<std::string>();
        if (status == "not_checked")
            continue;
        out << "remedy_check_status{item=\"" << escapeLabel(entry["id"]) << "\",unit=\""
            << escapeLabel(entry["unit"].is_null() ? "" : entry["unit"].get<std::string>()) << "\"} " << (status == "pass" ? 1 : 0) << "\n";
    }
    out << "# HELP remedy_check_failed_items Prevention checklist items that fail.\n"
           "# TYPE remedy_check_failed_items gauge\n"
           "remedy_check_failed_items "
        << report["summary"]["failed"].get<int>() << "\n";
    if (!report["oom_kills"].is_null())
        out << "# HELP remedy_oom_kills OOM kills (global and memory cgroup) still in the kernel log.\n"
               "# TYPE remedy_oom_kills gauge\n"
               "remedy_oom_kills "
            << report["oom_kills"].get<std::size_t>() << "\n";
    out << "# HELP remedy_unit_restarts Automatic restarts of the service by systemd since it was last started by hand (NRestarts).\n"
           "# TYPE remedy_unit_restarts gauge\n";
    for (const auto& unit : report["units"])
        out << "remedy_unit_restarts{unit=\"" << escapeLabel(unit["unit"]) << "\"} " << unit["restarts"].get<unsigned>() << "\n";
    for (const auto& [key, help] : {std::pair{"total", "Active swap"}, std::pair{"used", "Swap in use"},
                                    std::pair{"recommended", "Swap recommended for this machine's RAM"}})
        out << "# HELP remedy_swap_" << key << "_bytes " << help << ".\n# TYPE remedy_swap_" << key << "_bytes gauge\nremedy_swap_" << key
            << "_bytes " << report["swap"][key].get<std::uint64_t>() << "\n";
    return out.str();
}

} // namespace remedy
