#include "logging.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace remedy::logging {
namespace {

std::mutex gMutex;
LogLevel gLevel = LogLevel::Info;
LogTarget gTarget = LogTarget::Auto;

// systemd sets JOURNAL_STREAM=dev:ino for the stream it connects stderr to;
// the same check as sd_journal_stream_fd's users (and systemd's log_parse_environment).
bool stderrIsJournal()
{
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream)
        return false;
    unsigned long long dev = 0;
    unsigned long long ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2)
        return false;
    struct stat st {};
    return fstat(STDERR_FILENO, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

spdlog::level::level_enum toSpdlog(LogLevel level)
{
    switch (level) {
    case LogLevel::Emerg:
    case LogLevel::Alert:
    case LogLevel::Crit: return spdlog::level::critical;
    case LogLevel::Err: return spdlog::level::err;
    case LogLevel::Warning: return spdlog::level::warn;
    case LogLevel::Notice:
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Debug: break;
    }
    return spdlog::level::debug;
}

spdlog::sink_ptr makeSink(LogTarget target)
{
    switch (target) {
    case LogTarget::Journal: return std::make_shared<spdlog::sinks::systemd_sink_mt>("remedyd");
    case LogTarget::Console: {
        auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        sink->set_pattern("remedyd[%P]: %^%l%$: %v");
        return sink;
    }
    case LogTarget::Null: return std::make_shared<spdlog::sinks::null_sink_mt>();
    case LogTarget::Auto: break;
    }
    return makeSink(stderrIsJournal() ? LogTarget::Journal : LogTarget::Console);
}

void apply()
{
    auto logger = std::make_shared<spdlog::logger>("remedyd", makeSink(gTarget));
    logger->set_level(toSpdlog(gLevel));
    logger->flush_on(spdlog::level::trace);  // a helper that can be killed any moment keeps nothing buffered
    spdlog::set_default_logger(std::move(logger));
}

} // namespace

void setup(LogTarget target, LogLevel level)
{
    std::lock_guard lock(gMutex);
    gTarget = target;
    gLevel = level;
    apply();
}

void setLevel(LogLevel level)
{
    std::lock_guard lock(gMutex);
    gLevel = level;
    spdlog::default_logger()->set_level(toSpdlog(level));
}

void setTarget(LogTarget target)
{
    std::lock_guard lock(gMutex);
    gTarget = target;
    apply();
}

LogLevel level()
{
    std::lock_guard lock(gMutex);
    return gLevel;
}

bool toJournal()
{
    std::lock_guard lock(gMutex);
    return gTarget == LogTarget::Journal || (gTarget == LogTarget::Auto && stderrIsJournal());
}

LogTarget target()
{
    std::lock_guard lock(gMutex);
    return gTarget;
}

} // namespace remedy::logging
