#pragma once
// Running one of the system's tools (mkswap, systemd-analyze, logrotate):
// by absolute path, with a fixed environment, stdin from /dev/null, and its
// output captured for the error message.

#include <string>
#include <vector>

namespace remedy {

struct ProgramResult {
    int exitCode = -1;   // -1: killed by a signal
    std::string output;  // stdout and stderr together, at most 64 KiB
};

// argv[0] is an absolute path. With passFd >= 0 that descriptor is the
// child's fd 3. Throws Failed when the program cannot be started.
ProgramResult runProgram(const std::vector<std::string>& argv, int passFd = -1);

} // namespace remedy
