#pragma once
// The incident report's cron health check, as a systemd timer and a oneshot
// service that runs remedy-healthcheck: it GETs the URL and, after `failures`
// failures in a row, restarts the unit and says so in the journal.

#include "config.h"

#include <string>

namespace remedy {

struct HealthcheckSpec {
    std::string unit;  // the service it watches
    std::string url;   // http:// or https://
    unsigned intervalSec = 10;
    unsigned timeoutSec = 3;
    unsigned failures = 3;
};

// Throws InvalidArgument naming the field at fault.
void validate(const HealthcheckSpec& spec);

// "remedy-health-kontali-backend" for kontali-backend.service; the timer and
// the service are this name plus ".timer" and ".service".
std::string healthcheckName(const std::string& unit);

std::string renderHealthService(const HealthcheckSpec& spec, const std::string& probePath);
std::string renderHealthTimer(const HealthcheckSpec& spec);

// The metrics timer's pair: remedyctl writes the checklist as Prometheus
// text into `directory` (below /var/lib, so systemd creates it as the
// service's StateDirectory) every minute. The service runs as root, so the
// directory must also be one of config.metricsDirectories. Throws
// InvalidArgument for another directory.
std::string renderMetricsService(const std::string& directory, const std::string& remedyctlPath, const Config& config = {});

// "prometheus/node-exporter" for /var/lib/prometheus/node-exporter; throws
// InvalidArgument for a directory that is not a plain one below /var/lib.
std::string metricsStateDirectory(const std::string& directory);
std::string renderMetricsTimer();

} // namespace remedy
