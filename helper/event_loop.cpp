#include "event_loop.h"

#include <spdlog/spdlog.h>

#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace remedy {
namespace {

using Clock = std::chrono::steady_clock;

int checked(int result, const char* what)
{
    if (result < 0)
        throw std::system_error(errno, std::generic_category(), what);
    return result;
}

sigset_t stopSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

} // namespace

EventLoop::EventLoop(sdbus::IConnection& bus, std::chrono::milliseconds idleTimeout)
    : bus_(bus), idleTimeout_(idleTimeout)
{
    // Blocked here, before any thread exists, so every later thread inherits
    // the mask and the signals arrive only through the signalfd.
    auto signals = stopSignals();
    checked(pthread_sigmask(SIG_BLOCK, &signals, nullptr) == 0 ? 0 : -1, "pthread_sigmask");
    signalFd_ = checked(signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK), "signalfd");
    wakeFd_ = checked(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd");
}

EventLoop::~EventLoop()
{
    close(signalFd_);
    close(wakeFd_);
}

Workers::~Workers()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_)
        thread.join();
}

void Workers::enqueue(std::function<void()> task)
{
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    // Threads start on first use: a helper that was only asked cheap
    // questions keeps none.
    if (threads_.size() < size_)
        threads_.emplace_back([this] {
            for (;;) {
                std::function<void()> next;
                bool last = false;
                {
                    std::unique_lock lock(mutex_);
                    ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
                    if (tasks_.empty())
                        return;
                    next = std::move(tasks_.front());
                    tasks_.pop_front();
                    last = tasks_.empty();
                }
                next();
                next = nullptr;
                // glibc keeps what a diagnosis or a long fstab freed (in
                // this thread's arena, above and between live blocks):
                // give it back once the lane has nothing more to do.
                if (last)
                    malloc_trim(0);
            }
        });
    ready_.notify_one();
}

void EventLoop::post(std::function<void()> fn)
{
    {
        std::lock_guard lock(mutex_);
        posted_.push_back(std::move(fn));
    }
    std::uint64_t one = 1;
    (void)!write(wakeFd_, &one, sizeof one);
}

void EventLoop::watch(int fd, short events, std::function<void()> onReady) { watches_.push_back({fd, events, std::move(onReady)}); }

void EventLoop::started() { ++inFlight_; }
void EventLoop::finished() { --inFlight_; }

void EventLoop::runPosted()
{
    std::uint64_t count = 0;
    (void)!read(wakeFd_, &count, sizeof count);
    std::deque<std::function<void()>> batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(posted_);
    }
    for (auto& fn : batch)
        fn();
}

bool EventLoop::dispatchBus()
{
    bool any = false;
    while (bus_.processPendingRequest())
        any = true;
    return any;
}

void EventLoop::run(std::function<void()> onStop)
{
    bool stopping = false;
    auto lastActivity = Clock::now();
    for (;;) {
        if (dispatchBus())
            lastActivity = Clock::now();
        if (stopping && inFlight_ == 0)
            return;

        auto pollData = bus_.getEventLoopPollData();
        int timeout = pollData.getPollTimeout();
        bool idleExit = idleTimeout_.count() > 0 && !stopping && inFlight_ == 0;
        if (idleExit) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(lastActivity + idleTimeout_ - Clock::now());
            int idleMs = static_cast<int>(std::max<std::int64_t>(0, left.count()));
            timeout = timeout < 0 ? idleMs : std::min(timeout, idleMs);
        }

        std::vector<pollfd> fds = {{pollData.fd, pollData.events, 0}, {wakeFd_, POLLIN, 0}, {signalFd_, POLLIN, 0}};
        for (const auto& watch : watches_)
            fds.push_back({watch.fd, watch.events, 0});
        int ready = poll(fds.data(), fds.size(), timeout);
        if (ready < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "poll");
        for (std::size_t i = 0; ready > 0 && i < watches_.size(); ++i)
            if (fds[3 + i].revents & watches_[i].events)
                watches_[i].onReady();

        if (fds[1].revents & POLLIN) {
            runPosted();
            lastActivity = Clock::now();
        }
        if (!stopping && (fds[2].revents & POLLIN)) {
            signalfd_siginfo info{};
            (void)!read(signalFd_, &info, sizeof info);
            spdlog::info("received {}, finishing {} call(s) in flight", strsignal(static_cast<int>(info.ssi_signo)), inFlight_);
            stopping = true;
            onStop();
        }
        if (idleExit && ready == 0 && Clock::now() - lastActivity >= idleTimeout_) {
            spdlog::debug("idle for {} ms, exiting", idleTimeout_.count());
            stopping = true;
            onStop();
        }
    }
}

} // namespace remedy
