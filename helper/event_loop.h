#pragma once
// The helper's main loop: the bus connection, work finished on other threads,
// SIGTERM/SIGINT, and the idle timer, on one thread. All D-Bus I/O (every
// reply, every signal) happens here; other threads only post closures.

#include <sdbus-c++/IConnection.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace remedy {

class EventLoop {
public:
    // idleTimeout of zero: never exit for idleness.
    EventLoop(sdbus::IConnection& bus, std::chrono::milliseconds idleTimeout);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Runs until a signal or the idle timeout, then calls onStop once (which
    // releases the bus name and cancels waits), finishes the work in flight,
    // and returns.
    void run(std::function<void()> onStop);

    // Runs `work` on a thread of its own and then `done(result)` on the loop.
    // The loop does not stop while work is in flight.
    template <typename Result>
    void runInBackground(std::function<Result()> work, std::function<void(Result)> done)
    {
        started();
        std::thread([this, work = std::move(work), done = std::move(done)]() mutable {
            auto result = work();
            post([this, done = std::move(done), result = std::move(result)]() mutable {
                done(std::move(result));
                finished();
            });
        }).detach();
    }

    // Runs `work` on the helper's one mutation thread, after all work queued
    // before it, then `done(result)` on the loop: changes never overlap.
    template <typename Result>
    void runExclusive(std::function<Result()> work, std::function<void(Result)> done)
    {
        started();
        enqueue([this, work = std::move(work), done = std::move(done)]() mutable {
            auto result = work();
            post([this, done = std::move(done), result = std::move(result)]() mutable {
                done(std::move(result));
                finished();
            });
        });
    }

    // Thread-safe: queues fn to run on the loop's thread.
    void post(std::function<void()> fn);

private:
    void started();
    void finished();
    void enqueue(std::function<void()> task);
    void runPosted();
    bool dispatchBus();

    sdbus::IConnection& bus_;
    std::chrono::milliseconds idleTimeout_;
    int wakeFd_ = -1;
    int signalFd_ = -1;
    std::mutex mutex_;
    std::deque<std::function<void()>> posted_;  // guarded by mutex_
    int inFlight_ = 0;                          // loop thread only

    std::mutex tasksMutex_;
    std::condition_variable tasksReady_;
    std::deque<std::function<void()>> tasks_;  // guarded by tasksMutex_
    bool stopWorker_ = false;                  // guarded by tasksMutex_
    std::thread worker_;                       // started on first use
};

} // namespace remedy
