// The hostile-caller suite of the bus tier (issue 10): remedyd as a local
// user without sudo would attack it, calling the bus directly rather than
// through remedyctl. Every part is a table, so that it grows with the
// interface: a new method fails HostileMatrix until it has its rows.
//
//   HostileMatrix  every method and every writable property of the XML, called
//                  by an outsider and by a caller granted one unrelated action
//                  (org.remedy.swap.manage): refused, or for reads nobody
//                  else's data; nothing changes; remedyd stays up
//   HostileJobs    a member's job answers only its starter, and its signals
//                  reach only its starter
//   HostileInput   hundreds of bad inputs across all methods, each a clear
//                  error (org.remedy.Remedy1.Error.* or InvalidArgs, with a
//                  message) and no change
//   HostileLog     a newline in an argument never makes a second log line
//   HostileFlood   1,000 connections, a message at the bus's size limit, a
//                  1,000-step plan, 50 looping outsiders: remedyd stays up
//                  within its limits and a member's calls still succeed
//                  (correctness only; latency is bench/flood.cpp's)
//
// "Nothing changes" is a snapshot compared before and after every row: each
// file under $REMEDY_ROOT (type, mode, owner, content), /proc/swaps, and
// remedyd's log level and target. "Stays up" is the same PID from the bus
// daemon (GetConnectionUnixProcessID), or an exit through the idle timeout
// that remedyd logged.
//
// The callers are forked children of this test, each with the credentials
// of its user (so the bus daemon's SO_PEERCRED, which polkit is asked
// about, is that user's), each with one sd-bus connection, run in lock
// step with the test so that a snapshot can be taken between two calls.
// sd-bus rather than busctl: busctl cannot send a 31 MiB message, a 1 MiB
// argument (argv), an a{sv} of 100,000 entries or a variant nested 9 deep.
//
// Holes found are tests of their own at the end, marked "HOLE:" and skipped
// until remedyd is fixed.

#include "bus_helpers.h"
#include "core/proc.h"
#include "introspection.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace remedy::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kDbus = "org.freedesktop.DBus";
const std::string kProperties = "org.freedesktop.DBus.Properties";
const std::string kIface = "org.remedy.Remedy1.";
const std::string kLogControl = "org.freedesktop.LogControl1";
const std::string kLogControlPath = "/org/freedesktop/LogControl1";
const std::string kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
const std::string kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
const std::string kRemedyError = "org.remedy.Remedy1.Error.";

// --- values: the arguments of a call, any D-Bus type --------------------------

// `arg` is a string the test passes when it starts the call (a job's path
// or a history id learnt at run time).
using Put = std::function<int(sd_bus_message*, const std::string& arg)>;

struct Value {
    std::string signature;
    Put put;
};

template <typename T>
Value basic(char type, const char* signature, T value)
{
    return {signature, [type, value](sd_bus_message* m, const std::string&) { return sd_bus_message_append_basic(m, type, &value); }};
}

Value B(bool value) { return basic<int>('b', "b", value ? 1 : 0); }
Value I(std::int32_t value) { return basic('i', "i", value); }
Value U(std::uint32_t value) { return basic('u', "u", value); }
Value T(std::uint64_t value) { return basic('t', "t", value); }
Value D(double value) { return basic('d', "d", value); }

Value S(std::string text)
{
    return {"s", [text = std::move(text)](sd_bus_message* m, const std::string&) { return sd_bus_message_append_basic(m, 's', text.c_str()); }};
}

// The number the test passes at run time.
Value ArgT()
{
    return {"t", [](sd_bus_message* m, const std::string& arg) {
                std::uint64_t value = arg.empty() ? 0 : std::stoull(arg);
                return sd_bus_message_append_basic(m, 't', &value);
            }};
}

Value AS(std::vector<std::string> items)
{
    return {"as", [items = std::move(items)](sd_bus_message* m, const std::string&) {
                int r = sd_bus_message_open_container(m, 'a', "s");
                for (const auto& item : items)
                    if (r >= 0)
                        r = sd_bus_message_append_basic(m, 's', item.c_str());
                return r < 0 ? r : sd_bus_message_close_container(m);
            }};
}

Value AY(std::string bytes)
{
    return {"ay", [bytes = std::move(bytes)](sd_bus_message* m, const std::string&) {
                return sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size());
            }};
}

Value V(Value inner)
{
    return {"v", [inner = std::move(inner)](sd_bus_message* m, const std::string& arg) {
                int r = sd_bus_message_open_container(m, 'v', inner.signature.c_str());
                if (r >= 0)
                    r = inner.put(m, arg);
                return r < 0 ? r : sd_bus_message_close_container(m);
            }};
}

using Entries = std::vector<std::pair<std::string, Value>>;

// a{sv}
Value Dict(Entries entries)
{
    return {"a{sv}", [entries = std::move(entries)](sd_bus_message* m, const std::string& arg) {
                int r = sd_bus_message_open_container(m, 'a', "{sv}");
                for (const auto& [key, value] : entries) {
                    if (r >= 0)
                        r = sd_bus_message_open_container(m, 'e', "sv");
                    if (r >= 0)
                        r = sd_bus_message_append_basic(m, 's', key.c_str());
                    if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', value.signature.c_str());
                    if (r >= 0)
                        r = value.put(m, arg);
                    if (r >= 0)
                        r = sd_bus_message_close_container(m);
                    if (r >= 0)
                        r = sd_bus_message_close_container(m);
                }
                return r < 0 ? r : sd_bus_message_close_container(m);
            }};
}

// a{ss}: options of the wrong type.
Value DictSS(std::vector<std::pair<std::string, std::string>> entries)
{
    return {"a{ss}", [entries = std::move(entries)](sd_bus_message* m, const std::string&) {
                int r = sd_bus_message_open_container(m, 'a', "{ss}");
                for (const auto& [key, value] : entries)
                    if (r >= 0)
                        r = sd_bus_message_append(m, "{ss}", key.c_str(), value.c_str());
                return r < 0 ? r : sd_bus_message_close_container(m);
            }};
}

// An a{sv} of `count` entries "k0".."kN" of type b, built in the caller.
Value ManyOptions(std::size_t count)
{
    return {"a{sv}", [count](sd_bus_message* m, const std::string&) {
                int r = sd_bus_message_open_container(m, 'a', "{sv}");
                for (std::size_t i = 0; i < count && r >= 0; ++i)
                    r = sd_bus_message_append(m, "{sv}", ("k" + std::to_string(i)).c_str(), "b", 1);
                return r < 0 ? r : sd_bus_message_close_container(m);
            }};
}

// A variant holding a variant ... `depth` deep, around a boolean.
Value Nested(int depth) { return depth == 0 ? B(true) : V(Nested(depth - 1)); }

// An a{sv} whose one entry carries an array of arrays ... `depth` deep.
Value NestedArrays(int depth)
{
    return {"a{sv}", [depth](sd_bus_message* m, const std::string&) {
                std::string inner = "s";
                for (int i = 0; i < depth; ++i)
                    inner = "a" + inner;
                int r = sd_bus_message_open_container(m, 'a', "{sv}");
                if (r >= 0)
                    r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                    r = sd_bus_message_append_basic(m, 's', "deep");
                if (r >= 0)
                    r = sd_bus_message_open_container(m, 'v', inner.c_str());
                for (int i = 0; i < depth && r >= 0; ++i)
                    r = sd_bus_message_open_container(m, 'a', inner.c_str() + i + 1);
                if (r >= 0)
                    r = sd_bus_message_append_basic(m, 's', "x");
                for (int i = 0; i < depth + 3 && r >= 0; ++i)
                    r = sd_bus_message_close_container(m);
                return r;
            }};
}

using Args = std::vector<Value>;

std::string signatureOf(const Args& args)
{
    std::string signature;
    for (const auto& arg : args)
        signature += arg.signature;
    return signature;
}

// --- requests and replies ------------------------------------------------------

struct Request {
    enum class Kind { Call, Listen, Connections, Loop };
    Kind kind = Kind::Call;
    std::string destination = kBusName;
    std::string path = kPath;  // "@": the string the test passes when it starts the call
    std::string interface;
    std::string member;
    Args args;
    std::uint64_t timeoutUsec = 25'000'000;
    // After the reply (an object path), dispatch until the signal of this
    // name arrives from that path, for up to 15 s.
    std::string awaitSignal;
    int count = 0;                      // Connections: how many, one after another
    std::vector<std::size_t> calls;     // Connections, Loop: the requests to make
};

Request call(std::string interface, std::string member, Args args = {}, std::string path = kPath)
{
    Request request;
    request.interface = std::move(interface);
    request.member = std::move(member);
    request.args = std::move(args);
    request.path = std::move(path);
    return request;
}

Request remedy(const std::string& interface, std::string member, Args args = {}) { return call(kIface + interface, std::move(member), std::move(args)); }

Request getProperty(const std::string& path, const std::string& interface, const std::string& name)
{
    return call(kProperties, "Get", {S(interface), S(name)}, path);
}

Request setProperty(const std::string& path, const std::string& interface, const std::string& name, Value value)
{
    return call(kProperties, "Set", {S(interface), S(name), V(std::move(value))}, path);
}

Request toBusDaemon(std::string member, Args args)
{
    auto request = call(kDbus, std::move(member), std::move(args), "/org/freedesktop/DBus");
    request.destination = kDbus;
    return request;
}

struct Signal {
    std::string sender, destination, path, interface, member, dump;
};

struct Reply {
    int local = 0;  // a negative errno: no answer (not sent, timed out, disconnected)
    std::string errorName, errorMessage, signature, text, dump;
    std::vector<Signal> signals;
    std::map<std::string, long> tally;  // Connections, Loop: outcome -> count

    bool ok() const { return local == 0 && errorName.empty(); }
    std::string describe() const
    {
        if (local)
            return "no answer: " + std::string(std::strerror(-local));
        if (!errorName.empty())
            return errorName + ": " + errorMessage;
        return "answered " + signature + " " + (text.size() > 300 ? text.substr(0, 300) + "..." : text);
    }
};

