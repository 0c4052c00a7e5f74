#pragma once
// /org/remedy/Remedy1, interface Units: decodes, hands to the request
// pipeline, encodes; core/units.h and systemd do the work.

#include "bus/options.h"
#include "remedy-adaptor.h"
#include "requests.h"
#include "root.h"

#include <sdbus-c++/sdbus-c++.h>

namespace remedy {

class Units;
struct Context;

class UnitsAdaptor final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Units_adaptor> {
public:
    UnitsAdaptor(sdbus::IConnection& bus, Requests& requests, const Root& root);
    ~UnitsAdaptor();

private:
    using JobResult = sdbus::Result<sdbus::ObjectPath>;
    using UnitWork = std::function<Outcome(const Caller&, Context&, Units&, bool dryRun, const Progress&)>;

    void SetMemoryLimits(sdbus::Result<bool>&& result, std::string unit, uint64_t max, uint64_t high, Options options) override;
    void InstallService(JobResult&& result, std::string name, Options spec, Options options) override;
    void InstallUnit(JobResult&& result, std::string name, std::string content, Options options) override;
    void RemoveUnit(JobResult&& result, std::string name, Options options) override;
    void InstallHealthcheck(JobResult&& result, std::string unit, std::string url, Options options) override;
    void RemoveHealthcheck(JobResult&& result, std::string unit, Options options) override;
    void VerifyRestart(JobResult&& result, std::string unit, Options options) override;
    void InstallMetricsTimer(JobResult&& result, std::string directory, Options options) override;

    // A job that runs `work` with core/units.h's Units on `target`.
    JobCall unitJob(Ask ask, const std::string& operation, const std::string& target, bool dryRun, UnitWork work);

    Requests& requests_;
    const Root& root_;
};

} // namespace remedy
