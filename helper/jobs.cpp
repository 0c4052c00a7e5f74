#include "jobs.h"

#include "audit.h"
#include "bus/bounds.h"
#include "bus/options.h"


namespace remedy {
namespace {

constexpr auto kKeepFinished = std::chrono::minutes(1);

} // namespace

Job::Job(sdbus::IConnection& bus, Polkit& polkit, std::string path, Caller owner, std::string operation, std::string target, bool cancelable)
    : AdaptorInterfaces(bus, path), polkit_(polkit), path_(std::move(path)), owner_(std::move(owner)), operation_(std::move(operation)),
      target_(std::move(target)), cancelable_(cancelable)
{
    owner_.admission.reset();  // the job's work holds the caller's place, not the object that outlives it
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

void Job::checkReader()
{
    // sdbus-c++ 1.2 gives a property getter no current message: the bounds
    // filter noted who sent the call being dispatched.
    const auto& sender = incomingSender();
    if (sender == owner_.sender)
        return;
    auto uid = polkit_.uidNow(sender);
    if (!uid || (*uid != 0 && *uid != owner_.uid))
        throw sdbus::Error("org.freedesktop.DBus.Error.AccessDenied", "this job belongs to another user");
}

void Job::notify(const std::vector<std::string>& properties)
{
    if (!published_)
        return;
    try {
        auto changed = getObject().createSignal("org.freedesktop.DBus.Properties", "PropertiesChanged");
        std::map<std::string, sdbus::Variant> values;
        for (const auto& name : properties) {
            if (name == "Progress") values[name] = progress_;
            else if (name == "Finished") values[name] = finished_;
            else if (name == "Success") values[name] = success_;
            else if (name == "Changed") values[name] = changed_;
            else if (name == "Actions") values[name] = actions_;
            else if (name == "ErrorName") values[name] = errorName_;
            else if (name == "Message") values[name] = message_;
            else if (name == "Report") values[name] = report_;
        }
        changed << std::string(INTERFACE_NAME) << values << std::vector<std::string>{};
        changed.setDestination(owner_.sender);
        getObject().emitSignal(changed);
        if (finished_) {
            auto completed = getObject().createSignal(INTERFACE_NAME, "Completed");
            completed << success_ << message_;
            completed.setDestination(owner_.sender);
            getObject().emitSignal(completed);
        }
    } catch (const sdbus::Error&) {
        // The starter is gone: nobody to tell.
    }
}

void Job::Cancel(const std::map<std::string, sdbus::Variant>& options)
{
    checkReader();
    if (!options.empty())
        throw toBusError(ErrorKind::InvalidArgument, "Cancel takes no options; '" + options.begin()->first + "' is not one");
    if (!cancelable_)
        throw toBusError(ErrorKind::Unsupported, "a " + operation_ + " job cannot be stopped midway safely; wait for it to finish");
    if (finished_)
        throw toBusError(ErrorKind::InvalidArgument, "the job has finished already");
    cancelRequested_ = true;
}

void Job::setProgress(double fraction)
{
    progress_ = fraction;
    // Every percent is enough for a progress bar; more is bus noise.
    if (fraction - announced_ >= 0.01 || fraction >= 1.0) {
        announced_ = fraction;
        notify({"Progress"});
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
    notify({"Progress", "Finished", "Success", "Changed", "Actions", "ErrorName", "Message", "Report"});
}

bool Job::expired(std::chrono::steady_clock::time_point now) const { return finished_ && now - finishedAt_ > kKeepFinished; }

void Jobs::reap(uid_t uid)
{
    auto now = std::chrono::steady_clock::now();
    std::size_t kept = 0;
    // Newest first, so that a uid's oldest finished jobs are the ones beyond its allowance.
    for (auto it = jobs_.end(); it != jobs_.begin();) {
        --it;
        const auto& job = *it->second;
        bool beyond = job.uid() == uid && ++kept > kMaxKeptPerUid;
        if (job.expired(now) || (beyond && job.finished()))
            it = jobs_.erase(it);
    }
}

void Jobs::start(const Caller& caller, const std::string& operation, const std::string& target, bool dryRunOnly, bool cancelable, Reply reply,
                 Work work)
{
    reap(caller.uid);
    if (busyTargets_.count(target)) {
        reply->returnError(sdbus::Error(errorName(ErrorKind::Busy), "another job is working on " + target + "; try again when it is done"));
        return;
    }
    busyTargets_.insert(target);
    auto id = nextId_++;
    auto job = std::make_shared<Job>(bus_, polkit_, "/org/remedy/Remedy1/job/" + std::to_string(id), caller, operation, target, cancelable);

    loop_.run<Attempt<Outcome>>(
        Lane::Change,
        [this, id, job, reply, work, caller, dryRunOnly] {
            // The dry run checks everything before anything is written.
            auto check = attempt<Outcome>([&] { return work(caller, true, {}); });
            loop_.post([this, id, job, reply, check] {
                if (!check.value) {
                    reply->returnError(sdbus::Error(check.errorName, check.message));
                    return;
                }
                job->publish();
                jobs_[id] = job;
                reply->returnResults(sdbus::ObjectPath(job->path()));
            });
            if (!check.value || dryRunOnly)
                return check;
            return attempt<Outcome>([&] {
                return work(caller, false, [this, job](double fraction) {
                    // At 1.0 the work is done and kept: too late to cancel.
                    if (job->cancelRequested() && fraction < 1.0)
                        throw Error(ErrorKind::Cancelled, "cancelled by its starter; what it had done was undone");
                    loop_.post([job, fraction] { job->setProgress(fraction); });
                });
            });
        },
        [this, job, caller, operation, target, dryRunOnly](Attempt<Outcome> result) {
            busyTargets_.erase(target);
            job->complete(result);
            bool failed = !result.value || !result.value->failure.empty();
            auto verdict = !result.value ? result.message
                           : failed      ? result.value->failure
                           : dryRunOnly  ? "dry run"
                           : result.value->changed ? "changed"
                                                   : "unchanged";
            audit::change(caller.uid, operation, target, failed, verdict);
        });
}

} // namespace remedy