// The pipe protocol between the test and a caller: little records of
// length-prefixed strings.
class Wire {
public:
    void u32(std::uint32_t value) { buffer_.append(reinterpret_cast<const char*>(&value), sizeof value); }
    void i64(std::int64_t value) { buffer_.append(reinterpret_cast<const char*>(&value), sizeof value); }
    void str(const std::string& text)
    {
        u32(static_cast<std::uint32_t>(text.size()));
        buffer_ += text;
    }
    bool send(int fd) const
    {
        std::string framed;
        auto size = static_cast<std::uint32_t>(buffer_.size());
        framed.append(reinterpret_cast<const char*>(&size), sizeof size);
        framed += buffer_;
        std::size_t done = 0;
        while (done < framed.size()) {
            // A socket, and MSG_NOSIGNAL: a caller that is gone is an error here, not SIGPIPE.
            auto n = ::send(fd, framed.data() + done, framed.size() - done, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    static bool readExact(int fd, char* data, std::size_t size)
    {
        std::size_t done = 0;
        while (done < size) {
            auto n = read(fd, data + done, size - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }
    bool receive(int fd)
    {
        std::uint32_t size = 0;
        if (!readExact(fd, reinterpret_cast<char*>(&size), sizeof size))
            return false;
        buffer_.assign(size, '\0');
        at_ = 0;
        return readExact(fd, buffer_.data(), size);
    }
    std::uint32_t takeU32()
    {
        std::uint32_t value = 0;
        std::memcpy(&value, buffer_.data() + at_, sizeof value);
        at_ += sizeof value;
        return value;
    }
    std::int64_t takeI64()
    {
        std::int64_t value = 0;
        std::memcpy(&value, buffer_.data() + at_, sizeof value);
        at_ += sizeof value;
        return value;
    }
    std::string takeStr()
    {
        auto size = takeU32();
        auto text = buffer_.substr(at_, size);
        at_ += size;
        return text;
    }

private:
    std::string buffer_;
    std::size_t at_ = 0;
};

void encode(Wire& wire, const Reply& reply)
{
    wire.i64(reply.local);
    for (const auto* field : {&reply.errorName, &reply.errorMessage, &reply.signature, &reply.text, &reply.dump})
        wire.str(*field);
    wire.u32(static_cast<std::uint32_t>(reply.signals.size()));
    for (const auto& s : reply.signals)
        for (const auto* field : {&s.sender, &s.destination, &s.path, &s.interface, &s.member, &s.dump})
            wire.str(*field);
    wire.u32(static_cast<std::uint32_t>(reply.tally.size()));
    for (const auto& [key, count] : reply.tally) {
        wire.str(key);
        wire.i64(count);
    }
}

Reply decode(Wire& wire)
{
    Reply reply;
    reply.local = static_cast<int>(wire.takeI64());
    for (auto* field : {&reply.errorName, &reply.errorMessage, &reply.signature, &reply.text, &reply.dump})
        *field = wire.takeStr();
    for (auto n = wire.takeU32(); n > 0; --n) {
        Signal s;
        for (auto* field : {&s.sender, &s.destination, &s.path, &s.interface, &s.member, &s.dump})
            *field = wire.takeStr();
        reply.signals.push_back(std::move(s));
    }
    for (auto n = wire.takeU32(); n > 0; --n) {
        auto key = wire.takeStr();
        reply.tally[key] = wire.takeI64();
    }
    return reply;
}

// --- the caller: a child with a user's credentials and one connection ----------

constexpr std::uint32_t kQuit = 0xffffffff;
constexpr std::uint32_t kStop = 0xfffffffe;

std::string dumpMessage(sd_bus_message* m)
{
    char* text = nullptr;
    std::size_t size = 0;
    FILE* f = open_memstream(&text, &size);
    if (!f)
        return {};
    sd_bus_message_dump(m, f, 0);
    std::fclose(f);
    std::string out(text, size);
    std::free(text);
    sd_bus_message_rewind(m, 1);
    return out;
}

class Child {
public:
    // Commands come in on `channel`, replies go out on it.
    Child(const std::vector<Request>& requests, int channel) : requests_(requests), channel_(channel) {}

    int run(const std::vector<std::string>& matches)
    {
        int r = sd_bus_open_system(&bus_);
        if (r >= 0)
            r = sd_bus_add_filter(bus_, nullptr, &Child::onMessage, this);
        // Straight to the bus daemon's AddMatch: sd-bus' own parser does not
        // know eavesdrop='true'. The filter above sees whatever arrives.
        for (const auto& rule : matches)
            if (r >= 0)
                sd_bus_call_method(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch", nullptr,
                                   nullptr, "s", rule.c_str());
        for (;;) {
            Wire command;
            if (!command.receive(channel_))
                break;
            auto index = command.takeU32();
            auto arg = command.takeStr();
            if (index == kQuit || index >= requests_.size())
                break;
            Reply reply;
            if (r < 0)
                reply.local = r;
            else
                reply = perform(requests_[index], arg);
            Wire out;
            encode(out, reply);
            if (!out.send(channel_))
                break;
        }
        if (bus_)
            sd_bus_flush_close_unref(bus_);
        return 0;
    }

private:
    static int onMessage(sd_bus_message* m, void* self, sd_bus_error*)
    {
        if (!sd_bus_message_is_signal(m, nullptr, nullptr))
            return 0;
        auto text = [](const char* value) { return std::string(value ? value : ""); };
        static_cast<Child*>(self)->seen_.push_back({text(sd_bus_message_get_sender(m)), text(sd_bus_message_get_destination(m)),
                                                    text(sd_bus_message_get_path(m)), text(sd_bus_message_get_interface(m)),
                                                    text(sd_bus_message_get_member(m)), dumpMessage(m)});
        return 0;
    }

    // Whether the test has asked to stop (a Listen or Loop); consumes it.
    bool stopAsked(int timeoutMs = 0)
    {
        pollfd fd{channel_, POLLIN, 0};
        if (poll(&fd, 1, timeoutMs) <= 0)
            return false;
        Wire stop;
        stop.receive(channel_);
        return true;
    }

    void drain()
    {
        while (sd_bus_process(bus_, nullptr) > 0) {
        }
    }

    static Reply invoke(sd_bus* bus, const Request& q, const std::string& arg)
    {
        Reply reply;
        sd_bus_message* m = nullptr;
        sd_bus_message* answer = nullptr;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        auto path = q.path == "@" ? arg : q.path;
        int r = sd_bus_message_new_method_call(bus, &m, q.destination.c_str(), path.c_str(), q.interface.c_str(), q.member.c_str());
        for (const auto& value : q.args)
            if (r >= 0)
                r = value.put(m, arg);
        if (r >= 0)
            r = sd_bus_call(bus, m, q.timeoutUsec, &error, &answer);
        if (r < 0) {
            if (sd_bus_error_is_set(&error)) {
                reply.errorName = error.name;
                reply.errorMessage = error.message ? error.message : "";
            } else {
                reply.local = r;
            }
        } else {
            const char* signature = sd_bus_message_get_signature(answer, 1);
            reply.signature = signature ? signature : "";
            if (!reply.signature.empty() && (reply.signature[0] == 's' || reply.signature[0] == 'o')) {
                const char* text = nullptr;
                if (sd_bus_message_read_basic(answer, reply.signature[0], &text) >= 0 && text)
                    reply.text = text;
                sd_bus_message_rewind(answer, 1);
            }
            reply.dump = dumpMessage(answer);
        }
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        sd_bus_message_unref(answer);
        return reply;
    }

    static std::string outcome(const Reply& reply)
    {
        if (reply.local)
            return "no answer (" + std::string(std::strerror(-reply.local)) + ")";
        return reply.errorName.empty() ? "ok" : reply.errorName;
    }

    Reply perform(const Request& q, const std::string& arg)
    {
        seen_.clear();
        Reply reply;
        switch (q.kind) {
        case Request::Kind::Call: {
            reply = invoke(bus_, q, arg);
            drain();
            auto deadline = std::chrono::steady_clock::now() + 15s;
            auto arrived = [&] {
                return std::any_of(seen_.begin(), seen_.end(), [&](const Signal& s) { return s.member == q.awaitSignal && s.path == reply.text; });
            };
            while (!q.awaitSignal.empty() && reply.ok() && !arrived() && std::chrono::steady_clock::now() < deadline) {
                sd_bus_wait(bus_, 100'000);
                drain();
            }
            break;
        }
        case Request::Kind::Listen:
            while (!stopAsked()) {
                drain();
                sd_bus_wait(bus_, 50'000);
            }
            drain();
            break;
        case Request::Kind::Connections:
            for (int i = 0; i < q.count; ++i) {
                sd_bus* bus = nullptr;
                int r = sd_bus_open_system(&bus);
                Reply one;
                if (r < 0)
                    one.local = r;
                for (auto index : q.calls)
                    if (r >= 0)
                        ++reply.tally[outcome(one = invoke(bus, requests_[index], arg))];
                if (r < 0)
                    ++reply.tally[outcome(one)];
                if (bus)
                    sd_bus_flush_close_unref(bus);
            }
            break;
        case Request::Kind::Loop:
            for (std::size_t i = 0; !stopAsked(); ++i) {
                auto one = invoke(bus_, requests_[q.calls[i % q.calls.size()]], arg);
                auto key = requests_[q.calls[i % q.calls.size()]].member + " " + outcome(one);
                if (++reply.tally[key] == 1 && !one.ok())
                    reply.dump += key + ": " + one.errorMessage + "\n";
                drain();
                seen_.clear();  // nobody looks at a flood's signals
            }
            break;
        }
        reply.signals = std::move(seen_);
        seen_.clear();
        return reply;
    }

    const std::vector<Request>& requests_;
    int channel_;
    sd_bus* bus_ = nullptr;
    std::vector<Signal> seen_;
};

struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

Account account(const std::string& name)
{
    const passwd* entry = getpwnam(name.c_str());
    if (!entry)
        throw std::runtime_error("no user " + name);
    Account who{name, entry->pw_uid, entry->pw_gid, {}};
    int count = 64;
    who.groups.resize(static_cast<std::size_t>(count));
    if (getgrouplist(name.c_str(), entry->pw_gid, who.groups.data(), &count) < 0)
        count = 0;
    who.groups.resize(static_cast<std::size_t>(count));
    return who;
}

// A caller: a child process with `user`'s uid, gids and groups and its own
// bus connection, which makes the calls of `requests` when told to, one at
// a time. Ended by its PID when the session goes.
class Session {
public:
    Session(const std::string& user, std::vector<Request> requests, std::vector<std::string> matches = {})
        : user_(user), requests_(std::move(requests))
    {
        auto who = account(user);
        int channel[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0)
            throw std::runtime_error("socketpair");
        std::fflush(nullptr);
        pid_ = fork();
        if (pid_ < 0)
            throw std::runtime_error("fork");
        if (pid_ == 0) {
            // Only this child's end stays open, at 3.
            dup2(fcntl(channel[1], F_DUPFD, 100), 3);
            close_range(4, ~0U, 0);
            bool dropped = who.uid == 0 || (setgroups(who.groups.size(), who.groups.data()) == 0 &&
                                            setresgid(who.gid, who.gid, who.gid) == 0 && setresuid(who.uid, who.uid, who.uid) == 0);
            prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setresuid, which clears it
            if (!dropped)
                _exit(111);
            Child child(requests_, 3);
            _exit(child.run(matches));
        }
        close(channel[1]);
        channel_ = channel[0];
    }

    ~Session()
    {
        Wire quit;
        quit.u32(kQuit);
        quit.str("");
        quit.send(channel_);
        close(channel_);
        for (int i = 0; i < 100; ++i) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_)
                return;
            std::this_thread::sleep_for(20ms);
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start(std::size_t index, const std::string& arg = {})
    {
        Wire command;
        command.u32(static_cast<std::uint32_t>(index));
        command.str(arg);
        command.send(channel_);
    }
    // Ends a Listen or a Loop.
    void stop()
    {
        Wire command;
        command.u32(kStop);
        command.str("");
        command.send(channel_);
    }
    Reply wait()
    {
        Wire reply;
        if (!reply.receive(channel_)) {
            Reply lost;
            lost.local = -EPIPE;
            return lost;
        }
        return decode(reply);
    }
    Reply call(std::size_t index, const std::string& arg = {})
    {
        start(index, arg);
        return wait();
    }
    const std::string& user() const { return user_; }
    pid_t pid() const { return pid_; }
    const std::vector<Request>& requests() const { return requests_; }

private:
    std::string user_;
    std::vector<Request> requests_;
    pid_t pid_ = -1;
    int channel_ = -1;
};

// --- the world: what "nothing changed" compares, and remedyd's PID -------------

fs::path root() { return requireEnv("REMEDY_ROOT"); }
std::string helperLog() { return remedy::readFile(requireEnv("REMEDY_HELPER_LOG")); }
std::string member() { return requireEnv("REMEDY_MEMBER"); }
std::string outsider() { return requireEnv("REMEDY_OUTSIDER"); }
std::string swapOnly() { return requireEnv("REMEDY_SWAP_ONLY"); }

struct Entry {
    std::string meta;     // type, mode, owner, size
    std::string content;  // small files in full, large ones by inode and mtime; a link's target
    bool operator==(const Entry&) const = default;
};

struct Snapshot {
    std::map<std::string, Entry> files;  // by path below $REMEDY_ROOT
    std::string swaps;                   // the areas below $REMEDY_ROOT: path, type, size, priority
    std::string logLevel, logTarget;
    bool operator==(const Snapshot&) const = default;
};

// Small files in full. A large one (a swapfile, whose blocks the kernel
// writes as it swaps) by inode and modification time, which any write
// through the file system moves.
std::string fileContent(const fs::path& path, const struct stat& st)
{
    if (st.st_size > 1024 * 1024)
        return "inode " + std::to_string(st.st_ino) + " mtime " + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The test's own view of the world, through a root session whose requests
// are these, in this order.
enum WorldCall { kGetLogLevel, kGetLogTarget, kHelperPid, kSetLogLevelInfo, kSetLogTargetConsole, kPing, kSetLogLevelDebug };

std::vector<Request> worldRequests()
{
    return {getProperty(kLogControlPath, kLogControl, "LogLevel"),
            getProperty(kLogControlPath, kLogControl, "LogTarget"),
            toBusDaemon("GetConnectionUnixProcessID", {S(kBusName)}),
            setProperty(kLogControlPath, kLogControl, "LogLevel", S("info")),
            setProperty(kLogControlPath, kLogControl, "LogTarget", S("console")),
            getProperty(kPath, kIface + "Manager", "Version"),
            setProperty(kLogControlPath, kLogControl, "LogLevel", S("debug"))};
}

std::string variantText(const Reply& reply)
{
    // Get's reply is a variant: `VARIANT "s" { STRING "info"; };` in the dump.
    auto at = reply.dump.find("STRING \"");
    if (at == std::string::npos)
        return reply.describe();
    at += 8;
    return reply.dump.substr(at, reply.dump.find('"', at) - at);
}

// /proc/swaps is the machine's: only the areas below $REMEDY_ROOT are this
// test's (another bus-env may run beside it), and "used" is the kernel's.
std::string ourSwaps()
{
    std::string text;
    for (const auto& area : remedy::parseSwaps(remedy::readFile("/proc/swaps")))
        if (area.path.rfind(root().string() + "/", 0) == 0)
            text += area.path + " " + area.type + " " + std::to_string(area.size) + " " + std::to_string(area.priority) + "\n";
    return text;
}

class World {
public:
    World() : session_("root", worldRequests()) {}

    Snapshot snapshot()
    {
        Snapshot s;
        std::error_code ec;
        auto base = root();
        for (auto it = fs::recursive_directory_iterator(base, fs::directory_options::none, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            struct stat st {};
            if (lstat(it->path().c_str(), &st) != 0)
                continue;
            Entry entry;
            std::ostringstream meta;
            meta << std::oct << (st.st_mode & 0177777) << std::dec << " " << st.st_uid << ":" << st.st_gid;
            if (S_ISREG(st.st_mode)) {
                meta << " " << st.st_size;
                entry.content = fileContent(it->path(), st);
            } else if (S_ISLNK(st.st_mode)) {
                entry.content = fs::read_symlink(it->path(), ec).string();
            }
            entry.meta = meta.str();
            s.files[fs::relative(it->path(), base).string()] = std::move(entry);
        }
        s.swaps = ourSwaps();
        s.logLevel = variantText(session_.call(kGetLogLevel));
        s.logTarget = variantText(session_.call(kGetLogTarget));
        return s;
    }

    static std::string difference(const Snapshot& before, const Snapshot& after)
    {
        std::string text;
        for (const auto& [path, entry] : after.files) {
            auto was = before.files.find(path);
            if (was == before.files.end())
                text += "  new: " + path + " (" + entry.meta + ")\n";
            else if (!(was->second == entry))
                text += "  changed: " + path + " (" + was->second.meta + " -> " + entry.meta + ")\n";
        }
        for (const auto& [path, entry] : before.files)
            if (!after.files.count(path))
                text += "  gone: " + path + "\n";
        if (before.swaps != after.swaps)
            text += "  /proc/swaps: " + before.swaps + " -> " + after.swaps + "\n";
        if (before.logLevel != after.logLevel)
            text += "  log level: " + before.logLevel + " -> " + after.logLevel + "\n";
        if (before.logTarget != after.logTarget)
            text += "  log target: " + before.logTarget + " -> " + after.logTarget + "\n";
        return text;
    }

    // Puts back what a row that got through changed, so that the rows after
    // it start from the same world: new swap areas off, new files gone,
    // small files as they were, the log level and target.
    void restore(const Snapshot& before)
    {
        auto now = snapshot();
        std::istringstream areas(now.swaps);
        std::string area;
        while (std::getline(areas, area)) {
            auto path = area.substr(0, area.find(' '));
            if (before.swaps.find(path + " ") == std::string::npos)
                swapoff(path.c_str());
        }
        std::vector<std::string> fresh;
        for (const auto& [path, entry] : now.files)
            if (!before.files.count(path))
                fresh.push_back(path);
        std::sort(fresh.rbegin(), fresh.rend());  // children before parents
        std::error_code ec;
        for (const auto& path : fresh)
            fs::remove(root() / path, ec);
        for (const auto& [path, entry] : before.files) {
            auto it = now.files.find(path);
            if (it == now.files.end() || it->second == entry || entry.content.rfind("inode ", 0) == 0 || entry.meta.front() != '1')
                continue;
            std::ofstream(root() / path, std::ios::binary | std::ios::trunc) << entry.content;
        }
        if (now.logLevel != before.logLevel)
            session_.call(kSetLogLevelInfo);
        if (now.logTarget != before.logTarget)
            session_.call(kSetLogTargetConsole);
    }

    // remedyd's PID, activating it when it is not running.
    pid_t helperPid()
    {
        session_.call(kPing);
        auto reply = session_.call(kHelperPid);
        auto at = reply.dump.find("UINT32 ");
        return at == std::string::npos ? -1 : static_cast<pid_t>(std::stol(reply.dump.substr(at + 7)));
    }

    Session& session() { return session_; }

private:
    Session session_;
};

std::string statusField(pid_t pid, const std::string& field)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field + ":", 0) == 0)
            return line.substr(field.size() + 1);
    return {};
}

long statusKiB(pid_t pid, const std::string& field)
{
    auto text = statusField(pid, field);
    return text.empty() ? -1 : std::stol(text);
}

// remedyd is the process it was, or it left through the idle timeout (a
// clean exit, logged); never a crash.
std::string stillUp(World& world, pid_t before)
{
    auto now = world.helperPid();
    if (now == before)
        return {};
    auto log = helperLog();
    auto tag = "remedyd[" + std::to_string(before) + "]: ";
    if (log.find(tag + "info: remedyd exiting") != std::string::npos && log.find(tag + "critical") == std::string::npos)
        return {};
    auto tail = log.size() > 3000 ? log.substr(log.size() - 3000) : log;
    return "remedyd " + std::to_string(before) + " is gone without a clean exit (now " + std::to_string(now) + "); log tail:\n" + tail;
}

// --- expectations --------------------------------------------------------------

// Empty when the reply is what the row wants, or what is wrong with it.
using Expect = std::function<std::string(const Reply&)>;

bool contains(const std::string& text, const std::string& part) { return part.empty() || text.find(part) != std::string::npos; }

// Refused by polkit (or by remedyd's own rule for a job), naming the action.
Expect refused(const std::string& says = {})
{
    return [says](const Reply& r) -> std::string {
        bool name = r.errorName.rfind(kRemedyError + "NotAuthorized", 0) == 0 || r.errorName == kAccessDenied;
        if (name && !r.errorMessage.empty() && contains(r.errorMessage, says))
            return {};
        return "expected a refusal" + (says.empty() ? "" : " saying '" + says + "'") + ", got " + r.describe();
    };
}

Expect accessDenied()
{
    return [](const Reply& r) -> std::string {
        return r.errorName == kAccessDenied && !r.errorMessage.empty() ? "" : "expected " + kAccessDenied + ", got " + r.describe();
    };
}

// A request that got past every check to systemd, which the bus tier does
// not run: whatever the error's name, the input was not refused.
bool reachedSystemd(const Reply& r) { return r.errorMessage.find("org.freedesktop.systemd1") != std::string::npos; }

// A clear error for a bad request: InvalidArgument (remedyd's checks) or
// InvalidArgs (the bus library's signature check), with a message.
Expect invalid(const std::string& says = {})
{
    return [says](const Reply& r) -> std::string {
        bool name = (r.errorName == kRemedyError + "InvalidArgument" && !reachedSystemd(r)) || r.errorName == kInvalidArgs;
        if (name && !r.errorMessage.empty() && contains(r.errorMessage, says))
            return {};
        return "expected InvalidArgument" + (says.empty() ? "" : " saying '" + says + "'") + ", got " + r.describe();
    };
}

// Any org.remedy.Remedy1.Error.* or InvalidArgs, with a message.
Expect clearError(const std::string& says = {})
{
    return [says](const Reply& r) -> std::string {
        bool name = (r.errorName.rfind(kRemedyError, 0) == 0 && !reachedSystemd(r)) || r.errorName == kInvalidArgs;
        if (name && !r.errorMessage.empty() && contains(r.errorMessage, says))
            return {};
        return "expected a remedy error" + (says.empty() ? "" : " saying '" + says + "'") + ", got " + r.describe();
    };
}

// The D-Bus error of this exact name.
Expect error(const std::string& name, const std::string& says = {})
{
    return [name, says](const Reply& r) -> std::string {
        return r.errorName == name && contains(r.errorMessage, says) ? "" : "expected " + name + " '" + says + "', got " + r.describe();
    };
}

// Answered, and the answer passes `check` (empty: fine).
Expect answers(std::function<std::string(const Reply&)> check = {})
{
    return [check](const Reply& r) -> std::string {
        if (!r.ok())
            return "expected an answer, got " + r.describe();
        return check ? check(r) : std::string();
    };
}

// Either of two.
Expect either(Expect a, Expect b)
{
    return [a, b](const Reply& r) -> std::string {
        auto first = a(r);
        if (first.empty())
            return {};
        auto second = b(r);
        return second.empty() ? std::string() : first + "; or " + second;
    };
}

// Never reached remedyd: the client library or the bus refused to carry it.
Expect neverDelivered()
{
    return [](const Reply& r) -> std::string {
        if (r.local != 0 || r.errorName == "org.freedesktop.DBus.Error.LimitsExceeded" || r.errorName == kInvalidArgs ||
            r.errorName == "org.freedesktop.DBus.Error.Disconnected" ||
            r.errorName == "org.freedesktop.DBus.Error.NoMemory")
            return {};
        return "expected the bus to refuse to carry it, got " + r.describe();
    };
}

// --- running a table -------------------------------------------------------------

struct Row {
    std::string label;   // what a failure names
    std::string user;    // who calls
    Request request;
    Expect expect;
    std::string arg;     // passed to the call at run time
};

struct Tally {
    int rows = 0;
    int held = 0;        // the expected answer and no change
    std::map<std::string, int> byCategory;
};

// Runs the rows in order, one session per user, with a snapshot before and
// after each: every row must get its expected answer and change nothing.
// Returns how many held.
int runRows(World& world, const std::vector<Row>& rows, const std::string& category, Tally* tally = nullptr)
{
    std::map<std::string, std::vector<std::size_t>> byUser;
    for (std::size_t i = 0; i < rows.size(); ++i)
        byUser[rows[i].user].push_back(i);
    std::map<std::string, std::unique_ptr<Session>> sessions;
    std::map<std::size_t, std::size_t> indexInSession;
    for (const auto& [user, indices] : byUser) {
        std::vector<Request> requests;
        for (auto i : indices) {
            indexInSession[i] = requests.size();
            requests.push_back(rows[i].request);
        }
        sessions[user] = std::make_unique<Session>(user, std::move(requests));
    }
    auto started = std::chrono::steady_clock::now();
    pid_t helper = world.helperPid();
    EXPECT_GT(helper, 0);
    int held = 0;
    auto before = world.snapshot();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        auto reply = sessions[row.user]->call(indexInSession[i], row.arg);
        auto wrong = row.expect(reply);
        if (std::getenv("REMEDY_HOSTILE_VERBOSE"))  // to read what each row got
            std::printf("[ row      ] %s / %s (%s): %s\n", category.c_str(), row.label.substr(0, 80).c_str(), row.user.c_str(),
                        reply.describe().substr(0, 240).c_str());
        auto after = world.snapshot();
        auto changed = World::difference(before, after);
        EXPECT_EQ(wrong, "") << category << " / " << row.label << " (as " << row.user << ")";
        EXPECT_EQ(changed, "") << category << " / " << row.label << " (as " << row.user << ") changed:\n" << changed;
        if (!changed.empty())
            world.restore(before);  // and the next row starts from `before` again
        else
            before = std::move(after);
        if (wrong.empty() && changed.empty())
            ++held;
        if (i % 50 == 49 || i + 1 == rows.size()) {
            auto up = stillUp(world, helper);
            EXPECT_EQ(up, "") << category << " after row " << row.label;
            helper = world.helperPid();
        }
    }
    if (tally) {
        tally->rows += static_cast<int>(rows.size());
        tally->held += held;
        tally->byCategory[category] += static_cast<int>(rows.size());
    }
    std::printf("[ hostile  ] %-40s %4zu rows, %4d held (%.1f s)\n", category.c_str(), rows.size(), held,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return held;
}


// --- what the tables call with ---------------------------------------------------

constexpr std::uint64_t MiB = 1024 * 1024;
const std::string kSwapfile = "/mnt/ext4/hostile";            // in an allowed place; never created by a row that holds
const std::string kPlanSwapfile = "/mnt/ext4/hostile-plan";   // the member's plan's
const std::string kJobSwapfile = "/mnt/ext4/hostile-job";     // the member's job's
const std::string kSwapPlan = R"({"version": 1, "swap": {"path": "/mnt/ext4/hostile-plan", "size": "16M"}})";
const std::string kServicePlan =
    R"({"version": 1, "services": [{"name": "hostile.service", "user": "remedy-outsider", "exec_start": ["/bin/true"]}]})";

std::string huge(std::size_t bytes, char fill = 'x') { return std::string(bytes, fill); }

// A service spec a member may install (in the bus tier systemd is absent, so
// it gets as far as loading the unit).
Entries goodSpec()
{
    return {{"exec-start", AS({"/bin/true"})}, {"user", S("remedy-outsider")}};
}

Value dryRun() { return Dict({{"dry-run", B(true)}}); }

// Every method of the interface with arguments a member may send, and the
// keys its options (and InstallService's spec) understand, with their types:
// b, i, u, t, s, a (as).
struct Method {
    std::string interface;
    std::string name;
    Args good;
    std::vector<std::pair<std::string, char>> options;
    bool dryRun = false;  // whether its options take dry-run
};

const std::vector<std::pair<std::string, char>> kChange = {{"dry-run", 'b'}, {"auth.interactive", 'b'}};
const std::vector<std::pair<std::string, char>> kUnitChange = {{"force", 'b'}, {"dry-run", 'b'}, {"auth.interactive", 'b'}};

std::vector<Method> methods()
{
    auto with = [](std::vector<std::pair<std::string, char>> base, std::vector<std::pair<std::string, char>> more) {
        more.insert(more.end(), base.begin(), base.end());
        return more;
    };
    return {
        {"Manager", "Describe", {}, {}},
        {"Manager", "SetLogLevel", {S("info"), Dict({})}, {{"auth.interactive", 'b'}}},
        {"Swap", "CreateSwapfile", {S(kSwapfile), T(16 * MiB), dryRun()}, with(kChange, {{"priority", 'i'}, {"persist", 'b'}, {"reserve", 't'}}), true},
        {"Swap", "RemoveSwapfile", {S(kSwapfile), dryRun()}, kChange, true},
        {"Swap", "ResizeSwapfile", {S(kSwapfile), T(32 * MiB), dryRun()}, with(kChange, {{"reserve", 't'}}), true},
        {"Swap", "RecommendSize", {}, {}},
        {"Fstab", "GetEntries", {}, {}},
        {"Fstab", "GetEntriesEx", {}, {}},
        {"Fstab", "AddEntry", {S("tmpfs"), S("/mnt/hostile"), S("tmpfs"), S("size=1M"), I(0), I(0), dryRun()}, kChange, true},
        {"Fstab", "RemoveEntry", {S("/mnt/hostile"), dryRun()}, kChange, true},
        {"Diagnostics", "Diagnose", {Dict({})}, {{"auth.interactive", 'b'}}},
        {"Diagnostics", "Check", {S(""), Dict({})}, {{"auth.interactive", 'b'}}},
        {"Units", "SetMemoryLimits", {S("hostile.service"), T(1024 * MiB), T(0), dryRun()}, kChange, true},
        {"Units", "InstallService", {S("hostile.service"), Dict(goodSpec()), dryRun()}, kUnitChange, true},
        {"Units", "InstallUnit", {S("hostile.service"), S("[Service]\nExecStart=/bin/true\nUser=remedy-outsider\n"), dryRun()}, kUnitChange, true},
        {"Units", "RemoveUnit", {S("hostile.service"), dryRun()}, kUnitChange, true},
        {"Units", "InstallHealthcheck", {S("hostile.service"), S("http://127.0.0.1:9/health"), dryRun()},
         with(kChange, {{"interval-sec", 'u'}, {"timeout-sec", 'u'}, {"failures", 'u'}}), true},
        {"Units", "RemoveHealthcheck", {S("hostile.service"), dryRun()}, kChange, true},
        {"Units", "InstallMetricsTimer", {S(""), dryRun()}, kChange, true},
        {"Units", "VerifyRestart", {S("hostile.service"), dryRun()}, with(kChange, {{"timeout-sec", 'u'}}), true},
        {"Plan", "Preview", {S(kSwapPlan), Dict({})}, {{"auth.interactive", 'b'}}},
        {"Plan", "Apply", {S(kSwapPlan), dryRun()}, kChange, true},
        {"Plan", "Undo", {T(999), dryRun()}, kChange, true},
        {"Plan", "History", {Dict({})}, {{"limit", 'u'}, {"before", 't'}}},
    };
}

const std::vector<std::pair<std::string, char>> kSpecKeys = {
    {"exec-start", 'a'}, {"user", 's'}, {"group", 's'}, {"working-directory", 's'}, {"environment", 'a'}, {"description", 's'},
    {"restart", 's'}, {"restart-ms", 't'}, {"start-limit-interval-ms", 't'}, {"start-limit-burst", 'u'}, {"memory-max", 't'},
    {"memory-high", 't'}, {"oom-policy", 's'}, {"logs-directory", 's'}, {"log-rotate", 'b'}, {"log-rotate-keep", 'u'},
    {"log-rotate-max-size", 't'}, {"type", 's'}, {"schedule", 's'}, {"every-ms", 't'}, {"memory-max-scale", 'u'},
    {"memory-high-scale", 'u'}};

// Two values of a type other than `type`.
std::vector<Value> wrongTypes(char type)
{
    switch (type) {
    case 'b': return {S("true"), I(1)};
    case 'i': return {U(7), S("7")};
    case 'u': return {I(7), T(7)};
    case 't': return {I(-1), S("16M")};
    case 's': return {B(true), AS({"x"})};
    case 'a': return {S("/bin/true"), AY("/bin/true")};
    }
    return {};
}

// The XML's members: "method NAME IN OUT" and "property NAME TYPE writable".
Interfaces interfaceXml() { return membersFromXml(remedy::readFile(REMEDY_SOURCE_DIR "/dbus/org.remedy.Remedy1.xml")); }

std::string word(const std::string& member, int index)
{
    std::istringstream fields(member);
    std::string field;
    for (int i = 0; i <= index; ++i)
        fields >> field;
    return field;
}

// --- 1. every method and writable property, as an outsider and as swap-only -------

// How each of the two callers must be answered; an empty Expect: the row is
// not for that caller (swap-only is granted swap: its swap rows name places
// the administrator does not allow instead).
struct MatrixRow {
    std::string label;
    Request request;
    Expect outsider;
    Expect swapOnly;
};

std::string withheldDiagnosis(const Reply& r)
{
    auto report = nlohmann::json::parse(r.text, nullptr, false);
    if (report.is_discarded())
        return "not JSON: " + r.text.substr(0, 200);
    if (!report["oom_kills"].is_null())
        return "the kernel log's OOM kills reached a caller without org.remedy.diagnose";
    if (report["withheld"].dump().find("org.remedy.diagnose") == std::string::npos)
        return "does not say what was withheld";
    return {};
}

// History as a caller who ran no plan sees it: nobody else's runs.
std::string noRuns(const Reply& r)
{
    auto history = nlohmann::json::parse(r.text, nullptr, false);
    if (!history.is_array() || !history.empty())
        return "someone else's plan runs: " + r.text.substr(0, 300);
    return {};
}

// Check as a caller without org.remedy.diagnose sees it.
std::string withheldCheck(const Reply& r)
{
    return r.text.find("org.remedy.diagnose") != std::string::npos ? "" : "does not say the OOM count was withheld";
}

// A remedy error whose message carries nothing of `secret`.
Expect failsWithout(const std::string& secret)
{
    return [secret](const Reply& r) -> std::string {
        if (r.errorName.rfind(kRemedyError, 0) != 0 || r.errorMessage.empty())
            return "expected a remedy error, got " + r.describe();
        return r.errorMessage.find(secret) == std::string::npos ? "" : "the error carries '" + secret + "'";
    };
}

std::string mentionsNo(const Reply& r, const std::string& secret)
{
    return r.dump.find(secret) == std::string::npos ? "" : "the answer carries '" + secret + "'";
}

std::vector<MatrixRow> matrixRows()
{
    const std::string m = "Manager", sw = "Swap", fst = "Fstab", dia = "Diagnostics", un = "Units", pl = "Plan";
    auto swapPlace = invalid("not where the administrator allows swapfiles");
    auto isJson = [](const Reply& r) { return nlohmann::json::accept(r.text) ? std::string() : "not JSON: " + r.text.substr(0, 200); };
    std::vector<MatrixRow> rows = {
        // Manager
        {"Describe", remedy(m, "Describe"), answers(isJson), answers(isJson)},
        {"SetLogLevel", remedy(m, "SetLogLevel", {S("debug"), Dict({})}), refused("org.remedy.manage"), refused("org.remedy.manage")},
        {"SetLogLevel interactive", remedy(m, "SetLogLevel", {S("debug"), Dict({{"auth.interactive", B(true)}})}), refused("org.remedy.manage"),
         refused("org.remedy.manage")},
        {"Get Version", getProperty(kPath, kIface + m, "Version"), answers(), answers()},
        {"Set Version (read-only)", setProperty(kPath, kIface + m, "Version", S("9.9.9")), error("org.freedesktop.DBus.Error.PropertyReadOnly"),
         error("org.freedesktop.DBus.Error.PropertyReadOnly")},
        {"GetAll Manager", call(kProperties, "GetAll", {S(kIface + m)}), answers(), answers()},
        // Swap: the swap-only caller is granted these, so it is asked for a place the administrator does not allow
        {"CreateSwapfile", remedy(sw, "CreateSwapfile", {S(kSwapfile), T(16 * MiB), Dict({})}), refused("org.remedy.swap.manage"), {}},
        {"CreateSwapfile dry-run", remedy(sw, "CreateSwapfile", {S(kSwapfile), T(16 * MiB), dryRun()}), refused("org.remedy.swap.manage"), {}},
        {"CreateSwapfile /etc/nologin", remedy(sw, "CreateSwapfile", {S("/etc/nologin"), T(16 * MiB), Dict({})}), refused("org.remedy.swap.manage"),
         swapPlace},
        {"RemoveSwapfile (the member's plan's)", remedy(sw, "RemoveSwapfile", {S(kPlanSwapfile), Dict({})}), refused("org.remedy.swap.manage"), {}},
        {"RemoveSwapfile /etc/fstab", remedy(sw, "RemoveSwapfile", {S("/etc/fstab"), Dict({})}), refused("org.remedy.swap.manage"), swapPlace},
        {"ResizeSwapfile (the member's plan's)", remedy(sw, "ResizeSwapfile", {S(kPlanSwapfile), T(32 * MiB), Dict({})}),
         refused("org.remedy.swap.manage"), {}},
        {"ResizeSwapfile /etc/remedy/remedyd.conf", remedy(sw, "ResizeSwapfile", {S("/etc/remedy/remedyd.conf"), T(32 * MiB), Dict({})}),
         refused("org.remedy.swap.manage"), swapPlace},
        {"RecommendSize", remedy(sw, "RecommendSize"), answers(), answers()},
        {"Get Areas", getProperty(kPath, kIface + sw, "Areas"), answers(), answers()},
        {"Get Total", getProperty(kPath, kIface + sw, "Total"), answers(), answers()},
        {"Set Total (read-only)", setProperty(kPath, kIface + sw, "Total", T(0)), error("org.freedesktop.DBus.Error.PropertyReadOnly"),
         error("org.freedesktop.DBus.Error.PropertyReadOnly")},
        // Fstab
        {"GetEntries", remedy(fst, "GetEntries"), answers(), answers()},
        {"GetEntriesEx", remedy(fst, "GetEntriesEx"), answers(), answers()},
        {"AddEntry", remedy(fst, "AddEntry", {S("tmpfs"), S("/mnt/hostile"), S("tmpfs"), S("size=1M"), I(0), I(0), Dict({})}),
         refused("org.remedy.fstab.manage"), refused("org.remedy.fstab.manage")},
        {"AddEntry a swap line", remedy(fst, "AddEntry", {S("/mnt/ext4/hostile"), S("none"), S("swap"), S("defaults"), I(0), I(0), Dict({})}),
         refused("org.remedy.fstab.manage"), refused("org.remedy.fstab.manage")},
        {"AddEntry dry-run", remedy(fst, "AddEntry", {S("tmpfs"), S("/etc"), S("tmpfs"), S("size=1M"), I(0), I(0), dryRun()}),
         refused("org.remedy.fstab.manage"), refused("org.remedy.fstab.manage")},
        {"RemoveEntry /", remedy(fst, "RemoveEntry", {S("/"), Dict({})}), refused("org.remedy.fstab.manage"), refused("org.remedy.fstab.manage")},
        {"RemoveEntry (the member's swap line)", remedy(fst, "RemoveEntry", {S(kPlanSwapfile), Dict({})}), refused("org.remedy.fstab.manage"),
         refused("org.remedy.fstab.manage")},
        // Diagnostics: answered without the kernel log
        {"Diagnose", remedy(dia, "Diagnose", {Dict({})}), answers(withheldDiagnosis), answers(withheldDiagnosis)},
        // (the bus tier runs no systemd, which Check asks about units: it fails, telling nothing)
        {"Check", remedy(dia, "Check", {S(""), Dict({})}), either(answers(withheldCheck), failsWithout("hostile")),
         either(answers(withheldCheck), failsWithout("hostile"))},
        // Units
        {"SetMemoryLimits", remedy(un, "SetMemoryLimits", {S("hostile.service"), T(1024 * MiB), T(0), Dict({})}), refused("org.remedy.unit.manage"),
         refused("org.remedy.unit.manage")},
        {"InstallService", remedy(un, "InstallService", {S("hostile.service"), Dict(goodSpec()), Dict({})}), refused("org.remedy.unit.manage"),
         refused("org.remedy.unit.manage")},
        {"InstallService dry-run", remedy(un, "InstallService", {S("hostile.service"), Dict(goodSpec()), dryRun()}), refused("org.remedy.unit.manage"),
         refused("org.remedy.unit.manage")},
        {"InstallUnit", remedy(un, "InstallUnit", {S("hostile.service"), S("[Service]\nExecStart=/bin/sh -c 'id > /hostile'\n"), Dict({})}),
         refused("org.remedy.unit.manage-any"), refused("org.remedy.unit.manage-any")},
        {"RemoveUnit", remedy(un, "RemoveUnit", {S("hostile.service"), Dict({})}), refused("org.remedy.unit.manage"), refused("org.remedy.unit.manage")},
        {"RemoveUnit force", remedy(un, "RemoveUnit", {S("hostile.service"), Dict({{"force", B(true)}})}), refused("org.remedy.unit.manage"),
         refused("org.remedy.unit.manage")},
        {"InstallHealthcheck", remedy(un, "InstallHealthcheck", {S("hostile.service"), S("http://127.0.0.1:9/health"), Dict({})}),
         refused("org.remedy.unit.manage"), refused("org.remedy.unit.manage")},
        {"RemoveHealthcheck", remedy(un, "RemoveHealthcheck", {S("hostile.service"), Dict({})}), refused("org.remedy.unit.manage"),
         refused("org.remedy.unit.manage")},
        {"InstallMetricsTimer", remedy(un, "InstallMetricsTimer", {S(""), Dict({})}), refused("org.remedy.unit.manage"), refused("org.remedy.unit.manage")},
        {"VerifyRestart", remedy(un, "VerifyRestart", {S("hostile.service"), Dict({})}), refused("org.remedy.unit.manage"),
         refused("org.remedy.unit.manage")},
        // Plan: a preview looks at the system as root, so it is authorized as applying would be
        {"Preview a swap plan", remedy(pl, "Preview", {S(kSwapPlan), Dict({})}), refused("org.remedy.plan.apply"), refused("org.remedy.plan.apply")},
        {"Preview a service plan", remedy(pl, "Preview", {S(kServicePlan), Dict({})}), refused(), refused()},
        {"Apply a swap plan", remedy(pl, "Apply", {S(kSwapPlan), Dict({})}), refused("org.remedy.plan.apply"), refused("org.remedy.plan.apply")},
        {"Apply dry-run", remedy(pl, "Apply", {S(kServicePlan), dryRun()}), refused(), refused()},
        {"Undo the member's run", remedy(pl, "Undo", {ArgT(), Dict({})}), refused("org.remedy.plan.apply"), refused("org.remedy.plan.apply")},
        {"Undo dry-run", remedy(pl, "Undo", {ArgT(), dryRun()}), refused(), refused()},
        {"History", remedy(pl, "History", {Dict({})}), answers(noRuns), answers(noRuns)},
        // LogControl1: writes are root's; the rest is public
        {"Set LogLevel", setProperty(kLogControlPath, kLogControl, "LogLevel", S("debug")), refused("only root"), refused("only root")},
        {"Set LogLevel emerg", setProperty(kLogControlPath, kLogControl, "LogLevel", S("emerg")), refused("only root"), refused("only root")},
        {"Set LogTarget", setProperty(kLogControlPath, kLogControl, "LogTarget", S("null")), refused("only root"), refused("only root")},
        {"Set SyslogIdentifier (read-only)", setProperty(kLogControlPath, kLogControl, "SyslogIdentifier", S("sshd")),
         error("org.freedesktop.DBus.Error.PropertyReadOnly"), error("org.freedesktop.DBus.Error.PropertyReadOnly")},
        {"GetAll LogControl1", call(kProperties, "GetAll", {S(kLogControl)}, kLogControlPath), answers(), answers()},
        // The standard interfaces tell nothing of anyone's
        {"Introspect", call("org.freedesktop.DBus.Introspectable", "Introspect"), answers([](const Reply& r) { return mentionsNo(r, "hostile"); }),
         answers([](const Reply& r) { return mentionsNo(r, "hostile"); })},
        {"Ping", call("org.freedesktop.DBus.Peer", "Ping"), answers(), answers()},
    };
    return rows;
}

// The member's plan run, which the matrix's callers must neither see nor undo.
struct MemberRun {
    std::uint64_t id = 0;
};

MemberRun applyMemberPlan()
{
    auto apply = remedy("Plan", "Apply", {S(kSwapPlan), Dict({})});
    apply.awaitSignal = "Completed";
    Session session(member(), {apply, remedy("Plan", "History", {Dict({})})});
    auto job = session.call(0);
    EXPECT_TRUE(job.ok()) << job.describe();
    auto history = nlohmann::json::parse(session.call(1).text, nullptr, false);
    MemberRun run;
    if (history.is_array() && !history.empty())
        run.id = history.back().value("id", 0ull);
    EXPECT_GT(run.id, 0u) << history.dump();
    return run;
}

void undoMemberPlan(const MemberRun& run)
{
    auto undo = remedy("Plan", "Undo", {T(run.id), Dict({})});
    undo.awaitSignal = "Completed";
    Session session(member(), {undo});
    auto reply = session.call(0);
    EXPECT_TRUE(reply.ok()) << reply.describe();
    EXPECT_FALSE(fs::exists(root() / kPlanSwapfile.substr(1)));
}

TEST(HostileMatrix, EveryMethodAndWritablePropertyIsRefusedOrTellsNothingAndChangesNothing)
{
    auto rows = matrixRows();

    // The table covers the XML: every method, and every writable property as
    // a Set, for both callers.
    std::set<std::string> covered[2];
    for (const auto& row : rows) {
        auto name = row.request.interface + "." + row.request.member;
        if (row.request.member == "Set")
            name = "property " + word(row.label, 1);
        if (row.outsider)
            covered[0].insert(name);
        if (row.swapOnly)
            covered[1].insert(name);
    }
    for (const auto& [interface, members] : interfaceXml()) {
        for (const auto& member : members) {
            std::string needed;
            // A job's methods need a job's path: HostileJobs covers them.
            if (member.rfind("method ", 0) == 0 && interface != kIface + "Job")
                needed = interface + "." + word(member, 1);
            else if (member.find(" writable") != std::string::npos)
                needed = "property " + word(member, 1);
            if (needed.empty())
                continue;
            EXPECT_TRUE(covered[0].count(needed)) << "no outsider row for " << needed;
            EXPECT_TRUE(covered[1].count(needed)) << "no swap-only row for " << needed;
        }
    }

    auto run = applyMemberPlan();
    World world;
    std::vector<Row> table;
    for (const auto& row : rows) {
        if (row.outsider)
            table.push_back({row.label, outsider(), row.request, row.outsider, std::to_string(run.id)});
        if (row.swapOnly)
            table.push_back({row.label, swapOnly(), row.request, row.swapOnly, std::to_string(run.id)});
    }
    // The member's own History shows the run: the rows above could fail.
    table.push_back({"History (the member's own)", member(), remedy("Plan", "History", {Dict({})}),
                     answers([](const Reply& r) { return r.text.find(kPlanSwapfile) != std::string::npos ? "" : "the member's run is missing"; }), ""});
    int held = runRows(world, table, "matrix");
    EXPECT_EQ(held, static_cast<int>(table.size()));
    RecordProperty("rows", static_cast<int>(table.size()));
    undoMemberPlan(run);
}

// --- 2. job objects and their signals ---------------------------------------------

std::vector<std::string> jobProperties()
{
    std::vector<std::string> names;
    auto xml = interfaceXml();
    for (const auto& member : xml[kIface + "Job"])
        if (member.rfind("property ", 0) == 0)
            names.push_back(word(member, 1));
    return names;
}

// Each property of a job (at the path passed at run time), then GetAll, then
// a write.
std::vector<Request> jobReads()
{
    std::vector<Request> reads;
    for (const auto& name : jobProperties())
        reads.push_back(getProperty("@", kIface + "Job", name));
    reads.push_back(call(kProperties, "GetAll", {S(kIface + "Job")}, "@"));
    reads.push_back(setProperty("@", kIface + "Job", "Progress", D(1.0)));
    reads.push_back(call(kIface + "Job", "Cancel", {Dict({})}, "@"));  // the one method: another's job is not theirs to stop
    return reads;
}

const std::vector<std::string> kEverySignal = {
    "type='signal'",
    "type='signal',sender='org.remedy.Remedy1'",
    "type='signal',path_namespace='/org/remedy/Remedy1'",
    "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'",
    "type='signal',eavesdrop='true'",
    "eavesdrop='true'",
};

std::string heardNothingOfTheJobs(const Reply& heard)
{
    std::string wrong;
    for (const auto& s : heard.signals)
        // The root object's broadcast PropertiesChanged is Swap's Areas,
        // which /proc/swaps tells anyone anyway; anything else is a leak.
        if (s.path.rfind(kPath + "/job/", 0) == 0 ||
            (s.dump.find("hostile-job") != std::string::npos && !(s.path == kPath && s.member == "PropertiesChanged")))
            wrong += "  " + s.member + " on " + s.path + " to " + s.destination + "\n";
    return wrong;
}

// A member's jobs: a real swapfile made and removed (progress, then the
// end), a dry run, and the removal of a file that is not there.
std::vector<Request> memberJobs()
{
    auto created = remedy("Swap", "CreateSwapfile", {S(kJobSwapfile), T(16 * MiB), Dict({})});
    auto dry = remedy("Swap", "CreateSwapfile", {S(kJobSwapfile + "-dry"), T(16 * MiB), dryRun()});
    auto removed = remedy("Swap", "RemoveSwapfile", {S(kJobSwapfile), Dict({})});
    auto missing = remedy("Swap", "RemoveSwapfile", {S("/mnt/ext4/hostile-missing"), Dict({})});
    std::vector<Request> jobs = {created, dry, removed, missing};
    for (auto& job : jobs)
        job.awaitSignal = "Completed";
    return jobs;
}

TEST(HostileJobs, AJobsSignalsReachOnlyItsStarterAndItsStarterAndRootReadIt)
{
    World world;
    auto reads = jobReads();
    auto monitor = call("org.freedesktop.DBus.Monitoring", "BecomeMonitor", {AS({}), U(0)}, "/org/freedesktop/DBus");
    monitor.destination = kDbus;
    Request listen;
    listen.kind = Request::Kind::Listen;
    Session heardByOutsider(outsider(), {listen, monitor}, kEverySignal);
    Session heardBySwapOnly(swapOnly(), {listen, monitor}, kEverySignal);
    Session starter(member(), memberJobs());
    Session sameUser(member(), reads);
    Session admin("root", reads);

    // Nobody but root may watch the whole bus.
    for (auto* session : {&heardByOutsider, &heardBySwapOnly}) {
        auto become = session->call(1);
        EXPECT_EQ(become.errorName, kAccessDenied) << session->user() << ": " << become.describe();
    }
    heardByOutsider.start(0);
    heardBySwapOnly.start(0);
    std::this_thread::sleep_for(100ms);
    // A broadcast the listeners must hear: proof that they were listening.
    world.session().call(kSetLogLevelDebug);
    world.session().call(kSetLogLevelInfo);

    for (std::size_t i = 0; i < starter.requests().size(); ++i) {
        auto reply = starter.call(i);
        ASSERT_TRUE(reply.ok()) << starter.requests()[i].member << ": " << reply.describe();
        auto job = reply.text;
        // The starter's own connection hears its job, addressed to it, never broadcast.
        bool progress = false;
        bool completed = false;
        for (const auto& s : reply.signals) {
            if (s.path != job)
                continue;
            progress = progress || s.member == "PropertiesChanged";
            completed = completed || s.member == "Completed";
            EXPECT_FALSE(s.destination.empty()) << s.member << " of " << job << " was broadcast";
        }
        EXPECT_TRUE(progress && completed) << job << " was not heard by its starter";
        // The same uid on another connection, and root, read every property.
        for (std::size_t r = 0; r < reads.size(); ++r) {
            if (reads[r].member == "Set" || reads[r].member == "Cancel")
                continue;  // read-only; and a finished job is past cancelling
            EXPECT_TRUE(sameUser.call(r, job).ok()) << "the starter's other connection, #" << r << " on " << job;
            EXPECT_TRUE(admin.call(r, job).ok()) << "root, #" << r << " on " << job;
        }
    }

    // remedyctl at a terminal shows the member its job's progress while the
    // listeners still listen.
    auto onTerminal = runOnTerminal("runuser -u " + member() + " -- " + remedyctl() + " swap create /mnt/xfs/hostile-job --size 16M", "never asked", "");
    EXPECT_EQ(onTerminal.exitCode, 0) << onTerminal.out << onTerminal.err;
    EXPECT_NE(onTerminal.out.find("] 100%"), std::string::npos) << onTerminal.out;
    EXPECT_EQ(remedyctlAs(Caller::Member, {"swap", "remove", "/mnt/xfs/hostile-job"}).exitCode, 0);

    for (auto* session : {&heardByOutsider, &heardBySwapOnly}) {
        session->stop();
        auto heard = session->wait();
        EXPECT_EQ(heard.local, 0) << heard.describe();
        bool broadcast = std::any_of(heard.signals.begin(), heard.signals.end(),
                                     [](const Signal& s) { return s.path == kLogControlPath && s.member == "PropertiesChanged"; });
        EXPECT_TRUE(broadcast) << session->user() << " heard nothing at all: the test would prove nothing";
        EXPECT_EQ(heardNothingOfTheJobs(heard), "") << session->user() << " heard the member's jobs";
    }
    EXPECT_FALSE(fs::exists(root() / kJobSwapfile.substr(1)));
}

// HOLE: every property of a job, and GetAll, answer anyone: an outsider (and
// a caller granted swap) reads a member's job's Target, Actions, Message,
// Report, StartedByUID... (busctl get-property org.remedy.Remedy1
// /org/remedy/Remedy1/job/1 org.remedy.Remedy1.Job Target, as
// remedy-outsider, answers the member's path). Job::checkReader() returns
// early when getCurrentlyProcessedMessage() is null, which it seems to be
// inside sdbus-c++ 1.2's property callbacks. jobs.h promises AccessDenied.
TEST(HostileJobs, AJobsPropertiesAnswerOnlyItsStarterAndRoot)
{
    auto reads = jobReads();
    Session starter(member(), memberJobs());
    Session other(outsider(), reads);
    Session granted(swapOnly(), reads);
    int denied = 0;
    for (std::size_t i = 0; i < starter.requests().size(); ++i) {
        auto job = starter.call(i).text;
        ASSERT_FALSE(job.empty());
        for (std::size_t r = 0; r < reads.size(); ++r) {
            bool write = reads[r].member == "Set";
            for (auto* session : {&other, &granted}) {
                auto got = session->call(r, job);
                auto wrong = write ? either(accessDenied(), error("org.freedesktop.DBus.Error.PropertyReadOnly"))(got) : accessDenied()(got);
                EXPECT_EQ(wrong, "") << session->user() << " " << reads[r].member << " #" << r << " on " << job;
                denied += wrong.empty() ? 1 : 0;
            }
        }
    }
    RecordProperty("denied", denied);
}

// --- 3. bad inputs -----------------------------------------------------------------

// Each category is a function of rows; HostileInput runs them all.

Request withArgs(const Method& method, Args args) { return remedy(method.interface, method.name, std::move(args)); }

std::string methodLabel(const Method& method) { return method.interface + "." + method.name; }

// Wrong types and counts, for every method: the bus library's signature
// check answers, before remedyd decodes anything; an outsider as a member.
std::vector<Row> signatureRows()
{
    std::vector<Row> rows;
    for (const auto& method : methods()) {
        std::vector<std::pair<std::string, Args>> wrong;
        auto extra = method.good;
        extra.push_back(S("extra"));
        wrong.emplace_back("one argument too many", extra);
        wrong.emplace_back("an a{sv} too many", [&] { auto a = method.good; a.push_back(Dict({})); return a; }());
        if (!method.good.empty()) {
            wrong.emplace_back("no arguments", Args{});
            auto first = method.good;
            first[0] = first[0].signature == "s" ? T(1) : S("1");
            wrong.emplace_back("the first argument of another type", first);
            auto last = method.good;
            last.pop_back();
            wrong.emplace_back("the last argument missing", last);
            Args strings(method.good.size(), S("x"));
            if (signatureOf(strings) != signatureOf(method.good))
                wrong.emplace_back("every argument a string", strings);
            // The only way to carry bytes that are not UTF-8 is an array of bytes.
            if (method.good[0].signature == "s") {
                auto bytes = method.good;
                bytes[0] = AY("/mnt/ext4/\xff\xfe\xc0\xaf");
                wrong.emplace_back("non-UTF-8 bytes for the first string", bytes);
            }
        }
        if (!method.options.empty()) {
            auto ss = method.good;
            ss.back() = DictSS({{"dry-run", "true"}});
            wrong.emplace_back("options as a{ss}", ss);
            auto list = method.good;
            list.back() = AS({"dry-run"});
            wrong.emplace_back("options as a list", list);
        }
        for (const auto& [what, args] : wrong)
            for (const auto& user : {member(), outsider()})
                rows.push_back({methodLabel(method) + ": " + what, user, withArgs(method, args), invalid(), ""});
    }
    return rows;
}

// Options: unknown keys (a typo must not become a real change, so the base
// is a real change, not a dry run) and values of the wrong type, for every
// key of every method.
std::vector<Row> optionRows()
{
    std::vector<Row> rows;
    for (const auto& method : methods()) {
        if (method.options.empty())
            continue;
        auto real = [&](Entries options) {
            auto args = method.good;
            args.back() = Dict(std::move(options));
            return withArgs(method, args);
        };
        for (const std::string& key : std::vector<std::string>{"dryrun", "", "dry-run\n", "DRY-RUN", "dry_run", "auth.interactive.x"})
            rows.push_back({methodLabel(method) + ": unknown option '" + key + "'", member(), real({{key, B(true)}}), invalid("unknown option"), ""});
        for (const auto& [key, type] : method.options) {
            for (const auto& value : wrongTypes(type)) {
                Entries options = {{key, value}};
                if (method.dryRun && key != "dry-run")
                    options.push_back({"dry-run", B(true)});
                rows.push_back({methodLabel(method) + ": option '" + key + "' as " + value.signature, member(), real(options),
                                invalid("option '" + key + "' must be"), ""});
            }
        }
        // A variant in the variant.
        rows.push_back({methodLabel(method) + ": option in a variant in a variant", member(),
                        real({{method.options.front().first, V(B(true))}}), invalid("must be"), ""});
    }
    // InstallService's spec is options too, and log-rotate is given so that
    // every key is read.
    for (const auto& [key, type] : kSpecKeys) {
        for (const auto& value : wrongTypes(type)) {
            Entries spec = {{"exec-start", AS({"/bin/true"})}, {"user", S("remedy-outsider")}, {"logs-directory", S("hostile")},
                            {"log-rotate", B(true)}};
            spec.erase(std::remove_if(spec.begin(), spec.end(), [&](const auto& entry) { return entry.first == key; }), spec.end());
            spec.push_back({key, value});
            rows.push_back({"InstallService: spec '" + key + "' as " + value.signature, member(),
                            remedy("Units", "InstallService", {S("hostile.service"), Dict(spec), dryRun()}), invalid("option '" + key + "' must be"), ""});
        }
    }
    for (const std::string& key : std::vector<std::string>{"ExecStart", "exec_start", "User", "", "user\n"}) {
        auto spec = goodSpec();
        spec.push_back({key, S("root")});
        rows.push_back({"InstallService: unknown spec key '" + key + "'", member(),
                        remedy("Units", "InstallService", {S("hostile.service"), Dict(spec), dryRun()}), invalid("unknown option"), ""});
    }
    return rows;
}

// Swapfile paths, for the member and for the caller granted swap alone: a
// real change was asked for, and none may happen. The administrator's
// places are the test's remedyd.conf (bus-env): /swapfile, /srv/*,
// /mnt/ext4/* and the other test mounts, /proc/* and /sys/* (refused
// otherwise).
std::vector<Row> swapPathRows()
{
    auto notAllowed = invalid("not where the administrator allows swapfiles");
    const std::vector<std::pair<std::string, Expect>> paths = {
        {"", invalid()},
        {"swapfile", invalid("not an absolute path")},
        {"./swapfile", invalid()},
        {"/", invalid()},
        {"/mnt/ext4/../ext4/hostile", invalid("'..'")},
        {"/mnt/ext4/./hostile", invalid()},
        {"/mnt//ext4/hostile", invalid()},
        {"/mnt/ext4/hostile/", invalid()},
        {"/srv/link/hostile", invalid("symbolic link")},         // an allowed place that is a link
        {"/srv/hostile-link/hostile", notAllowed},              // through a link that is not a place
        {"/srv/hostile-link", clearError()},                    // a link where a swapfile may be
        {"/etc/nologin", notAllowed},
        {"/etc/sudoers.d/hostile", notAllowed},
        {"/var/lib/remedy/history/1.json", notAllowed},
        {"/etc/shadow", notAllowed},
        {"/etc/fstab", notAllowed},
        {"/etc/remedy/remedyd.conf", notAllowed},
        {"/root/.bashrc", notAllowed},
        {"/usr/bin/hostile", notAllowed},
        {"/mnt/ext4/.hostile", notAllowed},
        {"/mnt/ext4/lost+found/hostile", notAllowed},
        {"/mnt/ext4/hostile\n", invalid()},
        {"/mnt/ext4/host\x01ile", invalid()},
        {"/mnt/ext4/hostile\x1b[2J", invalid()},
        {"/proc/hostile", invalid("/proc")},
        {"/sys/hostile", invalid("/sys")},
        {"/dev/sda", notAllowed},
        {"/mnt/ext4/" + huge(300), invalid()},
        {"/mnt/ext4/" + huge(5000), invalid()},
        {"/mnt/ext4/hostile-existing", invalid()},
    };
    std::vector<Row> rows;
    for (const auto& user : {member(), swapOnly()})
        for (const auto& [path, expect] : paths) {
            auto label = "'" + path.substr(0, 40) + (path.size() > 40 ? "...'" : "'");
            rows.push_back({"CreateSwapfile " + label, user, remedy("Swap", "CreateSwapfile", {S(path), T(16 * MiB), Dict({})}), expect, ""});
            rows.push_back({"ResizeSwapfile " + label, user, remedy("Swap", "ResizeSwapfile", {S(path), T(32 * MiB), Dict({})}), expect, ""});
            rows.push_back({"RemoveSwapfile " + label, user, remedy("Swap", "RemoveSwapfile", {S(path), Dict({})}), expect, ""});
        }
    return rows;
}

// Sizes, the reserve (never below the administrator's floor) and priorities.
std::vector<Row> swapSizeRows()
{
    auto create = [](std::uint64_t size, Entries options) {
        return remedy("Swap", "CreateSwapfile", {S(kSwapfile), T(size), Dict(std::move(options))});
    };
    std::vector<Row> rows;
    for (std::uint64_t size : std::vector<std::uint64_t>{0ull, 1ull, 4095ull, 40959ull, ~0ull, 1ull << 62, 300 * MiB})
        rows.push_back({"CreateSwapfile of " + std::to_string(size) + " bytes", member(), create(size, {}), clearError(), ""});
    for (std::uint64_t reserve : std::vector<std::uint64_t>{0ull, 1ull, 64 * MiB - 1})
        for (const auto& user : {member(), swapOnly()})
            rows.push_back({"CreateSwapfile reserve " + std::to_string(reserve), user, create(16 * MiB, {{"reserve", T(reserve)}}),
                            invalid("is below the"), ""});
    for (std::int32_t priority : {-1, 32768, INT32_MIN, INT32_MAX})
        rows.push_back({"CreateSwapfile priority " + std::to_string(priority), member(), create(16 * MiB, {{"priority", I(priority)}}),
                        invalid("priority"), ""});
    for (std::uint64_t size : std::vector<std::uint64_t>{0ull, ~0ull})
        rows.push_back({"ResizeSwapfile to " + std::to_string(size), member(),
                        remedy("Swap", "ResizeSwapfile", {S("/mnt/ext4/hostile-existing"), T(size), Dict({})}), clearError(), ""});
    rows.push_back({"ResizeSwapfile reserve 0", swapOnly(),
                    remedy("Swap", "ResizeSwapfile", {S("/mnt/ext4/hostile-existing"), T(32 * MiB), Dict({{"reserve", T(0)}})}), clearError(), ""});
    return rows;
}

// fstab as root, the administrator who holds org.remedy.fstab.manage: the
// fields are checked all the same (the group never reaches them).
std::vector<Row> fstabRows()
{
    struct Line {
        std::string source = "tmpfs", target = "/mnt/hostile", type = "tmpfs", options = "size=1M";
        std::int32_t dump = 0, pass = 0;
    };
    std::vector<std::pair<std::string, Line>> lines;
    auto add = [&](std::string what, auto change) {
        Line line;
        change(line);
        lines.emplace_back(std::move(what), line);
    };
    for (const std::string& source : std::vector<std::string>{"", "#hostile", "# hostile", "\thostile", "hostile\n/dev/sda1 /etc ext4 defaults 0 0", "\x01",
                               std::string(5000, 's')})
        add("source '" + source.substr(0, 30) + "'", [=](Line& l) { l.source = source; });
    for (const std::string& target : std::vector<std::string>{"", "mnt/hostile", "/mnt/hostile/../../etc", "/mnt/./hostile", "#", "/mnt/hostile\n",
                               "/mnt/" + std::string(5000, 't')})
        add("target '" + target.substr(0, 30) + "'", [=](Line& l) { l.target = target; });
    for (const std::string& type : std::vector<std::string>{"", "#", "tmp fs", "tmpfs\n", "tmp/fs", std::string(300, 'y')})
        add("type '" + type.substr(0, 30) + "'", [=](Line& l) { l.type = type; });
    for (const std::string& options : std::vector<std::string>{"", "a b", "size=1M\n/dev/sda1 /etc ext4 defaults 0 0", "#x", std::string(64 * 1024, 'o')})
        add("options '" + options.substr(0, 30) + "'", [=](Line& l) { l.options = options; });
    for (std::int32_t n : {-1, 10, INT32_MIN, INT32_MAX}) {
        add("dump " + std::to_string(n), [=](Line& l) { l.dump = n; });
        add("pass " + std::to_string(n), [=](Line& l) { l.pass = n; });
    }
    add("a swap line with a mount point", [](Line& l) {
        l.source = "/mnt/ext4/hostile";
        l.type = "swap";
        l.target = "/mnt/hostile";
    });
    std::vector<Row> rows;
    for (const auto& [what, l] : lines)
        rows.push_back({"AddEntry " + what, "root",
                        remedy("Fstab", "AddEntry", {S(l.source), S(l.target), S(l.type), S(l.options), I(l.dump), I(l.pass), Dict({})}), invalid(),
                        ""});
    return rows;
}

const std::vector<std::string> kBadUnitNames = {
    "",
    "../hostile.service",
    "hostile/../x.service",
    "/etc/systemd/system/hostile.service",
    "hostile",
    "hostile.socket",
    "hostile.timer",
    "hostile@.service",
    "@.service",
    ".service",
    "dbus.service",
    "polkit.service",
    "systemd-journald.service",
    "systemd-logind.service",
    "remedyd.service",
    "hostile.service\n",
    "host ile.service",
    "hostile.service;x",
    "host\xc3\xadle.service",
    "hostile\xe2\x80\xae.service",
    std::string(300, 'a') + ".service",
    "hostile..service",
    "hostile.service/",
};

// Unit names, for every method that takes one; the member (InstallUnit's
// name is checked before the action is asked for).
std::vector<Row> unitNameRows()
{
    std::vector<Row> rows;
    for (const auto& name : kBadUnitNames) {
        auto label = "'" + name.substr(0, 30) + "'";
        std::vector<std::pair<std::string, Request>> calls = {
            {"SetMemoryLimits", remedy("Units", "SetMemoryLimits", {S(name), T(1024 * MiB), T(0), dryRun()})},
            {"InstallService", remedy("Units", "InstallService", {S(name), Dict(goodSpec()), dryRun()})},
            {"InstallUnit", remedy("Units", "InstallUnit", {S(name), S("[Service]\nExecStart=/bin/true\nUser=remedy-outsider\n"), dryRun()})},
            {"RemoveUnit", remedy("Units", "RemoveUnit", {S(name), dryRun()})},
            {"InstallHealthcheck", remedy("Units", "InstallHealthcheck", {S(name), S("http://127.0.0.1:9/health"), dryRun()})},
            {"RemoveHealthcheck", remedy("Units", "RemoveHealthcheck", {S(name), dryRun()})},
            {"VerifyRestart", remedy("Units", "VerifyRestart", {S(name), dryRun()})},
        };
        if (!name.empty())  // Check's empty unit is every service remedy installed
            calls.push_back({"Check", remedy("Diagnostics", "Check", {S(name), Dict({})})});
        for (const auto& [method, request] : calls)
            rows.push_back({method + " " + label, member(), request, invalid(), ""});
    }
    return rows;
}

// InstallService specs a member may not install: the user and the group
// (never root, a system account, or a group worth root), and every field.
std::vector<Row> serviceSpecRows()
{
    std::vector<std::pair<std::string, Entries>> specs;
    auto spec = [&](std::string what, Entries changes, std::vector<std::string> drop = {}) {
        Entries entries = goodSpec();
        for (const auto& key : drop)
            entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; }), entries.end());
        for (auto& change : changes) {
            entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == change.first; }), entries.end());
            entries.push_back(std::move(change));
        }
        specs.emplace_back(std::move(what), std::move(entries));
    };
    for (const std::string& user : std::vector<std::string>{"root", "0", "daemon", "messagebus", "polkitd", "nobody", "bin", "sys", "", "no-such-user", "remedy-outsider\n",
                             "../remedy-outsider", "remedy-outsider:root"})
        spec("user '" + user + "'", {{"user", S(user)}});
    spec("no user", {}, {"user"});
    for (const std::string& group : std::vector<std::string>{"root", "0", "disk", "shadow", "sudo", "adm", "kmem", "systemd-journal", "messagebus", "remedy", "no-such-group"})
        spec("group '" + group + "'", {{"group", S(group)}});
    spec("no exec-start", {}, {"exec-start"});
    spec("exec-start empty", {{"exec-start", AS({})}});
    spec("exec-start relative", {{"exec-start", AS({"bin/true"})}});
    spec("exec-start ''", {{"exec-start", AS({""})}});
    spec("exec-start with a lone ';'", {{"exec-start", AS({"/bin/true", ";", "/bin/sh"})}});
    spec("exec-start with a newline", {{"exec-start", AS({"/bin/true\nExecStartPre=/bin/sh"})}});
    spec("exec-start of 40 KiB", {{"exec-start", AS({"/bin/true", huge(40 * 1024)})}});
    spec("environment without '='", {{"environment", AS({"NOEQUALS"})}});
    spec("environment name '1X'", {{"environment", AS({"1X=y"})}});
    spec("environment name 'A B'", {{"environment", AS({"A B=y"})}});
    spec("environment with a newline", {{"environment", AS({"A=y\nExecStartPre=/bin/sh"})}});
    spec("environment of 129 variables", {{"environment", AS([] {
                                               std::vector<std::string> vars;
                                               for (int i = 0; i < 129; ++i)
                                                   vars.push_back("V" + std::to_string(i) + "=x");
                                               return vars;
                                           }())}});
    spec("description with a newline", {{"description", S("x\n[Service]\nUser=root")}});
    spec("working-directory relative", {{"working-directory", S("relative")}});
    spec("working-directory with a newline", {{"working-directory", S("/tmp\nUser=root")}});
    spec("restart 'sometimes'", {{"restart", S("sometimes")}});
    spec("restart with a newline", {{"restart", S("always\nUser=root")}});
    spec("restart-ms of two hours", {{"restart-ms", T(2 * 3600 * 1000)}});
    spec("start-limit-interval-ms of two days", {{"start-limit-interval-ms", T(2ull * 86400 * 1000)}});
    spec("start-limit-burst 0", {{"start-limit-burst", U(0)}});
    spec("start-limit-burst 1001", {{"start-limit-burst", U(1001)}});
    spec("memory-max 1 byte", {{"memory-max", T(1)}});
    spec("memory-max and memory-max-scale both", {{"memory-max", T(1024 * MiB)}, {"memory-max-scale", U(1u << 31)}});
    spec("memory-max-scale 0", {{"memory-max-scale", U(0)}});
    spec("schedule with a newline", {{"schedule", S("daily\nExecStartPre=/bin/sh")}});
    spec("schedule with a specifier", {{"schedule", S("%H:00")}});
    spec("schedule and every-ms both", {{"schedule", S("daily")}, {"every-ms", T(60000)}});
    spec("every-ms below a second", {{"every-ms", T(10)}});
    spec("a schedule with restart always", {{"schedule", S("daily")}, {"restart", S("always")}});
    spec("type forking", {{"type", S("forking")}});
    spec("memory-high above memory-max", {{"memory-max", T(1024 * MiB)}, {"memory-high", T(2048 * MiB)}});
    spec("oom-policy 'explode'", {{"oom-policy", S("explode")}});
    spec("logs-directory absolute", {{"logs-directory", S("/var/log/hostile")}});
    spec("logs-directory '..'", {{"logs-directory", S("../etc")}});
    spec("logs-directory 'x/../../etc'", {{"logs-directory", S("x/../../etc")}});
    spec("log-rotate without logs-directory", {{"log-rotate", B(true)}});
    spec("log-rotate-keep 0", {{"logs-directory", S("hostile")}, {"log-rotate", B(true)}, {"log-rotate-keep", U(0)}});
    spec("log-rotate-keep 1001", {{"logs-directory", S("hostile")}, {"log-rotate", B(true)}, {"log-rotate-keep", U(1001)}});
    spec("log-rotate-max-size 1 byte", {{"logs-directory", S("hostile")}, {"log-rotate", B(true)}, {"log-rotate-max-size", T(1)}});
    std::vector<Row> rows;
    for (const auto& [what, entries] : specs)
        rows.push_back({"InstallService " + what, member(), remedy("Units", "InstallService", {S("hostile.service"), Dict(entries), dryRun()}),
                        invalid(), ""});
    // A plan's services are the same specs.
    for (const std::string& user : std::vector<std::string>{"root", "daemon", "messagebus"})
        rows.push_back({"a plan's service run by '" + user + "'", member(),
                        remedy("Plan", "Preview",
                               {S(R"({"version": 1, "services": [{"name": "hostile.service", "user": ")" + user + R"(", "exec_start": ["/bin/true"]}]})"),
                                Dict({})}),
                        invalid(), ""});
    for (const std::string& group : std::vector<std::string>{"disk", "shadow", "sudo"})
        rows.push_back({"a plan's service in group '" + group + "'", member(),
                        remedy("Plan", "Preview",
                               {S(R"({"version": 1, "services": [{"name": "hostile.service", "user": "remedy-outsider", "group": ")" + group +
                                  R"(", "exec_start": ["/bin/true"]}]})"),
                                Dict({})}),
                        invalid(), ""});
    return rows;
}

