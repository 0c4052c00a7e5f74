#include "processes.h"

#include "oom.h"
#include "proc.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

namespace remedy {
namespace {

struct DirClose {
    void operator()(DIR* dir) const { closedir(dir); }
};

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    return text;
}

bool pressureLine(std::string_view line, double& avg10, double& avg60, double& avg300)
{
    auto value = [&](std::string_view key, double& out) {
        auto at = line.find(key);
        if (at == std::string_view::npos)
            return false;
        std::string number(line.substr(at + key.size(), line.find(' ', at) - at - key.size()));
        char* end = nullptr;
        out = std::strtod(number.c_str(), &end);
        return end && *end == '\0' && !number.empty();
    };
    return value("avg10=", avg10) && value("avg60=", avg60) && value("avg300=", avg300);
}

} // namespace

std::optional<std::uint64_t> residentBytes(std::string_view statm, std::uint64_t pageSize)
{
    auto space = statm.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    auto rest = statm.substr(space + 1);
    rest = rest.substr(0, rest.find(' '));
    std::uint64_t pages = 0;
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), pages);
    if (error != std::errc() || end != rest.data() + rest.size())
        return std::nullopt;
    return pages * pageSize;
}

std::string cgroupPath(std::string_view cgroupFile)
{
    std::string systemd;
    while (!cgroupFile.empty()) {
        auto end = cgroupFile.find('\n');
        auto line = cgroupFile.substr(0, end);
        cgroupFile = end == std::string_view::npos ? std::string_view() : cgroupFile.substr(end + 1);
        if (line.substr(0, 3) == "0::")
            return std::string(line.substr(3));
        if (auto at = line.find(":name=systemd:"); at != std::string_view::npos)
            systemd = std::string(line.substr(at + 14));
    }
    return systemd;
}

std::vector<ProcessMemory> readProcesses(const std::string& proc)
{
    std::vector<ProcessMemory> processes;
    std::unique_ptr<DIR, DirClose> dir(opendir(proc.c_str()));
    if (!dir)
        return processes;
    auto pageSize = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    while (auto* entry = readdir(dir.get())) {
        int pid = 0;
        std::string_view name(entry->d_name);
        auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (error != std::errc() || end != name.data() + name.size())
            continue;
        try {
            auto base = proc + "/" + std::string(name) + "/";
            auto rss = residentBytes(readFile(base + "statm"), pageSize);
            if (!rss || *rss == 0)
                continue;
            ProcessMemory process;
            process.pid = pid;
            process.program = std::string(trimmed(readFile(base + "comm")));
            process.rss = *rss;
            process.unit = unitOfCgroup(cgroupPath(readFile(base + "cgroup")));
            processes.push_back(std::move(process));
        } catch (const std::exception&) {
            // It exited while we looked.
        }
    }
    return processes;
}

std::vector<ProgramMemory> groupByProgram(const std::vector<ProcessMemory>& processes)
{
    std::map<std::string, ProgramMemory> programs;
    std::map<std::string, std::set<std::string>> units;
    for (const auto& process : processes) {
        auto& program = programs[process.program];
        program.program = process.program;
        program.processes += 1;
        program.rss += process.rss;
        if (!process.unit.empty())
            units[process.program].insert(process.unit);
    }
    std::vector<ProgramMemory> grouped;
    for (auto& [name, program] : programs) {
        program.units.assign(units[name].begin(), units[name].end());
        grouped.push_back(std::move(program));
    }
    std::sort(grouped.begin(), grouped.end(), [](const auto& a, const auto& b) { return a.rss > b.rss; });
    return grouped;
}

std::optional<Pressure> parsePressure(std::string_view text)
{
    Pressure pressure;
    auto newline = text.find('\n');
    if (newline == std::string_view::npos)
        return std::nullopt;
    auto some = text.substr(0, newline);
    auto full = text.substr(newline + 1);
    if (some.substr(0, 5) != "some " || full.substr(0, 5) != "full ")
        return std::nullopt;
    if (!pressureLine(some, pressure.someAvg10, pressure.someAvg60, pressure.someAvg300) ||
        !pressureLine(full, pressure.fullAvg10, pressure.fullAvg60, pressure.fullAvg300))
        return std::nullopt;
    return pressure;
}

} // namespace remedy
