#include "oom.h"

#include <charconv>
#include <map>

namespace remedy {
namespace {

struct Record {
    std::uint64_t usec = 0;
    std::string_view message;
};

template <typename T>
bool number(std::string_view text, T& out)
{
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
}

// "prio,seq,usec,flags[,…];message"
bool parseRecord(std::string_view line, Record& record)
{
    auto semicolon = line.find(';');
    if (semicolon == std::string_view::npos)
        return false;
    auto header = line.substr(0, semicolon);
    auto first = header.find(',');
    auto second = first == std::string_view::npos ? first : header.find(',', first + 1);
    auto third = second == std::string_view::npos ? second : header.find(',', second + 1);
    if (third == std::string_view::npos)
        return false;
    if (!number(header.substr(second + 1, third - second - 1), record.usec))
        return false;
    record.message = line.substr(semicolon + 1);
    return true;
}

// The value after "key" up to the next delimiter, or "".
std::string_view valueAfter(std::string_view text, std::string_view key, std::string_view delimiters)
{
    auto at = text.find(key);
    if (at == std::string_view::npos)
        return {};
    auto value = text.substr(at + key.size());
    return value.substr(0, value.find_first_of(delimiters));
}

bool kib(std::string_view text, std::uint64_t& bytes)
{
    if (text.size() < 3 || text.substr(text.size() - 2) != "kB")
        return false;
    std::uint64_t value = 0;
    if (!number(text.substr(0, text.size() - 2), value))
        return false;
    bytes = value * 1024;
    return true;
}

// "Killed process 11178 (python3) total-vm:221368kB, anon-rss:65148kB, …, UID:0 …"
bool parseKilled(std::string_view message, OomKill& kill)
{
    constexpr std::string_view kKilled = "Killed process ";
    auto at = message.find(kKilled);
    if (at == std::string_view::npos)
        return false;
    auto rest = message.substr(at + kKilled.size());
    auto space = rest.find(' ');
    if (space == std::string_view::npos || !number(rest.substr(0, space), kill.pid))
        return false;
    auto open = rest.find('(');
    auto close = rest.rfind(')');  // a name may itself hold ") "
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return false;
    kill.process = std::string(rest.substr(open + 1, close - open - 1));
    auto fields = rest.substr(close + 1);
    if (!kib(valueAfter(fields, "anon-rss:", ", "), kill.anonRss) || !kib(valueAfter(fields, "file-rss:", ", "), kill.fileRss) ||
        !kib(valueAfter(fields, "shmem-rss:", ", "), kill.shmemRss))
        return false;
    return number(valueAfter(fields, "UID:", " "), kill.uid);
}

} // namespace

std::vector<OomKill> parseOomKills(std::string_view kmsg)
{
    std::vector<OomKill> kills;
    std::map<int, std::string> cgroupOfPid;  // from the "oom-kill:" line that precedes each kill
    while (!kmsg.empty()) {
        auto end = kmsg.find('\n');
        auto line = kmsg.substr(0, end);
        kmsg = end == std::string_view::npos ? std::string_view() : kmsg.substr(end + 1);

        Record record;
        if (!parseRecord(line, record))
            continue;
        if (record.message.substr(0, 9) == "oom-kill:") {
            int pid = 0;
            if (number(valueAfter(record.message, ",pid=", ","), pid))
                cgroupOfPid[pid] = std::string(valueAfter(record.message, ",task_memcg=", ","));
            continue;
        }
        bool global = record.message.substr(0, 14) == "Out of memory:";
        bool cgroup = record.message.substr(0, 28) == "Memory cgroup out of memory:";
        if (!global && !cgroup)
            continue;
        OomKill kill;
        if (!parseKilled(record.message, kill))
            continue;
        kill.sinceBootUs = record.usec;
        kill.cgroupLimit = cgroup;
        if (auto it = cgroupOfPid.find(kill.pid); it != cgroupOfPid.end())
            kill.cgroup = it->second;
        kill.unit = unitOfCgroup(kill.cgroup);
        kills.push_back(std::move(kill));
    }
    return kills;
}

std::string unitOfCgroup(std::string_view cgroup)
{
    while (!cgroup.empty()) {
        auto slash = cgroup.rfind('/');
        auto component = cgroup.substr(slash == std::string_view::npos ? 0 : slash + 1);
        auto endsWith = [&](std::string_view suffix) {
            return component.size() > suffix.size() && component.substr(component.size() - suffix.size()) == suffix;
        };
        if (endsWith(".service") || endsWith(".scope"))
            return std::string(component);
        if (slash == std::string_view::npos)
            break;
        cgroup = cgroup.substr(0, slash);
    }
    return {};
}

} // namespace remedy
