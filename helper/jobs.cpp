#include "jobs.h"

#include <spdlog/spdlog.h>

namespace remedy {
namespace {

constexpr auto kKeepFinished = std::chrono::minutes(1);

} // namespace

Job::Job(sdbus::IConnection& bus, std::string path, std::string operation, std::string target)
    : AdaptorInterfaces(bus, path), path_(std::move(path)), operation_(std::move(operation)), target_(std::move(target))
{
}

Job::~Job()
{
    if (published_)
        unregisterAdaptor();
}

void Job::publish()
{
    registerAdaptor();
    published_ = true;
}

void Job::setProgress(double fraction)
{
    progress_ = fraction;
    // Every percent is enough for a progress bar; more is bus noise.
    if (published_ && (fraction - announced_ >= 0.01 || fraction >= 1.0)) {
        announced_ = fraction;
        getObject().emitPropertiesChangedSignal(INTERFACE_NAME, {"Progress"});
    }
}

void Job::complete(const Attempt<Outcome>& result)
{
    finished_ = true;
    finishedAt_ = std::chrono::steady_clock::now();
    success_ = result.value.has_value() && result.value->failure.empty();
    if (result.value)
        report_ = result.value->report;
    if (result.value && !success_) {
        errorName_ = errorName(ErrorKind::Failed);
        message_ = result.value->failure;
    } else if (success_) {
        progress_ = 1.0;
        changed_ = result.value->changed;
        actions_ = result.value->actions;
        message_ = changed_ ? "done" : "unchanged";
    } else {
        errorName_ = result.errorName;
        message_ = result.message;
    }
    if (published_) {
        getObject().emitPropertiesChangedSignal(INTERFACE_NAME,
                                                {"Progress", "Finished", "Success", "Changed", "Actions", "ErrorName", "Message", "Report"});
        emitCompleted(success_, message_);
    }
}

bool Job::expired(std::chrono::steady_clock::time_point now) const { return finished_ && now - finishedAt_ > kKeepFinished; }

void Jobs::reap()
{
    auto now = std::chrono::steady_clock::now();
    for (auto it = jobs_.begin(); it != jobs_.end();)
        it = it->second->expired(now) ? jobs_.erase(it) : std::next(it);
}

void Jobs::startAuthorized(Authorizer& authorizer, const std::string& sender, std::vector<std::string> actions, bool interactive,
                           const std::string& what, const std::string& operation, const std::string& target, bool dryRunOnly,
                           Reply reply, Work work)
{
    authorizer.check(
        sender, std::move(actions), interactive, what,
        [this, reply, operation, target, dryRunOnly, work = std::move(work)] { start(operation, target, dryRunOnly, reply, work); },
        [reply](const sdbus::Error& error) { reply->returnError(error); });
}

void Jobs::start(const std::string& operation, const std::string& target, bool dryRunOnly, Reply reply, Work work)
{
    reap();
    if (busyTargets_.count(target)) {
        reply->returnError(sdbus::Error(errorName(ErrorKind::Busy), "another job is working on " + target + "; try again when it is done"));
        return;
    }
    busyTargets_.insert(target);
    auto path = "/org/remedy/Remedy1/job/" + std::to_string(nextId_++);
    auto job = std::make_shared<Job>(bus_, path, operation, target);

    loop_.runExclusive<Attempt<Outcome>>(
        [this, job, reply, work, dryRunOnly] {
            // The dry run checks everything before anything is written.
            auto check = attempt<Outcome>([&] { return work(true, {}); });
            loop_.post([this, job, reply, check] {
                if (!check.value) {
                    reply->returnError(sdbus::Error(check.errorName, check.message));
                    return;
                }
                job->publish();
                jobs_[job->path()] = job;
                reply->returnResults(sdbus::ObjectPath(job->path()));
            });
            if (!check.value || dryRunOnly)
                return check;
            return attempt<Outcome>([&] {
                return work(false, [this, job](double fraction) { loop_.post([job, fraction] { job->setProgress(fraction); }); });
            });
        },
        [this, job, operation, target, dryRunOnly](Attempt<Outcome> result) {
            busyTargets_.erase(target);
            job->complete(result);
            if (result.value && !result.value->failure.empty())
                spdlog::warn("{} {} failed: {}", operation, target, result.value->failure);
            else if (result.value)
                spdlog::info("{} {}: {}", operation, target,
                             dryRunOnly ? "dry run, nothing changed" : result.value->changed ? "changed" : "unchanged");
            else
                spdlog::warn("{} {} failed: {}", operation, target, result.message);
        });
}

} // namespace remedy
