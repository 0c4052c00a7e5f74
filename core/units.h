#pragma once
// Installing and removing services: remedy's files in /etc/systemd/system
// and /etc/logrotate.d, and systemd told about them. An install that fails
// to start is rolled back: the files as they were, the unit as it was. So a
// failed install never leaves a half-installed service behind, and the error
// carries systemd's result and the unit's last journal lines.

#include "accounts.h"
#include "config.h"
#include "healthcheck.h"
#include "outcome.h"
#include "pending.h"
#include "service_manager.h"
#include "service_spec.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace remedy {

inline constexpr std::size_t kMaxUnitFileSize = 64 * 1024;

class Units {
public:
    // root: the helper's root directory; probePath: remedy-healthcheck;
    // settle: how long a started service must stay up to count as started;
    // accounts: who services may run as (accounts.h); config: the
    // administrator's limits (config.h: the metrics directories); caller:
    // whose change it is, for the write-ahead record (pending.h).
    Units(int root, ServiceManager& manager, std::string probePath, std::chrono::milliseconds settle = std::chrono::seconds(1),
          const AccountDirectory& accounts = systemAccounts(), Config config = {}, uid_t caller = 0);

    Outcome installService(const ServiceSpec& spec, bool force, bool dryRun);
    // A unit file as the caller wrote it; remedy adds its marker line.
    Outcome installUnit(const std::string& name, const std::string& content, bool force, bool dryRun);
    Outcome installHealthcheck(const HealthcheckSpec& spec, bool dryRun);
    Outcome removeHealthcheck(const std::string& unit, bool dryRun);
    // remedy-metrics.timer: `remedyctl check --format prometheus` into
    // `directory` (below /var/lib) every minute, for node_exporter.
    Outcome installMetrics(const std::string& directory, const std::string& remedyctlPath, bool dryRun);
    // The unit, its health check, its log rotation and its memory drop-ins.
    Outcome remove(const std::string& name, bool force, bool dryRun);

private:
    struct File;
    Outcome install(const std::string& name, std::vector<File> files, bool force, bool dryRun);
    Outcome installTimer(const std::string& name, std::string service, std::string timer, const std::string& what, bool dryRun);
    // The write-ahead record of a change to these files and units: how
    // they are now, which a remedyd killed before the change ends is put
    // back to when it next starts.
    // files: each path with what the change leaves there (nothing: deleted).
    PendingChange remember(const std::string& target, const std::vector<std::pair<std::string, std::optional<std::string>>>& files,
                           const std::vector<std::string>& units);
    // Puts back what `pending` recorded, at once; false when that failed,
    // and then the record stays for the next remedyd.
    bool rollBack(PendingChange& pending);

    int root_;
    ServiceManager& manager_;
    std::string probePath_;
    std::chrono::milliseconds settle_;
    const AccountDirectory& accounts_;
    Config config_;
    uid_t caller_;
};

// Kills the unit's main process with SIGKILL through systemd and waits until
// systemd has it running again with a new main process; the report has the
// time to recovery. Refuses a unit whose Restart= would not restart it.
Outcome verifyRestart(ServiceManager& manager, const std::string& unit, std::chrono::milliseconds timeout, bool dryRun,
                      const std::function<void(double)>& progress);

// Persistent MemoryMax= and MemoryHigh= of a unit systemd has loaded (a
// drop-in, as systemctl set-property); 0 leaves that limit as it is.
// Unchanged when the limits are these already. Throws InvalidArgument when
// both are 0 or systemd has no such unit.
Outcome setMemoryLimits(ServiceManager& manager, const std::string& unit, std::uint64_t max, std::uint64_t high, bool dryRun);

} // namespace remedy
