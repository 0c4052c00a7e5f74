#pragma once
// Long operations as Job objects (/org/remedy/Remedy1/job/N), udisks-style.
// A job's work runs on the mutation thread, twice: first as a dry run, whose
// failure is the method's error (a bad request never becomes a job), then
// for real, reporting progress. Only one job per target runs at a time.
//
// A job carries its starter's data (paths, a failed service's journal
// lines), so it answers only the bus name that started it, other
// connections of the same uid, and root; its signals go to the starter
// alone, never to the whole bus.

#include "caller.h"
#include "core/outcome.h"
#include "core/swap_system.h"
#include "event_loop.h"
#include "polkit.h"
#include "remedy-adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
    Job(sdbus::IConnection& bus, Polkit& polkit, std::string path, Caller owner, std::string operation, std::string target, bool cancelable);
    ~Job();

    void publish();
    void setProgress(double fraction);
    void complete(const Attempt<Outcome>& result);
    bool expired(std::chrono::steady_clock::time_point now) const;
    const std::string& path() const { return path_; }
    uid_t uid() const { return owner_.uid; }
    bool finished() const { return finished_; }
    // From the work's thread: whether its starter asked it to stop.
    bool cancelRequested() const { return cancelRequested_; }

private:
    std::string Operation() override { return readable(operation_); }
    std::string Target() override { return readable(target_); }
    uint32_t StartedByUID() override { return readable(owner_.uid); }
    bool Cancelable() override { return readable(cancelable_); }
    void Cancel(const std::map<std::string, sdbus::Variant>& options) override;
    double Progress() override { return readable(progress_); }
    bool Finished() override { return readable(finished_); }
    bool Success() override { return readable(success_); }
    bool Changed() override { return readable(changed_); }
    std::vector<std::string> Actions() override { return readable(actions_); }
    std::string ErrorName() override { return readable(errorName_); }
    std::string Message() override { return readable(message_); }
    std::string Report() override { return readable(report_); }

    // The value, for the starter and root; AccessDenied for anyone else.
    template <typename T>
    const T& readable(const T& value)
    {
        checkReader();
        return value;
    }
    void checkReader();
    // PropertiesChanged and Completed, addressed to the starter only.
    void notify(const std::vector<std::string>& properties);

    Polkit& polkit_;
    std::string path_;
    Caller owner_;
    std::string operation_;
    std::string target_;
    bool cancelable_;
    std::atomic<bool> cancelRequested_{false};
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
    using Work = std::function<Outcome(const Caller& caller, bool dryRun, const Progress& progress)>;
    using Reply = std::shared_ptr<sdbus::Result<sdbus::ObjectPath>>;

    Jobs(sdbus::IConnection& bus, EventLoop& loop, Polkit& polkit) : bus_(bus), loop_(loop), polkit_(polkit) {}

    // With dryRunOnly the job completes with the dry run's actions. A
    // cancelable job's work stops at its next progress report once Cancel
    // was called (the report throws Cancelled), so its own undo runs.
    void start(const Caller& caller, const std::string& operation, const std::string& target, bool dryRunOnly, bool cancelable, Reply reply,
               Work work);

    // Finished jobs kept for their starter to read; beyond it the oldest go.
    static constexpr std::size_t kMaxKeptPerUid = 32;

private:
    void reap(uid_t uid);

    sdbus::IConnection& bus_;
    EventLoop& loop_;
    Polkit& polkit_;
    std::uint64_t nextId_ = 1;
    std::map<std::uint64_t, std::shared_ptr<Job>> jobs_;  // by number, oldest first; loop thread only
    std::set<std::string> busyTargets_;                   // loop thread only
};

} // namespace remedy

#include "jobs.inl"
