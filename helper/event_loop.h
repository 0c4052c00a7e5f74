#pragma once
// The helper's main loop: the bus connection, work finished on other threads,
// SIGTERM/SIGINT, and the idle timer, on one thread. All D-Bus I/O (every
// reply, every signal) happens here; other threads only post closures.
//
// Work leaves the loop for one of two lanes: changes run on one mutation
// thread, one after another, so they never overlap; reads run on a small
// pool of their own, so a read never waits behind a long change.

#include <sdbus-c++/IConnection.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace remedy {

enum class Lane {
    Change,  // the mutation thread
    Read,    // the read pool
    Loop,    // the loop itself: for work that only touches remedyd's own state
};

// Threads that take closures from one queue, started on first use.
class Workers {
public:
    explicit Workers(unsigned threads) : size_(threads) {}
    ~Workers();
    void enqueue(std::function<void()> task);

private:
    unsigned size_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> tasks_;  // guarded by mutex_
    bool stopping_ = false;                    // guarded by mutex_
    std::vector<std::thread> threads_;         // guarded by mutex_
};

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

    // Runs `work` in `lane`, after the work queued there before it, then
    // `done(result)` on the loop. The loop does not stop while work is in flight.
    template <typename Result>
    void run(Lane lane, std::function<Result()> work, std::function<void(Result)> done)
    {
        started();
        auto task = [this, work = std::move(work), done = std::move(done)]() mutable {
            auto result = work();
            post([this, done = std::move(done), result = std::move(result)]() mutable {
                done(std::move(result));
                finished();
            });
        };
        if (lane == Lane::Loop)
            post(std::move(task));
        else
            (lane == Lane::Change ? changes_ : reads_).enqueue(std::move(task));
    }

    // Thread-safe: queues fn to run on the loop's thread.
    void post(std::function<void()> fn);

    // Calls onReady on the loop's thread whenever poll() reports `events`
    // on fd (which the caller keeps open). A watch is not activity: it does
    // not keep remedyd from exiting when idle.
    void watch(int fd, short events, std::function<void()> onReady);

    // Keeps the loop from stopping until the matching finished() (work
    // that waits on the bus rather than on a thread, such as polkit's answer).
    void started();
    void finished();

private:
    void runPosted();
    bool dispatchBus();

    sdbus::IConnection& bus_;
    std::chrono::milliseconds idleTimeout_;
    int wakeFd_ = -1;
    int signalFd_ = -1;
    std::mutex mutex_;
    std::deque<std::function<void()>> posted_;  // guarded by mutex_
    int inFlight_ = 0;                          // loop thread only
    struct Watch {
        int fd;
        short events;
        std::function<void()> onReady;
    };
    std::vector<Watch> watches_;  // loop thread only
    Workers changes_{1};
    Workers reads_{2};
};

} // namespace remedy
