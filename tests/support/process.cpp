#include "process.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace remedy::test {

namespace {

// Spawns argv with stdout and stderr captured; with `input`, stdin is a pipe
// whose write end is returned there, otherwise /dev/null.
pid_t spawn(const std::vector<std::string>& argv, int& out, int& err, int* input)
{
    int outPipe[2];
    int errPipe[2];
    int inPipe[2] = {-1, -1};
    if (pipe2(outPipe, O_CLOEXEC) != 0 || pipe2(errPipe, O_CLOEXEC) != 0 || (input && pipe2(inPipe, O_CLOEXEC) != 0))
        throw std::runtime_error("pipe2 failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (input)
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(outPipe[1]);
    close(errPipe[1]);
    if (input) {
        close(inPipe[0]);
        *input = inPipe[1];
    }
    if (spawned != 0)
        throw std::runtime_error("cannot run " + argv[0]);
    out = outPipe[0];
    err = errPipe[0];
    return pid;
}

// Collects both streams until they close; `onOutput(out, quiet)` sees stdout
// as it grows, and again after each quiet half second. A child still running
// after a minute is killed: a test must fail, never hang.
template <typename OnOutput>
Outcome collect(pid_t pid, int out, int err, OnOutput onOutput)
{
    using Clock = std::chrono::steady_clock;
    auto deadline = Clock::now() + std::chrono::minutes(1);
    Outcome outcome;
    pollfd fds[] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
    std::string* sinks[] = {&outcome.out, &outcome.err};
    int open = 2;
    while (open > 0) {
        int ready = poll(fds, 2, 500);
        if (ready < 0 && errno != EINTR)
            break;
        if (Clock::now() > deadline) {
            kill(pid, SIGKILL);
            outcome.err += "\n[killed: still running after a minute]";
            deadline = Clock::time_point::max();
        }
        if (ready == 0) {
            onOutput(outcome.out, true);
            continue;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char buffer[4096];
            ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
                if (i == 0)
                    onOutput(outcome.out, false);
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    outcome.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return outcome;
}

} // namespace

Outcome run(const std::vector<std::string>& argv)
{
    int out = -1;
    int err = -1;
    pid_t pid = spawn(argv, out, err, nullptr);
    return collect(pid, out, err, [](const std::string&, bool) {});
}

Outcome runOnTerminal(const std::string& command, const std::string& prompt, const std::string& answer)
{
    int out = -1;
    int err = -1;
    int input = -1;
    // --return: script exits with the command's status.
    pid_t pid = spawn({"script", "--quiet", "--return", "--command", command, "/dev/null"}, out, err, &input);
    // Type the answer once the terminal has gone quiet on a prompt: by then
    // the agent waits for input with echo off. Input typed earlier may be
    // flushed (or echoed) when the agent sets the terminal up, so a prompt
    // still waiting after an answer gets it again, a few times at most.
    int sent = 0;
    auto outcome = collect(pid, out, err, [&](const std::string& text, bool quiet) {
        auto at = text.rfind(prompt);
        if (!quiet || at == std::string::npos || sent >= 3)
            return;
        auto after = text.substr(at + prompt.size());
        if (auto echoed = after.find(answer); !answer.empty() && echoed != std::string::npos)
            after.erase(echoed, answer.size());
        if (after.find_first_not_of(" \r\n") != std::string::npos)
            return;  // the agent has moved on
        auto line = answer + "\n";
        if (write(input, line.data(), line.size()) == static_cast<ssize_t>(line.size()))
            ++sent;
    });
    close(input);
    return outcome;
}

Outcome runAs(const std::string& user, std::vector<std::string> argv)
{
    if (user != "root")
        argv.insert(argv.begin(), {"runuser", "-u", user, "--"});
    return run(argv);
}

std::string requireEnv(const char* name)
{
    const char* value = std::getenv(name);
    if (!value || !*value)
        throw std::runtime_error(std::string(name) + " is not set: run this test through tests/support/bus-env");
    return value;
}

} // namespace remedy::test