// Health checks, the metrics timer, raw units, log levels.
std::vector<Row> otherUnitRows()
{
    std::vector<Row> rows;
    auto health = [](std::string url, Entries options) {
        options.push_back({"dry-run", B(true)});
        return remedy("Units", "InstallHealthcheck", {S("hostile.service"), S(std::move(url)), Dict(std::move(options))});
    };
    for (const std::string& url : std::vector<std::string>{"", "file:///etc/shadow", "ftp://127.0.0.1/", "http://", "javascript:alert(1)", "http://127.0.0.1:8000/\n",
                            "http://127.0.0.1:8000/ x", "gopher://127.0.0.1/", "http://" + huge(5000) + "/"})
        rows.push_back({"InstallHealthcheck url '" + url.substr(0, 30) + "'", member(), health(url, {}), invalid(), ""});
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::uint32_t>>{
             {"interval-sec", 0}, {"timeout-sec", 0}, {"failures", 0}, {"interval-sec", 4'000'000'000u}, {"failures", 100'000}})
        rows.push_back({"InstallHealthcheck " + key + " " + std::to_string(value), member(), health("http://127.0.0.1:9/health", {{key, U(value)}}),
                        invalid(), ""});
    for (const std::string& directory : std::vector<std::string>{"/etc", "/var/lib/../../etc", "var/lib/prometheus", "/var/lib/prometheus/node-exporter/../../../etc",
                                  "/var/lib/prometheus/node-exporter\n", "/tmp", "/var/lib/remedy/history", "/root"})
        rows.push_back({"InstallMetricsTimer '" + directory + "'", member(), remedy("Units", "InstallMetricsTimer", {S(directory), dryRun()}), invalid(),
                        ""});
    // A raw unit is root in disguise: the group is refused, even without User=.
    for (const std::string& content : std::vector<std::string>{"[Service]\nExecStart=/bin/sh -c 'cp /bin/sh /tmp/x; chmod 4755 /tmp/x'\n", "[Service]\nUser=root\nExecStart=/bin/true\n",
                                "", huge(70 * 1024)})
        rows.push_back({"InstallUnit as the member (" + std::to_string(content.size()) + " bytes)", member(),
                        remedy("Units", "InstallUnit", {S("hostile.service"), S(content), Dict({})}), refused("org.remedy.unit.manage-any"), ""});
    // As root, the text is still bounded.
    rows.push_back({"InstallUnit as root, 70 KiB", "root", remedy("Units", "InstallUnit", {S("hostile.service"), S(huge(70 * 1024)), dryRun()}),
                    invalid(), ""});
    for (const std::string& level : std::vector<std::string>{"", "loud", "debug\n", " debug", "\x01", "d\xd0\xb5" "bug", "emerg\nauthorized", huge(4096)})
        rows.push_back({"SetLogLevel '" + level.substr(0, 20) + "'", member(), remedy("Manager", "SetLogLevel", {S(level), Dict({})}),
                        invalid("invalid log level"), ""});
    for (const std::string& level : std::vector<std::string>{"", "loud", "debug\n"})
        rows.push_back({"Set LogLevel '" + level + "' as root", "root", setProperty(kLogControlPath, kLogControl, "LogLevel", S(level)),
                        invalid("invalid log level"), ""});
    for (const std::string& target : std::vector<std::string>{"", "kmsg", "journal\n", "/dev/tty1", "file:/etc/shadow"})
        rows.push_back({"Set LogTarget '" + target + "' as root", "root", setProperty(kLogControlPath, kLogControl, "LogTarget", S(target)),
                        invalid("invalid log target"), ""});
    for (std::uint64_t id : std::vector<std::uint64_t>{0ull, 999999ull, ~0ull})
        rows.push_back({"Undo " + std::to_string(id), member(), remedy("Plan", "Undo", {T(id), Dict({})}), clearError(), ""});
    return rows;
}

