#pragma once
// Long operations as Job objects (/org/remedy/Remedy1/job/N), udisks-style.
// A job's work runs on the mutation thread, twice: first as a dry run, whose
// failure is the method's error (a bad request never becomes a job), then
// for real, reporting progress. Only one job per target runs at a time.

#include "authorizer.h"
#include "core/outcome.h"
#include "core/swap_system.h"
#include "event_loop.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace remedy {

// A result or a failure, as carried across threads.
template <typename T>
struct Attempt {
    std::optional<T> value;
    std::string errorName;
    std::string message;
};

template <typename T, typename Fn>
Attempt<T> attempt(Fn&& fn);

class Job final : public sdbus::AdaptorInterfaces<org::remedy::Remedy1::Job_adaptor> {
public:
    Job(sdbus::IConnection& bus, std::string path, std::string operation, std::string target);
    ~Job();

    void publish();
    void setProgress(double fraction);
    void complete(const Attempt<Outcome>& result);
    bool expired(std::chrono::steady_clock::time_point now) const;
    const std::string& path() const { return path_; }

private:
    std::string Operation() override { return operation_; }
    std::string Target() override { return target_; }
    double Progress() override { return progress_; }
    bool Finished() override { return finished_; }
    bool Success() override { return success_; }
    bool Changed() override { return changed_; }
    std::vector<std::string> Actions() override { return actions_; }
    std::string ErrorName() override { return errorName_; }
    std::string Message() override { return message_; }
    std::string Report() override { return report_; }

    std::string path_;
    std::string operation_;
    std::string target_;
    double progress_ = 0;
    double announced_ = 0;
    bool published_ = false;
    bool finished_ = false;
    bool success_ = false;
    bool changed_ = false;
    std::vector<std::string> actions_;
    std::string errorName_;
    std::string message_;
    std::string report_ = "{}";
    std::chrono::steady_clock::time_point finishedAt_;
};

class Jobs {
public:
    using Work = std::function<Outcome(bool dryRun, const Progress& progress)>;
    using Reply = std::shared_ptr<sdbus::Result<sdbus::ObjectPath>>;

    Jobs(sdbus::IConnection& bus, EventLoop& loop) : bus_(bus), loop_(loop) {}

    // With dryRunOnly the job completes with the dry run's actions.
    void start(const std::string& operation, const std::string& target, bool dryRunOnly, Reply reply, Work work);

    // start(), once polkit allows the caller `actions`; what: for the log.
    void startAuthorized(Authorizer& authorizer, const std::string& sender, std::vector<std::string> actions, bool interactive,
                         const std::string& what, const std::string& operation, const std::string& target, bool dryRunOnly,
                         Reply reply, Work work);

private:
    void reap();

    sdbus::IConnection& bus_;
    EventLoop& loop_;
    std::uint64_t nextId_ = 1;
    std::map<std::string, std::shared_ptr<Job>> jobs_;  // by object path; loop thread only
    std::set<std::string> busyTargets_;                 // loop thread only
};

} // namespace remedy

#include "jobs.inl"
