// remedyd: the privileged half of remedy. Bus-activated on the system bus,
// it performs each change only after polkit has authorized the caller.

#include "authority.h"
#include "core/log_level.h"
#include "event_loop.h"
#include "log_control.h"
#include "logging.h"
#include "manager.h"
#include "version.h"

#include <CLI/CLI.hpp>
#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>

namespace {

constexpr const char* kBusName = "org.remedy.Remedy1";

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"remedyd - the remedy system service (started by D-Bus activation, not by hand)"};
    double idleSeconds = 30;
    std::string levelName = "info";
    std::string targetName = "auto";
    app.add_option("--idle-timeout", idleSeconds, "Exit after this many seconds without calls; 0 never exits")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("--log-level", levelName, "Initial log level: " + remedy::logLevelNames())->capture_default_str();
    app.add_option("--log-target", targetName, "Log target: " + remedy::logTargetNames())->capture_default_str();
    app.set_version_flag("--version", remedy::kVersion);
    CLI11_PARSE(app, argc, argv);

    auto level = remedy::parseLogLevel(levelName);
    auto target = remedy::parseLogTarget(targetName);
    if (!level || !target) {
        std::fprintf(stderr, "remedyd: invalid --log-level or --log-target\n");
        return EXIT_FAILURE;
    }
    remedy::logging::setup(*target, *level);

    try {
        auto bus = sdbus::createSystemBusConnection();
        remedy::EventLoop loop(*bus, std::chrono::milliseconds(static_cast<long long>(idleSeconds * 1000)));
        remedy::Authority authority;
        remedy::LogControl logControl(*bus, authority);
        remedy::Manager manager(*bus, loop, authority, logControl);
        bus->requestName(kBusName);
        spdlog::info("remedyd {} serving {} on the system bus", remedy::kVersion, kBusName);

        loop.run([&] {
            // New callers activate a fresh instance from here on.
            bus->releaseName(kBusName);
            authority.cancelAll();
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
