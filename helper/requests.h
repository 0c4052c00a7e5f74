#pragma once
// The one path every request takes through remedyd:
//
//   decode   the adaptor reads the arguments, with bounds (a throw is the
//            reply: a bad request costs nothing more, and nobody is asked)
//   admit    per-caller and global caps: a flood is told Busy at once
//   authorize  the caller's uid, fetched once from the bus daemon; polkit
//            for every action the request needs, before any root probe
//   work     changes on the mutation thread, reads on the read pool
//   reply    on the loop, with the result or the error
//
// A method is one adaptor function that decodes into a Call (or a JobCall)
// and hands it to call() (or job()); nothing else is needed to add one.

#include "caller.h"
#include "event_loop.h"
#include "jobs.h"
#include "polkit.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace remedy {

// A request that answers with a value: Value is its type, or std::monostate
// for a method without one.
template <typename Value>
struct Call {
    Ask ask;
    Lane lane = Lane::Read;
    std::function<Value(const Caller&)> work;
};

// A request that answers with a Job object.
struct JobCall {
    Ask ask;
    std::string operation;  // e.g. "swap-create"
    std::string target;     // what it works on; one job per target at a time
    bool dryRunOnly = false;
    Jobs::Work work;
    bool cancelable = false;  // whether the work undoes itself when its progress report throws
};

class Requests {
public:
    Requests(EventLoop& loop, Polkit& polkit, Jobs& jobs) : loop_(loop), polkit_(polkit), jobs_(jobs) {}

    template <typename... Results, typename Decode>
    void call(sdbus::Result<Results...>&& result, const std::string& sender, Decode&& decode);

    template <typename Decode>
    void job(sdbus::Result<sdbus::ObjectPath>&& result, const std::string& sender, Decode&& decode);

    using Granted = std::function<void(Caller)>;
    using Refused = std::function<void(const sdbus::Error&)>;

    // The admit and authorize steps alone, for a request that goes on in
    // stages (undo reads which actions it needs, then asks for them).
    // `granted` and `refused` run on the loop.
    void authorize(const std::string& sender, Ask ask, Granted granted, Refused refused);
    // A further authorization of a caller already admitted.
    void authorize(Caller caller, Ask ask, Granted granted, Refused refused);

    // Caps. Per bus name before anything is asked; per uid once the bus
    // daemon has said whose it is (root is not capped); password prompts
    // in flight for the whole helper.
    static constexpr int kMaxPerSender = 8;
    static constexpr int kMaxPerUid = 32;
    static constexpr int kMaxPending = 256;
    static constexpr int kMaxInteractive = 16;

private:
    struct Admission;
    void checkNext(std::shared_ptr<const Ask> ask, std::size_t index, Caller caller, Granted granted, Refused refused);
    void release(const std::string& sender, uid_t uid);

    EventLoop& loop_;
    Polkit& polkit_;
    Jobs& jobs_;
    // Loop thread only.
    std::map<std::string, int> perSender_;
    std::map<uid_t, int> perUid_;
    int pending_ = 0;
    int interactive_ = 0;
};

} // namespace remedy

#include "requests.inl"
