// remedyd: the privileged half of remedy. Bus-activated on the system bus,
// it performs each change only after polkit has authorized the caller.

#include "bus/bounds.h"
#include "bus/diagnostics_adaptor.h"
#include "bus/fstab_adaptor.h"
#include "bus/log_control_adaptor.h"
#include "bus/manager_adaptor.h"
#include "bus/plan_adaptor.h"
#include "bus/swap_adaptor.h"
#include "bus/units_adaptor.h"
#include "core/config.h"
#include "core/log_level.h"
#include "core/trusted_path.h"
#include "event_loop.h"
#include "logging.h"
#include "polkit.h"
#include "recovery.h"
#include "requests.h"
#include "version.h"
#include "watches.h"

#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/spdlog.h>

#include <getopt.h>
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr const char* kBusName = "org.remedy.Remedy1";

struct Settings {
    std::string root = "/";
    std::chrono::milliseconds idleTimeout{30'000};
    remedy::LogLevel level = remedy::LogLevel::Info;
    remedy::LogTarget target = remedy::LogTarget::Auto;
};

void usage(FILE* out)
{
    std::fprintf(out,
                 "Usage: remedyd [OPTIONS]\n"
                 "The remedy system service. D-Bus activation starts it; it exits when idle.\n\n"
                 "  --idle-timeout=SECONDS  exit after this long without calls; 0 never (default 30)\n"
                 "  --root=DIR              act on the system below DIR (its etc/fstab, its paths); default /\n"
                 "  --log-level=LEVEL       %s (default info)\n"
                 "  --log-target=TARGET     %s (default auto: the journal under systemd)\n"
                 "  --version               print the version and exit\n"
                 "  --help                  print this help and exit\n",
                 remedy::logLevelNames().c_str(), remedy::logTargetNames().c_str());
}

// getopt_long, not CLI11 as in remedyctl: CLI11 pulls in <iostream>, whose
// static initializer costs a daemon that sits idle half a MiB of RSS.
bool parseArguments(int argc, char** argv, Settings& settings, int& exitCode)
{
    enum { kIdle = 256, kRoot, kLevel, kTarget, kVersion, kHelp };
    static const option options[] = {
        {"idle-timeout", required_argument, nullptr, kIdle}, {"root", required_argument, nullptr, kRoot},
        {"log-level", required_argument, nullptr, kLevel},
        {"log-target", required_argument, nullptr, kTarget}, {"version", no_argument, nullptr, kVersion},
        {"help", no_argument, nullptr, kHelp},               {nullptr, 0, nullptr, 0},
    };
    exitCode = EXIT_SUCCESS;
    for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
        switch (c) {
        case kIdle: {
            char* end = nullptr;
            double seconds = std::strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(seconds >= 0)) {
                std::fprintf(stderr, "remedyd: invalid --idle-timeout '%s': expected seconds, 0 or more\n", optarg);
                exitCode = 2;
                return false;
            }
            settings.idleTimeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
            break;
        }
        case kRoot:
            if (optarg[0] != '/') {
                std::fprintf(stderr, "remedyd: --root must be an absolute path, not '%s'\n", optarg);
                exitCode = 2;
                return false;
            }
            settings.root = optarg;
            break;
        case kLevel:
        case kTarget: {
            auto level = remedy::parseLogLevel(optarg);
            auto target = remedy::parseLogTarget(optarg);
            if (c == kLevel ? !level : !target) {
                std::fprintf(stderr, "remedyd: invalid %s '%s'\n", c == kLevel ? "--log-level" : "--log-target", optarg);
                exitCode = 2;
                return false;
            }
            if (c == kLevel)
                settings.level = *level;
            else
                settings.target = *target;
            break;
        }
        case kVersion:
            std::printf("remedyd %s\n", remedy::kVersion);
            return false;
        case kHelp:
            usage(stdout);
            return false;
        default:
            usage(stderr);
            exitCode = 2;
            return false;
        }
    }
    if (optind < argc) {
        std::fprintf(stderr, "remedyd: unexpected argument '%s'\n", argv[optind]);
        exitCode = 2;
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    // glibc hands freed memory above 128 KiB back to the kernel (and maps
    // blocks above it anew each time), so a large read, GetEntries of a
    // 10,000-line fstab (a few MiB of libmount's small allocations), faulted
    // its pages in again on every call: twice the cost per line of 1,000
    // lines, for the same instructions (bench/fstab.cpp, README
    // "Benchmarks"). Kept up to 4 MiB instead; an idle remedyd touches none
    // of it, so its RSS is the same.
    mallopt(M_TRIM_THRESHOLD, 4 << 20);
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    Settings settings;
    int exitCode = EXIT_SUCCESS;
    if (!parseArguments(argc, argv, settings, exitCode))
        return exitCode;
    remedy::logging::setup(settings.target, settings.level);

    try {
        auto bus = sdbus::createSystemBusConnection();
        // Before any object exists: no call reaches an adaptor unbounded.
        remedy::installRequestBounds(*bus, "/org/remedy/Remedy1");
        remedy::installRequestBounds(*bus, remedy::LogControlAdaptor::kObjectPath);
        remedy::EventLoop loop(*bus, settings.idleTimeout);
        remedy::Polkit polkit(*bus);
        remedy::Jobs jobs(*bus, loop, polkit);
        remedy::Requests requests(loop, polkit, jobs);
        remedy::Root root{settings.root, remedy::loadConfig(remedy::openRoot(settings.root).get())};
        // Before anyone is served: a change a killed remedyd left half done
        // is rolled back and put on record (remedy::recoverInterrupted).
        remedy::recoverInterrupted(root);
        remedy::LogControlAdaptor logControl(*bus, polkit);
        remedy::ManagerAdaptor manager(*bus, requests, logControl);
        remedy::SwapAdaptor swap(*bus, requests, root);
        remedy::FstabAdaptor fstab(*bus, requests, root);
        remedy::DiagnosticsAdaptor diagnostics(*bus, requests, root);
        remedy::UnitsAdaptor units(*bus, requests, root);
        remedy::PlanAdaptor plans(*bus, requests, root);
        remedy::SystemWatches watches(loop, root, [&] { swap.announceAreas(); }, [&] { fstab.emitChanged(); });
        bus->requestName(kBusName);
        spdlog::info("remedyd {} serving {} on the system bus", remedy::kVersion, kBusName);

        loop.run([&] {
            // New callers activate a fresh instance from here on.
            bus->releaseName(kBusName);
            polkit.cancelAll();
        });
        spdlog::info("remedyd exiting");
    } catch (const sdbus::Error& error) {
        spdlog::critical("D-Bus: {}", error.getMessage());
        return EXIT_FAILURE;
    } catch (const std::exception& error) {
        spdlog::critical("{}", error.what());
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
