#pragma once
// Runs real programs for the integration tests and captures what they say.

#include <string>
#include <vector>

namespace remedy::test {

struct Outcome {
    int exitCode = -1;  // 128 + signal when killed
    std::string out;
    std::string err;
};

// Runs argv (argv[0] is looked up in PATH) and waits for it.
Outcome run(const std::vector<std::string>& argv);

// Runs argv on a pseudo-terminal (script(1)), as a person at a terminal
// would, and types `answer` once `prompt` appears on it.
Outcome runOnTerminal(const std::string& command, const std::string& prompt, const std::string& answer);

// Runs argv as `user` through runuser(1); user "root" runs it directly.
Outcome runAs(const std::string& user, std::vector<std::string> argv);

// The environment variable, or a test failure naming it.
std::string requireEnv(const char* name);

} // namespace remedy::test
