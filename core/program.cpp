#include "program.h"

#include "error.h"
#include "unique_fd.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace remedy {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;

} // namespace

ProgramResult runProgram(const std::vector<std::string>& argv, int passFd)
{
    int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) != 0)
        throw Error(ErrorKind::Failed, std::string("cannot create a pipe: ") + std::strerror(errno));
    UniqueFd readEnd(pipeFds[0]);
    UniqueFd writeEnd(pipeFds[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, writeEnd.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, writeEnd.get(), STDERR_FILENO);
    if (passFd >= 0)
        posix_spawn_file_actions_adddup2(&actions, passFd, 3);
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    char* envp[] = {const_cast<char*>("LC_ALL=C"), const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
    pid_t pid = -1;
    int spawned = posix_spawn(&pid, argv.at(0).c_str(), &actions, nullptr, args.data(), envp);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        throw Error(ErrorKind::Failed, "cannot run " + argv[0] + ": " + std::strerror(spawned));
    writeEnd = UniqueFd();

    ProgramResult result;
    char buffer[4096];
    for (;;) {
        ssize_t got = read(readEnd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (result.output.size() < kMaxOutput)
            result.output.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(got), kMaxOutput - result.output.size()));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

} // namespace remedy
