// Rendering and checking of service specs and health checks: what reaches
// the unit file must read back as the caller meant it, and nothing else.

#include "core/error.h"
#include "core/healthcheck.h"
#include "core/service_spec.h"
#include "core/unit_files.h"

#include <gtest/gtest.h>

using namespace remedy;

namespace {

ServiceSpec backend()
{
    ServiceSpec spec;
    spec.name = "kontali-backend.service";
    spec.execStart = {"/opt/kontali/venv/bin/uvicorn", "app.main:app", "--workers", "2"};
    spec.user = "kontali";
    spec.memoryMax = 2ull << 30;
    spec.logsDirectory = "kontali";
    spec.logRotation = LogRotation{};
    return spec;
}

// The field named in the refusal.
std::string refusal(const ServiceSpec& spec)
{
    try {
        validate(spec);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::InvalidArgument);
        return std::string(error.what()).substr(0, std::string(error.what()).find(':'));
    }
    return "accepted";
}

TEST(ServiceSpec, RendersTheSeedsBackend)
{
    auto spec = backend();
    validate(spec);
    auto unit = renderService(spec);
    EXPECT_TRUE(isManaged(unit));
    EXPECT_NE(unit.find("\n[Service]\nType=exec\nUser=kontali\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nExecStart=\"/opt/kontali/venv/bin/uvicorn\" \"app.main:app\" \"--workers\" \"2\"\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nRestart=always\nRestartSec=1000ms\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nMemoryMax=2147483648\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nLogsDirectory=kontali\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\n[Install]\nWantedBy=multi-user.target\n"), std::string::npos) << unit;
    EXPECT_EQ(unit.find("StartLimit"), std::string::npos) << "systemd's defaults unless asked";

    auto rotation = renderLogRotation(spec, "kontali");
    EXPECT_TRUE(isManaged(rotation));
    EXPECT_NE(rotation.find("/var/log/kontali/*.log {\n    su kontali kontali\n"), std::string::npos) << rotation;
    EXPECT_NE(rotation.find("    rotate 14\n"), std::string::npos);
    EXPECT_NE(rotation.find("    copytruncate\n"), std::string::npos);
}

TEST(ServiceSpec, QuotesSoThatSystemdReadsBackEveryWordAsGiven)
{
    EXPECT_EQ(quoteForUnit("plain", true), "\"plain\"");
    EXPECT_EQ(quoteForUnit("two words", true), "\"two words\"");
    EXPECT_EQ(quoteForUnit("say \"hi\"", true), "\"say \\\"hi\\\"\"");
    EXPECT_EQ(quoteForUnit("back\\slash", true), "\"back\\\\slash\"");
    EXPECT_EQ(quoteForUnit("100%", true), "\"100%%\"") << "a specifier otherwise";
    EXPECT_EQ(quoteForUnit("$HOME", true), "\"$$HOME\"") << "expanded by systemd otherwise";
    EXPECT_EQ(quoteForUnit("$HOME", false), "\"$HOME\"") << "Environment= does not expand";
    EXPECT_THROW(quoteForUnit("a\nExecStartPre=/bin/sh", true), Error);
    EXPECT_THROW(quoteForUnit(std::string("a\0b", 3), true), Error);

    auto spec = backend();
    spec.environment = {{"DATABASE_URL", "postgres://u:p@localhost/db?sslmode=require&x=%41"}};
    spec.description = "Kontali 100% backend";
    auto unit = renderService(spec);
    EXPECT_NE(unit.find("\nEnvironment=\"DATABASE_URL=postgres://u:p@localhost/db?sslmode=require&x=%%41\"\n"), std::string::npos) << unit;
    EXPECT_NE(unit.find("\nDescription=Kontali 100%% backend\n"), std::string::npos) << unit;
}

TEST(ServiceSpec, RefusesEachBadFieldByName)
{
    auto bad = [](auto change) {
        auto spec = backend();
        change(spec);
        return refusal(spec);
    };
    EXPECT_EQ(bad([](ServiceSpec&) {}), "accepted");
    EXPECT_NE(bad([](ServiceSpec& s) { s.name = "../x.service"; }), "accepted");
    EXPECT_NE(bad([](ServiceSpec& s) { s.name = "dbus.service"; }), "accepted");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart.clear(); }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart[0] = "uvicorn"; }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart[0] = "/opt/../bin/sh"; }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart.push_back("a\nb"); }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.execStart.push_back(";"); }), "exec-start");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user.clear(); }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user = "root"; }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user = "0"; }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.user = "kon tali"; }), "user");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.group = "root\n"; }), "group");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.workingDirectory = "srv/app"; }), "working-directory");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.environment = {{"1X", "y"}}; }), "environment");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.environment = {{"X", "y\nExecStartPre=/bin/sh"}}; }), "environment X");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.restart = "sometimes"; }), "restart");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.restartMs = 2 * 3600 * 1000; }), "restart-sec");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.startLimitBurst = 0; }), "start-limit-burst");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryMax = 1000; }), "memory-max");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.memoryHigh = 3ull << 30; }), "memory-high");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.oomPolicy = "ignore"; }), "oom-policy");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logsDirectory = "../etc"; }), "logs-directory");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logsDirectory = "/var/log/k"; }), "logs-directory");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logsDirectory.clear(); }), "log-rotate");
    EXPECT_EQ(bad([](ServiceSpec& s) { s.logRotation->keep = 0; }), "log-rotate-keep");
}

TEST(Healthcheck, RendersATimerAndAProbeService)
{
    HealthcheckSpec spec{"kontali-backend.service", "http://127.0.0.1:8000/health?full=1%20x"};
    validate(spec);
    EXPECT_EQ(healthcheckName(spec.unit), "remedy-health-kontali-backend");
    auto service = renderHealthService(spec, "/usr/libexec/remedy-healthcheck");
    EXPECT_TRUE(isManaged(service));
    EXPECT_NE(service.find("\nExecStart=\"/usr/libexec/remedy-healthcheck\" --unit kontali-backend.service --timeout 3 --failures 3 "
                           "\"http://127.0.0.1:8000/health?full=1%%20x\"\n"),
              std::string::npos)
        << service;
    EXPECT_NE(service.find("\nType=oneshot\n"), std::string::npos);
    auto timer = renderHealthTimer(spec);
    EXPECT_NE(timer.find("\nOnUnitActiveSec=10s\n"), std::string::npos) << timer;
    EXPECT_NE(timer.find("\nAccuracySec=100ms\n"), std::string::npos) << timer;
    EXPECT_NE(timer.find("\nWantedBy=timers.target\n"), std::string::npos) << timer;
}

TEST(Healthcheck, RefusesBadURLsAndTimings)
{
    auto bad = [](auto change) {
        HealthcheckSpec spec{"app.service", "https://example.org/health"};
        change(spec);
        try {
            validate(spec);
        } catch (const Error& error) {
            return std::string(error.what()).substr(0, std::string(error.what()).find(':'));
        }
        return std::string("accepted");
    };
    EXPECT_EQ(bad([](HealthcheckSpec&) {}), "accepted");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "ftp://example.org/"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "file:///etc/shadow"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://a/ b"; }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://a/\"--unit=dbus.service"; }), "accepted") << "quoted, not refused";
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.url = "http://a/" + std::string(3000, 'x'); }), "url");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.unit = "worker@1.service"; }), "unit");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.intervalSec = 0; }), "interval");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.timeoutSec = 20; }), "timeout");
    EXPECT_EQ(bad([](HealthcheckSpec& s) { s.failures = 0; }), "failures");
}

} // namespace
