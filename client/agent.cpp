#include "agent.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

extern char** environ;

namespace remedy::client {
namespace {

constexpr const char* kAgentPath = "/usr/bin/pkttyagent";

} // namespace

PolkitAgent::PolkitAgent(bool allowed)
{
    if (!allowed || !isatty(STDIN_FILENO) || geteuid() == 0 || access(kAgentPath, X_OK) != 0)
        return;

    int notify[2];
    if (pipe2(notify, O_CLOEXEC) != 0)
        return;
    // The agent closes --notify-fd once it has registered with polkit.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, notify[1], notify[1]);  // clears O_CLOEXEC in the child
    std::string fd = std::to_string(notify[1]);
    // Registered for this process rather than for the login session, so it
    // also works where there is no logind session (su, runuser, ssh without
    // pam_systemd). Not --fallback: polkit 122 drops a fallback agent when the
    // caller has no session, and an agent scoped to us replaces no one else's.
    std::string self = std::to_string(getpid());
    char* argv[] = {const_cast<char*>(kAgentPath), const_cast<char*>("--notify-fd"), fd.data(),
                    const_cast<char*>("--process"), self.data(), nullptr};
    if (posix_spawn(&pid_, kAgentPath, &actions, nullptr, argv, environ) != 0)
        pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(notify[1]);
    if (pid_ > 0) {
        char byte;
        while (read(notify[0], &byte, 1) > 0) {
        }
    }
    close(notify[0]);
}

PolkitAgent::~PolkitAgent()
{
    if (pid_ <= 0)
        return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
}

} // namespace remedy::client
