#pragma once
// The diagnosis and the checklist of the machine as it is: the facts
// gathered from the host, systemd and the files below the root, then judged
// by diagnose() and checklist(). What remedyd's Diagnostics interface answers.

#include "host.h"
#include "service_manager.h"

#include <string>

namespace remedy {

// diagnose()'s JSON text (diagnosis.h). `withheld`: why the caller may not
// read the kernel log, or "" when it may; a withheld log gives no OOM kills
// and the report says why. A systemd that cannot be asked leaves out only
// the units.
std::string diagnosisReport(Host& host, ServiceManager& systemd, const std::string& withheld);

// checklist()'s JSON text (checklist.h) for `unit`, or for the services
// remedy installed below `rootFd` when `unit` is ""; `withheld` as above.
std::string checklistReport(int rootFd, Host& host, ServiceManager& systemd, const std::string& unit, const std::string& withheld);

} // namespace remedy
