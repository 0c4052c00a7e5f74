#pragma once
// /org/remedy/Remedy1, interface Units: a thin adaptor; core/units.h and
// systemd do the work.

#include "authorizer.h"
#include "bus/options.h"
#include "event_loop.h"
#include "jobs.h"
#include "remedy-adaptor.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

namespace remedy {

class Units;

class UnitsService final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Units_adaptor> {
public:
    UnitsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, Jobs& jobs, const Root& root);
    ~UnitsService();

private:
    using JobResult = sdbus::Result<sdbus::ObjectPath>;

    void SetMemoryLimits(sdbus::Result<bool>&& result, std::string unit, uint64_t max, uint64_t high, Options options) override;
    void InstallService(JobResult&& result, std::string name, Options spec, Options options) override;
    void InstallUnit(JobResult&& result, std::string name, std::string content, Options options) override;
    void RemoveUnit(JobResult&& result, std::string name, Options options) override;
    void InstallHealthcheck(JobResult&& result, std::string unit, std::string url, Options options) override;
    void RemoveHealthcheck(JobResult&& result, std::string unit, Options options) override;
    void VerifyRestart(JobResult&& result, std::string unit, Options options) override;
    void InstallMetricsTimer(JobResult&& result, std::string directory, Options options) override;

    // Checks the name and the force/dry-run/auth.interactive options, then startJob().
    void startUnitJob(JobResult&& result, const std::string& name, const Options& options, const std::string& operation,
                      const std::string& what, std::function<Outcome(Units&, bool force, bool dryRun)> work);

    // Runs `work` with core/units.h's Units as a job on `target`.
    void startJob(JobResult&& result, const std::string& operation, const std::string& target, const ChangeOptions& change,
                  const std::string& what, std::function<Outcome(Units&, bool dryRun, const Progress&)> work);

    Authorizer& authorizer_;
    EventLoop& loop_;
    Jobs& jobs_;
    const Root& root_;
};

} // namespace remedy
