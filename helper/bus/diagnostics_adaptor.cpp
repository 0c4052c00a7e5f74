#include "bus/diagnostics_adaptor.h"

#include "core/checklist.h"
#include "core/diagnosis.h"
#include "dbus/errors.h"
#include "core/fstab_file.h"
#include "core/healthcheck.h"
#include "core/swap_policy.h"
#include "core/swap_system.h"
#include "core/trusted_path.h"
#include "core/unit_files.h"
#include "core/unit_name.h"
#include "jobs.h"
#include "systemd.h"

#include <algorithm>
#include <set>

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

// The kernel's OOM kill records, or nothing with the reason in `withheld`.
std::optional<std::vector<OomKill>> oomKills(const std::string& refusal, std::vector<std::string>& withheld)
{
    if (!refusal.empty()) {
        withheld.push_back(refusal);
        return std::nullopt;
    }
    try {
        return parseOomKills(readKernelLog());
    } catch (const Error& error) {
        withheld.push_back(std::string("OOM kills: ") + error.what());
        return std::nullopt;
    }
}

// The services systemd restarted or lost to an OOM kill, and those the
// kernel log names in a kill.
std::vector<UnitRecord> unitRecords(const std::optional<std::vector<OomKill>>& kills)
{
    Systemd systemd;
    std::vector<UnitRecord> records;
    for (const auto& name : systemd.services()) {
        auto state = systemd.state(name);
        bool named = kills && std::any_of(kills->begin(), kills->end(), [&](const OomKill& kill) { return kill.unit == name; });
        if (state.result != "oom-kill" && state.nRestarts == 0 && !named)
            continue;
        bool health = systemd.state(healthcheckName(name) + ".timer").activeState == "active";
        records.push_back({name, state, health});
    }
    return records;
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
    facts.oomKills = oomKills(withheld, facts.withheld);
    try {
        facts.units = unitRecords(facts.oomKills);
    } catch (const std::exception& error) {
        facts.unavailable.push_back(std::string("units: systemd cannot be asked: ") + error.what());
    }
    return diagnose(facts).dump();
}

std::string gatherChecklist(const Root& root, const std::string& unit, const std::string& withheld)
{
    ChecklistFacts facts;
    facts.memoryTotal = parseMemInfo(readFile("/proc/meminfo")).total;
    facts.swaps = parseSwaps(readFile("/proc/swaps"));
    facts.recommendedSwap = recommendSwap(facts.memoryTotal).size;
    facts.pageSize = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    auto rootFd = openRoot(root.path);
    auto fstab = FstabFile(rootFd.get()).read();  // named: entries() refers into it
    for (const auto& entry : fstab.entries())
        if (entry.isSwap())
            facts.fstabSwaps.insert(entry.source);
    // /proc/swaps may show a swapfile by its path within its mount
    // (swap_system.h): such an area is given its fstab path back.
    for (const auto& source : facts.fstabSwaps) {
        UniqueFd file(open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        auto withinMount = file ? pathWithinMount(file.get()) : "";
        for (auto& area : facts.swaps)
            if (area.type == "file" && !withinMount.empty() && area.path == withinMount && access(area.path.c_str(), F_OK) != 0)
                area.path = source;
    }
    // A partition is named by UUID= or LABEL= in fstab and by its device in
    // /proc/swaps: such an entry counts for the partitions.
    for (const auto& source : std::set<std::string>(facts.fstabSwaps))
        if (source.find('=') != std::string::npos)
            for (const auto& area : facts.swaps)
                if (area.type == "partition")
                    facts.fstabSwaps.insert(area.path);

    Systemd systemd;
    ManagedDirectory units(rootFd.get(), "/etc/systemd/system");
    ManagedDirectory logrotate(rootFd.get(), "/etc/logrotate.d");
    std::vector<std::string> names;
    facts.serviceAsked = !unit.empty();
    if (facts.serviceAsked)
        names.push_back(unit);
    else
        for (const auto& name : units.managedFiles(".service"))
            if (name.rfind("remedy-", 0) != 0)  // remedy's own health and metrics units
                names.push_back(name);
    for (const auto& name : names) {
        ServiceFacts service{name, systemd.state(name)};
        const auto& out = service.state.standardOutput;
        service.logsToFiles = !service.state.logsDirectory.empty() || out.rfind("file", 0) == 0 || out.rfind("append", 0) == 0 ||
                              out.rfind("truncate", 0) == 0;
        service.logRotation = logrotate.read("remedy-" + name.substr(0, name.rfind('.'))).has_value();
        service.healthCheck = systemd.state(healthcheckName(name) + ".timer").activeState == "active";
        facts.services.push_back(std::move(service));
    }
    facts.metricsTimer = systemd.state("remedy-metrics.timer").activeState == "active";
    auto kills = oomKills(withheld, facts.withheld);
    if (kills)
        facts.oomKills = kills->size();
    return checklist(facts).dump();
}

std::string withheldKernelLog()
{
    return "OOM kills: reading the kernel log needs polkit action " + kDiagnoseAction +
           "; an administrator can grant it by adding you to group 'remedy'";
}

} // namespace

DiagnosticsService::DiagnosticsService(sdbus::IConnection& bus, Authorizer& authorizer, EventLoop& loop, const Root& root)
    : AdaptorInterfaces(bus, "/org/remedy/Remedy1"), authorizer_(authorizer), loop_(loop), root_(root)
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
        currentSender(getObject()), {kDiagnoseAction}, interactive, "diagnose", [this, reply] { report(reply, "", gatherReport); },
        [this, reply](const sdbus::Error&) { report(reply, withheldKernelLog(), gatherReport); });
}

void DiagnosticsService::Check(sdbus::Result<std::string>&& result, std::string unit, Options options)
{
    bool interactive = false;
    if (!checkRequest(result, [&] {
            interactive = OptionReader(options, {"auth.interactive"}).flag("auth.interactive");
            if (!unit.empty())
                validateServiceName(unit);
        }))
        return;
    auto reply = std::make_shared<sdbus::Result<std::string>>(std::move(result));
    auto gather = [this, unit](const std::string& withheld) { return gatherChecklist(root_, unit, withheld); };
    authorizer_.check(
        currentSender(getObject()), {kDiagnoseAction}, interactive, "check", [this, reply, gather] { report(reply, "", gather); },
        [this, reply, gather](const sdbus::Error&) { report(reply, withheldKernelLog(), gather); });
}

void DiagnosticsService::report(std::shared_ptr<sdbus::Result<std::string>> reply, std::string withheld,
                                std::function<std::string(const std::string&)> gather)
{
    // On the mutation thread: a bounded queue rather than a thread per caller.
    loop_.runExclusive<Attempt<std::string>>(
        [withheld, gather] { return attempt<std::string>([&] { return gather(withheld); }); },
        [reply](Attempt<std::string> report) {
            if (report.value)
                reply->returnResults(*report.value);
            else
                reply->returnError(sdbus::Error(report.errorName, report.message));
        });
}

} // namespace remedy