std::string nested(int depth)
{
    std::string text = R"({"version": 1, "swap": {"path": "/mnt/ext4/hostile", "size": "16M"}, "description": )";
    text += std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']') + "}";
    return text;
}

std::string manySteps(const std::string& kind, int count)
{
    std::string text = R"({"version": 1, ")" + kind + R"(": [)";
    for (int i = 0; i < count; ++i) {
        if (i)
            text += ",";
        if (kind == "services")
            text += R"({"name": "hostile)" + std::to_string(i) + R"(.service", "user": "remedy-outsider", "exec_start": ["/bin/true"]})";
        else if (kind == "fstab")
            text += R"({"source": "tmpfs", "target": "/mnt/hostile)" + std::to_string(i) + R"(", "type": "tmpfs"})";
        else
            text += R"({"unit": "hostile)" + std::to_string(i) + R"(.service", "max": "1G"})";
    }
    return text + "]}";
}

// Plans, previewed and applied (as a dry run: a plan that got through would
// still fail its row).
std::vector<Row> planRows()
{
    const std::vector<std::pair<std::string, std::string>> plans = {
        {"empty", ""},
        {"not JSON", "not json"},
        {"null", "null"},
        {"a list", "[]"},
        {"an empty object", "{}"},
        {"version 2", R"({"version": 2, "swap": {"path": "/mnt/ext4/hostile", "size": "16M"}})"},
        {"version as a string", R"({"version": "1", "swap": {"path": "/mnt/ext4/hostile", "size": "16M"}})"},
        {"no steps", R"({"version": 1})"},
        {"an unknown field", R"({"version": 1, "swapp": {"path": "/mnt/ext4/hostile", "size": "16M"}})"},
        {"swap as a string", R"({"version": 1, "swap": "16M"})"},
        {"trailing garbage", R"({"version": 1, "swap": {"path": "/mnt/ext4/hostile", "size": "16M"}} x)"},
        {"a NUL escape", R"({"version": 1, "swap": {"path": "/mnt/ext4/host\u0000ile", "size": "16M"}})"},
        {"nested 9 deep", nested(9)},
        {"nested 10,000 deep", nested(10000)},
        {"swap at /etc/nologin", R"({"version": 1, "swap": {"path": "/etc/nologin", "size": "16M"}})"},
        {"swap at /var/lib/remedy/history/1.json", R"({"version": 1, "swap": {"path": "/var/lib/remedy/history/1.json", "size": "16M"}})"},
        {"swap of size 0", R"({"version": 1, "swap": {"path": "/mnt/ext4/hostile", "size": "0"}})"},
        {"swap of size 'lots'", R"({"version": 1, "swap": {"path": "/mnt/ext4/hostile", "size": "lots"}})"},
        {"a service named ../x.service", R"({"version": 1, "services": [{"name": "../x.service", "user": "remedy-outsider", "exec_start": ["/bin/true"]}]})"},
        {"an fstab source starting with '#'", R"({"version": 1, "fstab": [{"source": "#hostile", "target": "/mnt/hostile", "type": "tmpfs"}]})"},
        // Refused before any step: the group has no fstab.manage.
        {"1,000 fstab steps", manySteps("fstab", 1000)},
    };
    std::vector<Row> rows;
    for (const auto& [what, plan] : plans) {
        rows.push_back({"Preview: " + what, member(), remedy("Plan", "Preview", {S(plan), Dict({})}), clearError(), ""});
        rows.push_back({"Apply: " + what, member(), remedy("Plan", "Apply", {S(plan), dryRun()}), clearError(), ""});
    }
    // The group is refused fstab steps before their fields are read: root's
    // plans show that the fields are checked too.
    for (const auto& [what, fstab] : std::vector<std::pair<std::string, std::string>>{
             {"an fstab source starting with '#'", R"({"source": "#hostile", "target": "/mnt/hostile", "type": "tmpfs"})"},
             {"an fstab target with '..'", R"({"source": "tmpfs", "target": "/mnt/../etc", "type": "tmpfs"})"},
             {"fstab options with a newline", R"({"source": "tmpfs", "target": "/mnt/hostile", "type": "tmpfs", "options": "size=1M\n/dev/sda1 /etc ext4"})"}}) {
        auto plan = R"({"version": 1, "fstab": [)" + fstab + "]}";
        rows.push_back({"Preview as root: " + what, "root", remedy("Plan", "Preview", {S(plan), Dict({})}), invalid(), ""});
        rows.push_back({"Apply as root: " + what, "root", remedy("Plan", "Apply", {S(plan), Dict({})}), invalid(), ""});
    }
    return rows;
}

// The bounds: refused before anything is decoded, for anyone.
std::vector<Row> boundRows()
{
    std::vector<Row> rows;
    for (const auto& method : methods()) {
        if (method.options.empty())
            continue;
        auto with = [&](Value options) {
            auto args = method.good;
            args.back() = std::move(options);
            return withArgs(method, args);
        };
        rows.push_back({methodLabel(method) + ": 5,000 options", outsider(), with(ManyOptions(5000)), invalid("request refused"), ""});
        rows.push_back({methodLabel(method) + ": an option nested 9 deep", member(), with(Dict({{"dry-run", Nested(9)}})), invalid("request refused"), ""});
        rows.push_back({methodLabel(method) + ": arrays nested 9 deep", outsider(), with(NestedArrays(9)), invalid("request refused"), ""});
        // Every string argument over 1 MiB.
        for (std::size_t i = 0; i < method.good.size(); ++i) {
            if (method.good[i].signature != "s")
                continue;
            auto args = method.good;
            args[i] = S(huge(MiB + 1));
            rows.push_back({methodLabel(method) + ": argument " + std::to_string(i) + " over 1 MiB", member(), withArgs(method, args),
                            invalid("request refused"), ""});
        }
    }
    for (const auto& method : {"Diagnose", "SetLogLevel", "CreateSwapfile", "Preview", "InstallService"}) {
        for (const auto& m : methods()) {
            if (m.name != method)
                continue;
            auto args = m.good;
            args.back() = ManyOptions(100000);
            rows.push_back({methodLabel(m) + ": 100,000 options", outsider(), withArgs(m, args), invalid("request refused"), ""});
        }
    }
    rows.push_back({"InstallService: a spec of 100,000 entries", member(),
                    remedy("Units", "InstallService", {S("hostile.service"), ManyOptions(100000), dryRun()}), invalid("request refused"), ""});
    rows.push_back({"AddEntry: 4 MiB of options", "root",
                    remedy("Fstab", "AddEntry", {S("tmpfs"), S("/mnt/hostile"), S("tmpfs"), S(huge(4 * MiB)), I(0), I(0), Dict({})}),
                    invalid("request refused"), ""});
    rows.push_back({"InstallService: exec-start of 5,000 words", member(),
                    remedy("Units", "InstallService", {S("hostile.service"), Dict({{"exec-start", AS(std::vector<std::string>(5000, "x"))},
                                                                                   {"user", S("remedy-outsider")}}),
                                                       dryRun()}),
                    invalid("request refused"), ""});
    rows.push_back({"Preview: a plan over 1 MiB", outsider(), remedy("Plan", "Preview", {S(huge(MiB + 1, ' ')), Dict({})}), invalid("request refused"), ""});
    rows.push_back({"AddEntry: three strings of 1 MiB", "root",
                    remedy("Fstab", "AddEntry", {S(huge(MiB)), S(huge(MiB)), S(huge(MiB)), S("x"), I(0), I(0), Dict({})}), invalid("request refused"),
                    ""});
    rows.push_back({"Set LogLevel over 1 MiB", outsider(), setProperty(kLogControlPath, kLogControl, "LogLevel", S(huge(MiB + 1))),
                    invalid("request refused"), ""});
    rows.push_back({"Get of a property name over 1 MiB", outsider(), getProperty(kPath, kIface + "Manager", huge(MiB + 1)), invalid("request refused"),
                    ""});
    return rows;
}

// Calls to what is not there: the bus library's clear errors.
std::vector<Row> unknownRows()
{
    std::vector<Row> rows;
    auto unknown = [](const Reply& r) -> std::string {
        return r.errorName.rfind("org.freedesktop.DBus.Error.Unknown", 0) == 0 && !r.errorMessage.empty() ? "" : "expected Unknown*, got " + r.describe();
    };
    for (const auto& interface : {"Manager", "Swap", "Fstab", "Diagnostics", "Units", "Plan", "Job", "Nope"})
        rows.push_back({std::string(interface) + ".Frobnicate", outsider(), remedy(interface, "Frobnicate", {Dict({})}), unknown, ""});
    rows.push_back({"a job that does not exist", outsider(), getProperty(kPath + "/job/999999", kIface + "Job", "Target"), unknown, ""});
    rows.push_back({"a job path with ..", outsider(), getProperty(kPath + "/job/..", kIface + "Job", "Target"), neverDelivered(), ""});
    rows.push_back({"an unknown property", outsider(), getProperty(kPath, kIface + "Manager", "Password"), unknown, ""});
    rows.push_back({"Set of an unknown property", outsider(), setProperty(kPath, kIface + "Manager", "Password", S("x")), unknown, ""});
    return rows;
}

// The files the rows name: a link out of /srv, a file that is not a
// swapfile. Removed again at the end.
class BadInputFiles {
public:
    BadInputFiles()
    {
        fs::create_directory_symlink("../mnt/ext4", root() / "srv/hostile-link");
        fs::create_directory_symlink("../mnt/ext4", root() / "srv/link");
        std::ofstream(root() / "mnt/ext4/hostile-existing") << "precious";
        fs::permissions(root() / "mnt/ext4/hostile-existing", fs::perms(0600));
    }
    ~BadInputFiles()
    {
        fs::remove(root() / "srv/hostile-link");
        fs::remove(root() / "srv/link");
        fs::remove(root() / "mnt/ext4/hostile-existing");
    }
};

TEST(HostileInput, EveryBadInputIsAClearErrorAndChangesNothing)
{
    BadInputFiles files;
    World world;
    Tally tally;
    const std::vector<std::pair<std::string, std::function<std::vector<Row>()>>> categories = {
        {"wrong types and counts", signatureRows}, {"options", optionRows},         {"swapfile paths", swapPathRows},
        {"swap sizes, reserve, priority", swapSizeRows}, {"fstab fields (as root)", fstabRows}, {"unit names", unitNameRows},
        {"service specs", serviceSpecRows},              {"health, metrics, raw units, log", otherUnitRows}, {"plans", planRows},
        {"unknown members", unknownRows},
        // the bounds: HostileInput.BoundsRefuseBeforeDecodingAndRemedydStaysUp (a hole)
    };
    for (const auto& [category, rows] : categories)
        runRows(world, rows(), category, &tally);
    std::printf("[ hostile  ] bad inputs: %d tried, %d refused cleanly with no change\n", tally.rows, tally.held);
    RecordProperty("tried", tally.rows);
    RecordProperty("held", tally.held);
    EXPECT_GE(tally.rows, 300);
    EXPECT_EQ(tally.held, tally.rows);
}


// HOLE: a call beyond the bounds (bounds.h) ends remedyd instead of being
// refused: the match in installRequestBounds() throws an sdbus::Error, which
// sdbus-c++ 1.2 does not turn into a reply but lets out of the event loop;
// main() logs "critical: D-Bus: request refused: ..." and exits 1. Any user,
// one call, e.g. as remedy-outsider:
//   busctl call org.remedy.Remedy1 /org/remedy/Remedy1 org.remedy.Remedy1.Diagnostics Diagnose
//       'a{sv}' 5000 $(for i in $(seq 5000); do echo k$i b true; done)
// -> "Message recipient disconnected from message bus without replying", and
// the PID is gone. Every row below (5,000 or 100,000 options, nesting 9 deep,
// a string over 1 MiB, 4 MiB of fstab options, 5,000 exec-start words, a
// plan over 1 MiB) ends remedyd the same way, and with it any member's job
// or plan in flight.
TEST(HostileInput, BoundsRefuseBeforeDecodingAndRemedydStaysUp)
{
    World world;
    Tally tally;
    runRows(world, boundRows(), "bounds", &tally);
    EXPECT_EQ(tally.held, tally.rows);
}

// Was a hole: a member's plan of 1,000 service steps was accepted and run
// step by step (a systemd-analyze verify each, as root, on the one mutation
// thread). Now each list is bounded (32 entries) before any step is built.
// The call, as remedy-member:
//   busctl call org.remedy.Remedy1 /org/remedy/Remedy1 org.remedy.Remedy1.Plan Preview 'sa{sv}'
//       "$(python3 -c 'import json; print(json.dumps({"version": 1, "services": [{"name": "h%d.service" % i,
//          "user": "remedy-outsider", "exec_start": ["/bin/true"]} for i in range(1000)]}))')" 0
TEST(HostileInput, APlanOfAThousandStepsIsRefusedBeforeAnyStep)
{
    World world;
    std::vector<Row> rows;
    for (const auto& kind : {"services", "memory_limits"}) {
        rows.push_back({std::string("Preview: 1,000 ") + kind, member(), remedy("Plan", "Preview", {S(manySteps(kind, 1000)), Dict({})}), invalid("entries"), ""});
        rows.push_back({std::string("Apply: 1,000 ") + kind, member(), remedy("Plan", "Apply", {S(manySteps(kind, 1000)), dryRun()}), invalid("entries"), ""});
    }
    EXPECT_EQ(runRows(world, rows, "1,000-step plans"), static_cast<int>(rows.size()));
}

// HOLE (minor): a wrongly typed log-rotate-keep or log-rotate-max-size is
// not refused when log-rotate is absent or false: readServiceSpec() reads
// them only inside `if (read.flag("log-rotate"))`, so the call goes on (to
// "systemd cannot load hostile.service" here; with systemd, a service is
// installed and the typo is silently ignored). As remedy-member:
//   busctl call org.remedy.Remedy1 /org/remedy/Remedy1 org.remedy.Remedy1.Units InstallService
//       'sa{sv}a{sv}' hostile.service 3 exec-start as 1 /bin/true user s remedy-outsider log-rotate-keep s 14 1 dry-run b true
TEST(HostileInput, AnOptionOfTheWrongTypeIsRefusedEvenWhenUnused)
{
    World world;
    std::vector<Row> rows;
    for (const auto& [key, value] : Entries{{"log-rotate-keep", S("14")}, {"log-rotate-max-size", S("100M")}})
        for (const auto& rotate : {Entries{}, Entries{{"log-rotate", B(false)}}}) {
            auto spec = goodSpec();
            spec.insert(spec.end(), rotate.begin(), rotate.end());
            spec.push_back({key, value});
            rows.push_back({"InstallService: " + key + " as s" + (rotate.empty() ? "" : ", log-rotate false"), member(),
                            remedy("Units", "InstallService", {S("hostile.service"), Dict(spec), dryRun()}), invalid("option '" + key + "' must be"), ""});
        }
    EXPECT_EQ(runRows(world, rows, "unused options"), static_cast<int>(rows.size()));
}

// HOLE (minor): RemoveEntry does not check what it is given: an empty
// identity, "#", a newline, 5,000 bytes are answered "unchanged" (false)
// instead of InvalidArgument, unlike AddEntry's fields. Root only
// (org.remedy.fstab.manage), and nothing changes. As root:
//   busctl call org.remedy.Remedy1 /org/remedy/Remedy1 org.remedy.Remedy1.Fstab RemoveEntry 'sa{sv}' '' 0   -> b false
TEST(HostileInput, RemoveEntryChecksItsIdentity)
{
    World world;
    std::vector<Row> rows;
    for (const std::string& identity : std::vector<std::string>{"", "#", "\n", "/mnt/hostile\n/", std::string(5000, 'i')})
        rows.push_back({"RemoveEntry '" + identity.substr(0, 30) + "'", "root", remedy("Fstab", "RemoveEntry", {S(identity), Dict({})}), invalid(), ""});
    EXPECT_EQ(runRows(world, rows, "fstab identities"), static_cast<int>(rows.size()));
}


// --- 4. a newline in an argument never makes a second log line ---------------------

const std::vector<std::string> kForged = {
    "\nauthorized uid=0 sender=:1.0 action=org.remedy.fstab.manage: FORGED-LF",
    "\r\nauthorized uid=0 sender=:1.0 action=org.remedy.unit.manage-any: FORGED-CRLF",
    "\nremedyd[1]: info: authorized uid=0 sender=:1.0 action=org.remedy.manage: FORGED-PREFIX",
    "\x1b[2K\rauthorized uid=0 sender=:1.0 action=org.remedy.manage: FORGED-ESC",
};

// remedyd answered (anything but a call lost or a helper gone).
Expect answeredAtAll()
{
    return [](const Reply& r) -> std::string {
        return r.local == 0 && r.errorName != "org.freedesktop.DBus.Error.NoReply" ? "" : "remedyd did not answer: " + r.describe();
    };
}

std::vector<Row> forgedRows()
{
    std::vector<Row> rows;
    for (const auto& payload : kForged) {
        for (const auto& user : {member(), outsider()}) {
            // Every string argument of every method.
            for (const auto& method : methods())
                for (std::size_t i = 0; i < method.good.size(); ++i) {
                    if (method.good[i].signature != "s")
                        continue;
                    auto args = method.good;
                    args[i] = S("hostile" + payload);
                    rows.push_back({methodLabel(method) + " argument " + std::to_string(i), user, withArgs(method, args), answeredAtAll(), ""});
                }
            // The spec's strings, an option's key, a property's value.
            for (const auto& key : {"user", "description", "group"}) {
                auto spec = goodSpec();
                spec.push_back({key, S("hostile" + payload)});
                rows.push_back({std::string("InstallService spec ") + key, user,
                                remedy("Units", "InstallService", {S("hostile.service"), Dict(spec), dryRun()}), answeredAtAll(), ""});
            }
            rows.push_back({"an unknown option's key", user, remedy("Manager", "SetLogLevel", {S("info"), Dict({{"x" + payload, B(true)}})}),
                            answeredAtAll(), ""});
            rows.push_back({"Set LogLevel", user, setProperty(kLogControlPath, kLogControl, "LogLevel", S("x" + payload)), answeredAtAll(), ""});
        }
    }
    return rows;
}

TEST(HostileLog, ANewlineInAnArgumentNeverMakesASecondLogLine)
{
    World world;
    auto rows = forgedRows();
    EXPECT_EQ(runRows(world, rows, "forged log lines"), static_cast<int>(rows.size()));

    auto log = helperLog();
    std::istringstream lines(log);
    std::string line;
    int forged = 0;
    while (std::getline(lines, line)) {
        if (line.find("FORGED") == std::string::npos)
            continue;
        ++forged;
        // Every line with the forged text is one of remedyd's own, the text inside it escaped.
        EXPECT_EQ(line.rfind("remedyd[", 0), 0u) << "a forged line: " << line;
        EXPECT_EQ(line.find_first_of("\r\x1b"), std::string::npos) << "a raw control character: " << line;
        EXPECT_NE(line.rfind("authorized uid=0", 0), 0u) << line;
        EXPECT_NE(line.rfind("remedyd[1]:", 0), 0u) << line;
    }
    // The text reached the log (escaped), so the checks above looked at something.
    EXPECT_GT(forged, 0);
    EXPECT_NE(log.find("\\nauthorized uid=0 sender=:1.0"), std::string::npos);
    RecordProperty("forged_lines_seen", forged);
}

// --- 5. floods ------------------------------------------------------------------------

// A member's calls that must keep working: no authorization, authorization
// (polkit), a job (the mutation thread), a read (the read pool).
std::vector<Request> memberCalls()
{
    return {remedy("Manager", "Describe"), remedy("Manager", "SetLogLevel", {S("info"), Dict({})}),
            remedy("Swap", "CreateSwapfile", {S(kSwapfile), T(16 * MiB), dryRun()}), remedy("Diagnostics", "Diagnose", {Dict({})}),
            getProperty(kPath, kIface + "Manager", "Version")};
}

std::string memberCallsWork(Session& memberSession)
{
    std::string wrong;
    for (std::size_t i = 0; i < memberSession.requests().size(); ++i) {
        auto reply = memberSession.call(i);
        if (!reply.ok())
            wrong += memberSession.requests()[i].member + ": " + reply.describe() + "\n";
    }
    return wrong;
}

// remedyd within its unit's limits: MemoryMax=64M (the peak, VmHWM), TasksMax=128.
// Under ASan (scripts/test-sanitizers sets REMEDY_SANITIZERS) the shadow
// memory and quarantine alone pass 64 MiB, so only the threads are counted.
std::string withinLimits(pid_t pid)
{
    static const bool sanitized = std::getenv("REMEDY_SANITIZERS") != nullptr;
    auto peak = statusKiB(pid, "VmHWM");
    auto threads = statusKiB(pid, "Threads");
    std::string wrong;
    if (peak < 0 || (!sanitized && peak >= 64 * 1024))
        wrong += "peak RSS " + std::to_string(peak) + " KiB; ";
    if (threads < 0 || threads >= 128)
        wrong += std::to_string(threads) + " threads; ";
    return wrong;
}

TEST(HostileFlood, AThousandConnectionsEachCallingAndRemedydStaysUp)
{
    World world;
    pid_t helper = world.helperPid();
    ASSERT_GT(helper, 0);
    // Ten callers at a time, each opening a hundred connections one after
    // another; on each: Describe (no authorization) and SetLogLevel (polkit,
    // refused).
    std::vector<Request> requests = {remedy("Manager", "Describe"), remedy("Manager", "SetLogLevel", {S("crit"), Dict({})})};
    Request connections;
    connections.kind = Request::Kind::Connections;
    connections.count = 100;
    connections.calls = {0, 1};
    requests.push_back(connections);
    std::vector<std::unique_ptr<Session>> callers;
    for (int i = 0; i < 10; ++i)
        callers.push_back(std::make_unique<Session>(outsider(), requests));
    for (auto& caller : callers)
        caller->start(2);
    std::map<std::string, long> tally;
    for (auto& caller : callers)
        for (const auto& [outcome, count] : caller->wait().tally)
            tally[outcome] += count;
    EXPECT_EQ(tally["ok"], 1000) << testing::PrintToString(tally);
    EXPECT_EQ(tally["ok"] + tally[kRemedyError + "NotAuthorizedCanObtain"] + tally[kRemedyError + "NotAuthorized"], 2000)
        << testing::PrintToString(tally);
    EXPECT_EQ(stillUp(world, helper), "");
    EXPECT_EQ(world.helperPid(), helper);
    EXPECT_EQ(withinLimits(helper), "");
    Session memberSession(member(), memberCalls());
    EXPECT_EQ(memberCallsWork(memberSession), "");
    EXPECT_EQ(world.snapshot().logLevel, "info");
    RecordProperty("connections", 1000);
}

// Outsiders, each looping over a Preview of `plan`, Diagnose and
// CreateSwapfile (each call given up after 5 s, so that the flood ends
// quickly when told to).
class Flood {
public:
    Flood(int callers, const std::string& plan)
    {
        std::vector<Request> requests = {remedy("Plan", "Preview", {S(plan), Dict({})}), remedy("Diagnostics", "Diagnose", {Dict({})}),
                                         remedy("Swap", "CreateSwapfile", {S(kSwapfile), T(16 * MiB), Dict({})})};
        for (auto& request : requests)
            request.timeoutUsec = 5'000'000;
        Request loop;
        loop.kind = Request::Kind::Loop;
        loop.calls = {0, 1, 2};
        requests.push_back(loop);
        for (int i = 0; i < callers; ++i)
            callers_.push_back(std::make_unique<Session>(outsider(), requests));
        for (auto& caller : callers_)
            caller->start(3);
    }
    // Stops the flood; what the outsiders were answered, by call and outcome.
    std::map<std::string, long> stop()
    {
        for (auto& caller : callers_)
            caller->stop();
        for (auto& caller : callers_) {
            auto reply = caller->wait();
            for (const auto& [outcome, count] : reply.tally)
                tally_[outcome] += count;
            if (examples_.size() < 2000)
                examples_ += reply.dump;
        }
        callers_.clear();
        return tally_;
    }
    const std::string& examples() const { return examples_; }

private:
    std::vector<std::unique_ptr<Session>> callers_;
    std::map<std::string, long> tally_;
    std::string examples_;
};

long total(const std::map<std::string, long>& tally)
{
    long sum = 0;
    for (const auto& [outcome, count] : tally)
        sum += count;
    return sum;
}

// The member's calls, over and over for three seconds (and three rounds at
// least); what went wrong.
std::string memberCallsDuring(Session& memberSession, int& rounds)
{
    std::string wrong;
    rounds = 0;
    for (auto deadline = std::chrono::steady_clock::now() + 3s; std::chrono::steady_clock::now() < deadline || rounds < 3; ++rounds) {
        auto round = memberCallsWork(memberSession);
        if (!round.empty() && wrong.size() < 4000)
            wrong += "round " + std::to_string(rounds) + ":\n" + round;
    }
    return wrong;
}

TEST(HostileFlood, FiftyLoopingOutsidersWhileAMemberWorks)
{
    World world;
    auto before = world.snapshot();
    pid_t helper = world.helperPid();
    ASSERT_GT(helper, 0);
    Session memberSession(member(), memberCalls());
    Flood flood(50, kServicePlan);
    int rounds = 0;
    EXPECT_EQ(memberCallsDuring(memberSession, rounds), "");
    EXPECT_EQ(withinLimits(helper), "") << "during the flood";
    auto tally = flood.stop();
    // Every outsider's call answered: refused, told Busy, or (Diagnose)
    // answered without the kernel log; nothing an outsider asked was done.
    for (const auto& [outcome, count] : tally) {
        bool done = outcome.size() > 3 && outcome.compare(outcome.size() - 3, 3, " ok") == 0;
        bool refused = outcome.find(".NotAuthorized") != std::string::npos || outcome.find(".Busy") != std::string::npos;
        EXPECT_TRUE(outcome == "Diagnose ok" || (!done && refused)) << outcome << " x" << count << "\n" << flood.examples();
    }
    EXPECT_GT(total(tally), 50);
    EXPECT_EQ(stillUp(world, helper), "");
    EXPECT_EQ(world.helperPid(), helper);
    EXPECT_EQ(withinLimits(helper), "");
    EXPECT_EQ(memberCallsWork(memberSession), "") << "after the flood";
    EXPECT_EQ(World::difference(before, world.snapshot()), "");
    std::printf("[ hostile  ] 50 outsiders for 3 s: %ld calls (%s); the member: %d rounds of %zu calls; remedyd %d up, peak RSS %ld KiB, %ld threads\n",
                total(tally), testing::PrintToString(tally).c_str(), rounds, memberSession.requests().size(), helper, statusKiB(helper, "VmHWM"),
                statusKiB(helper, "Threads"));
    RecordProperty("outsider_calls", static_cast<int>(total(tally)));
    RecordProperty("member_rounds", rounds);
}

// HOLE: fifty outsiders looping over a Preview of a 1,000-step plan (and
// Diagnose, CreateSwapfile) starve a member. During the flood the member's
// SetLogLevel, CreateSwapfile (dry run) and Diagnose are answered
// org.remedy.Remedy1.Error.Busy "too many requests in flight; try again when
// your earlier ones are answered" (the global kMaxPending = 256 is reached
// with 51 callers, each with one call in flight), and some calls (the
// member's Diagnose or SetLogLevel, the outsiders' Diagnose) get no answer
// within 25 s (org.freedesktop.DBus.Error.Timeout). With a small plan the
// same flood is harmless (FiftyLoopingOutsidersWhileAMemberWorks). It looks
// like Plan.Preview parses the ~100 KB plan on the loop thread before the
// caller is authorized or admitted, while EventLoop::dispatchBus()
// (`while (processPendingRequest())`) drains the bus for as long as the
// flood lasts before runPosted(): the replies of finished work and the
// admissions' releases, which are posted, wait. The calls: 50 ×
// remedy-outsider looping over Plan.Preview(manySteps("services", 1000), {}),
// Diagnostics.Diagnose({}), Swap.CreateSwapfile("/mnt/ext4/hostile",
// 16 MiB, {}); meanwhile remedy-member calls Manager.SetLogLevel("info", {}).
TEST(HostileFlood, FiftyOutsidersPreviewingThousandStepPlansDoNotStarveAMember)
{
    GTEST_SKIP() << "NOT YET: under this flood on two cores a member's call can still exceed sd-bus' 25 s (dbus-daemon and polkitd saturated); remedyd's caps and the 32-entry plan bound hold (see the README)";
    World world;
    pid_t helper = world.helperPid();
    Session memberSession(member(), memberCalls());
    Flood flood(50, manySteps("services", 1000));
    int rounds = 0;
    EXPECT_EQ(memberCallsDuring(memberSession, rounds), "");
    auto tally = flood.stop();
    for (const auto& [outcome, count] : tally)
        EXPECT_EQ(outcome.find("Timeout"), std::string::npos) << outcome << " x" << count << "\n" << flood.examples();
    EXPECT_EQ(world.helperPid(), helper);
    EXPECT_EQ(withinLimits(helper), "");
}

// HOLE: a flood of 1,000-step plans takes remedyd far past its unit's
// MemoryMax=64M (under systemd: OOM-killed, with any member's plan in
// flight). 100 × remedy-outsider looping Plan.Preview(<a 1,000-service-step
// plan, ~100 KB>, {}) (manySteps("services", 1000)): VmRSS 110 MiB after
// 1.5 s (150 outsiders: 162 MiB), and it stays there after the flood;
// 50 outsiders reach 58-62 MiB. Only the first 32 are answered
// NotAuthorized, every later call Busy (the per-uid count is not given
// back while the flood lasts, see FiftyOutsidersPreviewingThousandStepPlansDoNotStarveAMember),
// and the plan is parsed (Plan.Preview decodes it) before the caller is
// authorized or admitted.
TEST(HostileFlood, AFloodOfThousandStepPlansKeepsRemedydWithinItsMemoryLimit)
{
    World world;
    pid_t helper = world.helperPid();
    Flood flood(100, manySteps("services", 1000));
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(withinLimits(helper), "") << "during the flood";
    flood.stop();
    EXPECT_EQ(world.helperPid(), helper);
    EXPECT_EQ(withinLimits(helper), "");
    Session memberSession(member(), memberCalls());
    EXPECT_EQ(memberCallsWork(memberSession), "") << "after the flood";
}

// The bus daemon's own limit: dbus-daemon's default max_message_size, 32 MiB
// (tests/support/bus.conf sets none).
constexpr std::size_t kBusMessageLimit = 32 * MiB;

TEST(HostileFlood, AMessageOverTheBusSizeLimitNeverReachesRemedyd)
{
    World world;
    pid_t helper = world.helperPid();
    Session caller(outsider(), {remedy("Diagnostics", "Diagnose", {Dict({{"x", S(huge(kBusMessageLimit + MiB))}})})});
    auto reply = caller.call(0);
    EXPECT_EQ(neverDelivered()(reply), "");
    EXPECT_EQ(world.helperPid(), helper);
    EXPECT_EQ(withinLimits(helper), "");
    Session memberSession(member(), memberCalls());
    EXPECT_EQ(memberCallsWork(memberSession), "");
}

// HOLE: the same as HostileInput.BoundsRefuseBeforeDecodingAndRemedydStaysUp:
// a message just under the bus's 32 MiB limit (an a{sv} with one 31.9 MiB
// string, from an outsider) ends remedyd ("critical: D-Bus: request refused:
// a string longer than 1048576 bytes") instead of being refused.
TEST(HostileFlood, AMessageAtTheBusSizeLimitIsRefusedWithinMemory)
{
    World world;
    pid_t helper = world.helperPid();
    Session caller(outsider(), {remedy("Diagnostics", "Diagnose", {Dict({{"x", S(huge(kBusMessageLimit - 64 * 1024))}})}),
                                remedy("Manager", "SetLogLevel", {S(huge(kBusMessageLimit - 64 * 1024)), Dict({})})});
    for (std::size_t i = 0; i < caller.requests().size(); ++i) {
        auto reply = caller.call(i);
        EXPECT_EQ(invalid("request refused")(reply), "") << i;
        EXPECT_EQ(world.helperPid(), helper);
        EXPECT_EQ(withinLimits(helper), "");
    }
    Session memberSession(member(), memberCalls());
    EXPECT_EQ(memberCallsWork(memberSession), "");
}

} // namespace
