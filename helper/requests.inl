#pragma once

#include "bus/options.h"

#include <optional>
#include <tuple>
#include <type_traits>

namespace remedy {

template <typename... Results, typename Decode>
void Requests::call(sdbus::Result<Results...>&& result, const std::string& sender, Decode&& decode)
{
    using Request = std::invoke_result_t<Decode>;
    using Value = std::invoke_result_t<decltype(Request::work), const Caller&>;
    auto reply = std::make_shared<sdbus::Result<Results...>>(std::move(result));
    std::optional<Request> request;
    try {
        request.emplace(guarded(std::forward<Decode>(decode)));
    } catch (const sdbus::Error& error) {
        return reply->returnError(error);
    }
    auto lane = request->lane;
    auto work = std::move(request->work);
    authorize(
        sender, std::move(request->ask),
        [this, reply, lane, work](Caller caller) {
            loop_.run<Attempt<Value>>(
                lane, [work, caller] { return attempt<Value>([&] { return work(caller); }); },
                [reply](Attempt<Value> outcome) {
                    if (!outcome.value)
                        return reply->returnError(sdbus::Error(outcome.errorName, outcome.message));
                    // Serializing can fail (a string that is not UTF-8): that is
                    // this call's error, never the end of the loop and of remedyd.
                    try {
                        if constexpr (sizeof...(Results) == 0)
                            reply->returnResults();
                        else if constexpr (sizeof...(Results) == 1)
                            reply->returnResults(std::move(*outcome.value));
                        else  // several out arguments: the work returns a tuple
                            std::apply([&](auto&&... values) { reply->returnResults(std::move(values)...); }, std::move(*outcome.value));
                    } catch (const sdbus::Error& error) {
                        reply->returnError(sdbus::Error(errorName(ErrorKind::Failed), "cannot send the answer: " + error.getMessage()));
                    }
                });
        },
        [reply](const sdbus::Error& error) { reply->returnError(error); });
}

template <typename Decode>
void Requests::job(sdbus::Result<sdbus::ObjectPath>&& result, const std::string& sender, Decode&& decode)
{
    auto reply = std::make_shared<sdbus::Result<sdbus::ObjectPath>>(std::move(result));
    std::optional<JobCall> request;
    try {
        request.emplace(guarded(std::forward<Decode>(decode)));
    } catch (const sdbus::Error& error) {
        return reply->returnError(error);
    }
    auto call = std::make_shared<JobCall>(std::move(*request));
    authorize(
        sender, call->ask,
        [this, reply, call](Caller caller) {
            jobs_.start(caller, call->operation, call->target, call->dryRunOnly, call->cancelable, reply, call->work);
        },
        [reply](const sdbus::Error& error) { reply->returnError(error); });
}

} // namespace remedy
