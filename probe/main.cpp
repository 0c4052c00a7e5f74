// remedy-healthcheck: one probe of a service's URL, run by the oneshot
// service of a remedy health check (core/healthcheck.h) on its timer.
//
// A probe fails when there is no answer within the timeout or the status is
// not 2xx. Failures in a row are counted in $RUNTIME_DIRECTORY; at the limit
// the unit is restarted through systemd, once, and a journal entry says so.
// A unit that is not active is left alone: someone stopped it, or systemd is
// already restarting it.

#include <curl/curl.h>
#include <getopt.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-journal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

// Documented in the interface (InstallHealthcheck); `journalctl MESSAGE_ID=`.
constexpr const char* kRestartMessageId = "5b1b7c1ef4c54f5e9c6a1d1f1ad0c0de";

struct Arguments {
    std::string unit;
    std::string url;
    long timeoutSec = 3;
    unsigned failures = 3;
};

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// Empty when healthy; otherwise why not.
std::string probe(const Arguments& args)
{
    CURL* curl = curl_easy_init();
    if (!curl)
        return "cannot initialize libcurl";
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, args.url.c_str());
    // Root runs this with a URL a caller chose: web requests only, and no
    // redirect anywhere else (redirects are not followed at all; a 3xx is a
    // failed check, but should that change, the limit already holds).
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, args.timeoutSec);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "remedy-healthcheck");
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK)
        return *error ? error : curl_easy_strerror(code);
    if (status < 200 || status > 299)
        return "HTTP status " + std::to_string(status);
    return {};
}

std::string counterPath(const std::string& unit)
{
    const char* dir = std::getenv("RUNTIME_DIRECTORY");
    return std::string(dir ? dir : "/run/remedy-health") + "/" + unit + ".failures";
}

unsigned readCounter(const std::string& path)
{
    unsigned count = 0;
    std::ifstream(path) >> count;
    return count;
}

void writeCounter(const std::string& path, unsigned count) { std::ofstream(path, std::ios::trunc) << count << "\n"; }

// The unit's ActiveState, or a message starting with "error:".
std::string activeState(sd_bus* bus, const std::string& unit)
{
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    const char* path = nullptr;
    std::string state;
    if (sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                           "LoadUnit", &error, &reply, "s", unit.c_str()) < 0 ||
        sd_bus_message_read(reply, "o", &path) < 0) {
        state = std::string("error: ") + (error.message ? error.message : "cannot ask systemd");
    } else {
        char* value = nullptr;
        if (sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit", "ActiveState", &error,
                                       &value) < 0)
            state = std::string("error: ") + (error.message ? error.message : "cannot read ActiveState");
        else
            state = value;
        free(value);
    }
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    return state;
}

int restart(const Arguments& args, const std::string& reason)
{
    sd_bus* bus = nullptr;
    if (sd_bus_open_system(&bus) < 0) {
        std::fprintf(stderr, "cannot connect to the system bus to restart %s\n", args.unit.c_str());
        return 1;
    }
    auto state = activeState(bus, args.unit);
    if (state != "active") {
        std::printf("%s is %s, not active: not restarting it\n", args.unit.c_str(), state.c_str());
        sd_bus_unref(bus);
        return 1;
    }
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int called = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                    "RestartUnit", &error, nullptr, "ss", args.unit.c_str(), "replace");
    if (called < 0) {
        std::fprintf(stderr, "systemd refused to restart %s: %s\n", args.unit.c_str(), error.message ? error.message : "");
        sd_bus_error_free(&error);
        sd_bus_unref(bus);
        return 1;
    }
    sd_bus_unref(bus);
    sd_journal_send("MESSAGE=hang detected: %s failed %u health checks in a row (%s, last: %s); restarted it", args.unit.c_str(),
                    args.failures, args.url.c_str(), reason.c_str(), "MESSAGE_ID=%s", kRestartMessageId, "PRIORITY=%i", LOG_WARNING,
                    "REMEDY_UNIT=%s", args.unit.c_str(), "REMEDY_URL=%s", args.url.c_str(), "REMEDY_FAILURES=%u", args.failures,
                    "REMEDY_REASON=%s", reason.c_str(), nullptr);
    return 0;
}

int usage(const char* message)
{
    std::fprintf(stderr, "remedy-healthcheck: %s\nusage: remedy-healthcheck --unit UNIT [--timeout SEC] [--failures N] URL\n", message);
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    Arguments args;
    static const option options[] = {{"unit", required_argument, nullptr, 'u'},
                                     {"timeout", required_argument, nullptr, 't'},
                                     {"failures", required_argument, nullptr, 'f'},
                                     {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
        switch (opt) {
        case 'u': args.unit = optarg; break;
        case 't': args.timeoutSec = std::strtol(optarg, nullptr, 10); break;
        case 'f': args.failures = static_cast<unsigned>(std::strtoul(optarg, nullptr, 10)); break;
        default: return usage("unknown option");
        }
    }
    if (optind + 1 != argc || args.unit.empty() || args.timeoutSec <= 0 || args.failures == 0)
        return usage("give --unit and one URL");
    args.url = argv[optind];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    auto reason = probe(args);
    curl_global_cleanup();
    auto counter = counterPath(args.unit);
    if (reason.empty()) {
        if (unsigned before = readCounter(counter); before > 0) {
            std::printf("%s answers again after %u failed checks\n", args.url.c_str(), before);
            writeCounter(counter, 0);
        }
        return 0;
    }
    unsigned failures = readCounter(counter) + 1;
    std::printf("health check of %s failed (%u of %u): %s\n", args.unit.c_str(), failures, args.failures, reason.c_str());
    std::fflush(stdout);
    if (failures < args.failures) {
        writeCounter(counter, failures);
        return 1;
    }
    writeCounter(counter, 0);
    return restart(args, reason);
}
