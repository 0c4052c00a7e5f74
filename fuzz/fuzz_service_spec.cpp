// A service spec, checked field by field (validateFields) and, when
// accepted, rendered into its unit file and logrotate snippet.
//
// Input: "key=value" lines, one field each (see kFields below); exec and env
// may repeat; numbers that do not parse leave the field unset.
//
// Promises checked: an accepted spec renders into a unit file that systemd
// reads back as exactly this spec: no field smuggles in a directive or a
// section (newline, quote, line continuation), every ExecStart word and
// Environment assignment unquotes (systemd's rules: specifiers, C escapes,
// $ expansion) to what was asked for, and only the directives remedy
// writes are there, each once.

#include "fuzz.h"

#include "core/service_spec.h"

#include <charconv>
#include <map>
#include <set>
#include <vector>

using namespace remedy;

namespace {

template <typename T>
std::optional<T> number(std::string_view text)
{
    T value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// A memory limit as systemd's grammar reads it, or none.
std::optional<MemoryLimit> limit(std::string_view text)
{
    try {
        return parseMemoryLimit(std::string(text));
    } catch (const Error&) {
        return std::nullopt;
    }
}

ServiceSpec specFrom(std::string_view input)
{
    ServiceSpec spec;
    std::optional<unsigned> keep;
    std::optional<std::uint64_t> maxSize;
    while (!input.empty()) {
        auto end = input.find('\n');
        auto line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
        auto equals = line.find('=');
        if (equals == std::string_view::npos)
            continue;
        auto key = line.substr(0, equals);
        auto value = line.substr(equals + 1);
        std::string text(value);
        if (key == "name") spec.name = text;
        else if (key == "description") spec.description = text;
        else if (key == "exec") spec.execStart.push_back(text);
        else if (key == "user") spec.user = text;
        else if (key == "group") spec.group = text;
        else if (key == "working_directory") spec.workingDirectory = text;
        else if (key == "env") {
            auto at = text.find('=');
            spec.environment.emplace_back(text.substr(0, at), at == std::string::npos ? "" : text.substr(at + 1));
        }
        else if (key == "restart") spec.restart = text;
        else if (key == "restart_ms") spec.restartMs = number<std::uint64_t>(value).value_or(spec.restartMs);
        else if (key == "start_limit_interval_ms") spec.startLimitIntervalMs = number<std::uint64_t>(value);
        else if (key == "start_limit_burst") spec.startLimitBurst = number<unsigned>(value);
        else if (key == "memory_max") spec.memoryMax = limit(value);
        else if (key == "memory_high") spec.memoryHigh = limit(value);
        else if (key == "type") spec.type = text;
        else if (key == "schedule") spec.schedule = text;
        else if (key == "every_ms") spec.everyMs = number<std::uint64_t>(value);
        else if (key == "oom_policy") spec.oomPolicy = text;
        else if (key == "logs_directory") spec.logsDirectory = text;
        else if (key == "log_keep") keep = number<unsigned>(value);
        else if (key == "log_max_size") maxSize = number<std::uint64_t>(value);
    }
    if (keep || maxSize) {
        spec.logRotation = LogRotation{};
        spec.logRotation->keep = keep.value_or(spec.logRotation->keep);
        spec.logRotation->maxSize = maxSize.value_or(spec.logRotation->maxSize);
    }
    return spec;
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// systemd's specifier expansion on a value: "%%" is '%', any other '%' a
// specifier remedy must never leave in.
std::optional<std::string> unspecify(std::string_view value)
{
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '%') {
            if (i + 1 == value.size() || value[i + 1] != '%')
                return std::nullopt;
            ++i;
        }
        out += value[i];
    }
    return out;
}

// The words of a value as systemd splits and unquotes them
// (EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE), then, for a command line, "$$" to
// '$'. remedy writes each word in double quotes escaping only '\' and '"';
// anything else (a bare word, another escape, a lone '$' in a command)
// means systemd would read something else. nullopt then.
std::optional<std::vector<std::string>> words(std::string_view value, bool command)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < value.size()) {
        if (value[i] != '"')
            return std::nullopt;
        std::string word;
        for (++i;; ++i) {
            if (i >= value.size())
                return std::nullopt;
            char c = value[i];
            if (c == '"')
                break;
            if (c == '\\') {
                if (i + 1 >= value.size() || (value[i + 1] != '\\' && value[i + 1] != '"'))
                    return std::nullopt;
                c = value[++i];
            } else if (c == '$' && command) {
                if (i + 1 >= value.size() || value[i + 1] != '$')
                    return std::nullopt;
                ++i;
            }
            word += c;
        }
        ++i;  // the closing quote
        out.push_back(word);
        if (i < value.size()) {
            if (value[i] != ' ')
                return std::nullopt;
            ++i;
        }
    }
    return out;
}

