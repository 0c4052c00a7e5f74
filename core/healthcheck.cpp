#include "healthcheck.h"

#include "error.h"
#include "service_spec.h"
#include "trusted_path.h"
#include "unit_files.h"
#include "unit_name.h"

#include <algorithm>

namespace remedy {
namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& message)
{
    throw Error(ErrorKind::InvalidArgument, field + ": " + message);
}

constexpr std::string_view kSuffix = ".service";

} // namespace

void validate(const HealthcheckSpec& spec)
{
    validateServiceName(spec.unit);
    // An instance name would make remedy-health-worker@1 an instance of a
    // template that does not exist.
    if (spec.unit.find('@') != std::string::npos)
        invalid("unit", "health checks of template instances (" + spec.unit + ") are not supported");
    // The probe runs as root: only plain web requests (probe/main.cpp tells
    // libcurl the same), never file://, dict://, gopher:// and the like.
    auto scheme = spec.url.rfind("http://", 0) == 0 ? 7 : spec.url.rfind("https://", 0) == 0 ? 8 : 0;
    if (scheme == 0)
        invalid("url", "'" + spec.url + "' is not an http:// or https:// URL");
    if (spec.url.size() == static_cast<std::size_t>(scheme) || spec.url[scheme] == '/' || spec.url[scheme] == '?' || spec.url[scheme] == '#')
        invalid("url", "'" + spec.url + "' names no host");
    if (spec.url.size() > 2048)
        invalid("url", "longer than 2048 characters");
    for (unsigned char c : spec.url)
        if (c <= 0x20 || c >= 0x7f)
            invalid("url", "has a space, a control character or a non-ASCII byte; percent-encode it");
    if (spec.intervalSec < 1 || spec.intervalSec > 24 * 3600)
        invalid("interval", "must be 1 second to a day");
    if (spec.timeoutSec < 1 || spec.timeoutSec > 300)
        invalid("timeout", "must be 1 to 300 seconds");
    if (spec.timeoutSec > spec.intervalSec)
        invalid("timeout", "longer than the interval: probes would overlap");
    if (spec.failures < 1 || spec.failures > 100)
        invalid("failures", "must be 1 to 100");
}

std::string healthcheckName(const std::string& unit)
{
    return "remedy-health-" + unit.substr(0, unit.size() - kSuffix.size());
}

std::string renderHealthService(const HealthcheckSpec& spec, const std::string& probePath)
{
    auto name = healthcheckName(spec.unit);
    // root with CAP_SYS_ADMIN only: that is what systemd asks of a caller
    // that restarts a unit without polkit. The file system is read-only to
    // it but for its failure counter.
    return managedHeader(spec.unit) + "[Unit]\nDescription=remedy health check of " + spec.unit +
           "\nAfter=" + spec.unit +
           "\n\n[Service]\nType=oneshot\nExecStart=" + quoteForUnit(probePath, true) + " --unit " + spec.unit + " --timeout " +
           std::to_string(spec.timeoutSec) + " --failures " + std::to_string(spec.failures) + " " + quoteForUnit(spec.url, true) +
           "\nRuntimeDirectory=remedy-health\nRuntimeDirectoryPreserve=yes\n"
           "ProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\nPrivateDevices=yes\nNoNewPrivileges=yes\n"
           "ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectControlGroups=yes\nRestrictNamespaces=yes\n"
           "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\nCapabilityBoundingSet=CAP_SYS_ADMIN\nSystemCallArchitectures=native\n";
}

std::string renderHealthTimer(const HealthcheckSpec& spec)
{
    auto interval = std::to_string(spec.intervalSec) + "s";
    return managedHeader(spec.unit) + "[Unit]\nDescription=remedy health check of " + spec.unit + ", every " + interval +
           "\n\n[Timer]\nOnActiveSec=" + interval + "\nOnUnitActiveSec=" + interval +
           "\n# systemd's default accuracy is a minute.\nAccuracySec=100ms\n\n[Install]\nWantedBy=timers.target\n";
}

std::string metricsStateDirectory(const std::string& directory)
{
    static const std::string kStateRoot = "/var/lib/";
    auto relative = directory.rfind(kStateRoot, 0) == 0 ? directory.substr(kStateRoot.size()) : "";
    bool plain = !relative.empty() &&
                 relative.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") == std::string::npos;
    try {
        splitAbsolutePath(directory);  // no "..", ".", "//" or trailing '/'
    } catch (const Error&) {
        plain = false;
    }
    if (!plain)
        throw Error(ErrorKind::InvalidArgument, "textfile directory: '" + directory + "' must be a plain directory below /var/lib");
    return relative;
}

std::string renderMetricsService(const std::string& directory, const std::string& remedyctlPath, const Config& config)
{
    auto relative = metricsStateDirectory(directory);
    // A root writer in a directory the caller picks could be aimed at any
    // daemon's state: only the administrator's choices.
    const auto& allowed = config.metricsDirectories;
    if (std::find(allowed.begin(), allowed.end(), directory) == allowed.end()) {
        std::string list;
        for (const auto& each : allowed)
            list += (list.empty() ? "" : ", ") + each;
        throw Error(ErrorKind::InvalidArgument, "textfile directory: '" + directory + "' is not one the administrator allows (" +
                                                    (list.empty() ? "none" : list) + "; metrics_directories in " + kConfigPath + ")");
    }
    return managedHeader("remedy-metrics.service") +
           "[Unit]\nDescription=remedy: the prevention checklist as Prometheus metrics for node_exporter\n\n"
           "[Service]\nType=oneshot\nExecStart=" + quoteForUnit(remedyctlPath, true) + " --no-ask-password check --format prometheus --output " +
           quoteForUnit(directory + "/remedy.prom", true) + "\nStateDirectory=" + relative +
           "\nStateDirectoryMode=0755\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\nPrivateNetwork=yes\nNoNewPrivileges=yes\n"
           "RestrictAddressFamilies=AF_UNIX\nCapabilityBoundingSet=\nSystemCallArchitectures=native\n";
}

std::string renderMetricsTimer()
{
    return managedHeader("remedy-metrics.service") +
           "[Unit]\nDescription=remedy: refresh the Prometheus metrics every minute\n\n"
           "[Timer]\nOnActiveSec=1s\nOnUnitActiveSec=60s\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n";
}

} // namespace remedy
