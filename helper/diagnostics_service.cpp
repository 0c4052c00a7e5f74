#include "diagnostics_service.h"

#include "core/diagnosis.h"
#include "core/error.h"
#include "jobs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace remedy {
namespace {

const std::string kDiagnoseAction = "org.remedy.diagnose";

// Every record the kernel still holds, oldest first. Each read(2) of
// /dev/kmsg returns one record; EPIPE means older ones were overwritten
// while we read, and reading goes on.
std::string readKernelLog()
{
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw Error(ErrorKind::Failed, std::string("cannot open /dev/kmsg: ") + std::strerror(errno));
    std::string log;
    char record[8192];
    for (;;) {
        ssize_t n = read(fd, record, sizeof record);
        if (n > 0) {
            log.append(record, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EPIPE || errno == EINTR))
            continue;
        break;  // EAGAIN: the end
    }
    close(fd);
    return log;
}

// Kernel log timestamps count from boot; the wall clock of boot turns them into times.
std::int64_t bootEpochUs()
{
    timespec real{};
    timespec boot{};
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &boot);  // /dev/kmsg stamps do not count suspend
    auto us = [](const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000; };
    return us(real) - us(boot);
}

std::string gatherReport(const std::string& withheld)
{
    DiagnosisFacts facts;
    facts.memory = parseMemInfo(readFile("/proc/meminfo"));
    facts.swaps = parseSwaps(readFile("/proc/swaps"));
    try {
        facts.pressure = parsePressure(readFile("/proc/pressure/memory"));
    } catch (const Error&) {
        // A kernel without PSI: the report says null.
    }
    facts.programs = groupByProgram(readProcesses());
    facts.bootEpochUs = bootEpochUs();
    if (!withheld.empty()) {
        facts.withheld.push_back(withheld);
    } else {
        try {
            facts.oomKills = parseOomKills(readKernelLog());
        } catch (const Error& error) {
            facts.withheld.push_back(std::string("OOM kills: ") + error.what());
        }
    }
    return diagnose(facts).dump();
}

} // namespace

DiagnosticsService::DiagnosticsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), authorizer_(authorizer), loop_(loop)
{
    registerAdaptor();
}

DiagnosticsService::~DiagnosticsService() { unregisterAdaptor(); }

void DiagnosticsService::Diagnose(sdbus::Result<std::string>&& result, Options options)
{
    bool interactive = false;
    try {
        interactive = OptionReader(options, {"auth.interactive"}).flag("auth.interactive");
    } catch (const sdbus::Error& error) {
        result.returnError(error);
        return;
    }
    auto reply = std::make_shared<sdbus::Result<std::string>>(std::move(result));
    // A refusal withholds the kernel log, not the report.
    authorizer_.check(
        currentSender(getObject()), {kDiagnoseAction}, interactive, "diagnose", [this, reply] { report(reply, ""); },
        [this, reply](const sdbus::Error&) {
            report(reply, "OOM kills: reading the kernel log needs polkit action " + kDiagnoseAction +
                              "; an administrator can grant it by adding you to group 'remedy'");
        });
}

void DiagnosticsService::report(std::shared_ptr<sdbus::Result<std::string>> reply, std::string withheld)
{
    // On the mutation thread: a bounded queue rather than a thread per caller.
    loop_.runExclusive<Attempt<std::string>>(
        [withheld] { return attempt<std::string>([&] { return gatherReport(withheld); }); },
        [reply](Attempt<std::string> report) {
            if (report.value)
                reply->returnResults(*report.value);
            else
                reply->returnError(sdbus::Error(report.errorName, report.message));
        });
}

} // namespace remedy