void checkUnit(const ServiceSpec& spec, const std::string& unit)
{
    static const std::set<std::string> kSections = {"[Unit]", "[Service]", "[Install]"};
    static const std::set<std::string> kOnce = {"Description", "StartLimitIntervalSec", "StartLimitBurst", "Type", "User", "Group",
                                                "WorkingDirectory", "ExecStart", "Restart", "RestartSec", "MemoryMax", "MemoryHigh",
                                                "OOMPolicy", "LogsDirectory", "WantedBy"};
    std::map<std::string, int> seen;
    std::vector<std::string> sections;
    std::vector<std::string> environment;
    for (const auto& line : lines(unit)) {
        // A line ending in an odd number of backslashes continues on the next.
        auto backslashes = line.size() - line.find_last_not_of('\\') - 1;
        if (line.find_last_not_of('\\') == std::string::npos)
            backslashes = line.size();
        FUZZ_CHECK(backslashes % 2 == 0, "line continues onto the next: '" + line + "' in:\n" + unit);
        if (line.empty() || line[0] == '#' || line[0] == ';')
            continue;
        if (line[0] == '[') {
            FUZZ_CHECK(kSections.count(line), line + " in:\n" + unit);
            sections.push_back(line);
            continue;
        }
        auto equals = line.find('=');
        FUZZ_CHECK(equals != std::string::npos, "'" + line + "' is not an assignment in:\n" + unit);
        auto key = line.substr(0, equals);
        auto value = line.substr(equals + 1);
        if (key == "Environment") {
            auto unspecified = unspecify(value);
            FUZZ_CHECK(unspecified, line);
            auto assignment = words(*unspecified, false);
            FUZZ_CHECK(assignment && assignment->size() == 1, line);
            environment.push_back(assignment->front());
            continue;
        }
        FUZZ_CHECK(kOnce.count(key), "directive '" + key + "' in:\n" + unit);
        FUZZ_CHECK(++seen[key] == 1, key + " twice in:\n" + unit);
        if (key == "ExecStart") {
            auto unspecified = unspecify(value);
            FUZZ_CHECK(unspecified, line);
            auto argv = words(*unspecified, true);
            FUZZ_CHECK(argv && *argv == spec.execStart, line);
        } else if (key == "Description" || key == "WorkingDirectory") {
            FUZZ_CHECK(unspecify(value), line);
        }
    }
    // A scheduled service has no [Install]: its timer starts it.
    auto wanted = spec.hasTimer() ? std::vector<std::string>{"[Unit]", "[Service]"} : std::vector<std::string>{"[Unit]", "[Service]", "[Install]"};
    FUZZ_CHECK(sections == wanted, unit);
    std::vector<std::string> expected;
    for (const auto& [key, value] : spec.environment)
        expected.push_back(key + "=" + value);
    FUZZ_CHECK(environment == expected, unit);
    for (const char* key : {"Description", "Type", "User", "ExecStart", "Restart", "RestartSec"})
        FUZZ_CHECK(seen[key] == 1, std::string(key) + " missing in:\n" + unit);
    FUZZ_CHECK(seen["WantedBy"] == (spec.hasTimer() ? 0 : 1), unit);
    FUZZ_CHECK(seen["User"] == 1 && unit.find("\nUser=" + spec.user + "\n") != std::string::npos, unit);
}

void checkRotation(const std::string& snippet)
{
    // logrotate reads one block: the marker's two lines, the path line,
    // nine directives, the closing brace.
    auto all = lines(snippet);
    FUZZ_CHECK(all.size() == 13, snippet);
    std::size_t braces = 0;
    for (char c : snippet)
        braces += c == '{' || c == '}';
    FUZZ_CHECK(braces == 2, snippet);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 64 * 1024)
        return -1;
    auto spec = specFrom(fuzz::view(data, size));
    try {
        validateFields(spec);
    } catch (const Error&) {
        return 0;
    }
    checkUnit(spec, renderService(spec));
    if (spec.hasTimer()) {
        // The timer: its own marker, one trigger line, nothing the schedule could add.
        auto timer = lines(renderTimer(spec));
        FUZZ_CHECK(timer.size() == (spec.schedule.empty() ? 12 : 11), renderTimer(spec));
    }
    if (spec.logRotation)
        checkRotation(renderLogRotation(spec, spec.group.empty() ? spec.user : spec.group));
    return 0;
}
