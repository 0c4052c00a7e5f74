#include "bounds.h"

#include "bus/options.h"

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-bus.h>

#include <cstring>
#include <deque>
#include <string>
#include <string_view>

namespace remedy {
namespace {

// sdbus-c++ keeps the sd-bus message to itself; a member pointer taken in a
// derived class is the sanctioned way to read a protected member.
struct RawMessage : sdbus::Message {
    static sd_bus_message* of(const sdbus::Message& message)
    {
        constexpr auto member = &RawMessage::msg_;
        return static_cast<sd_bus_message*>(message.*member);
    }
};

struct Walk {
    const RequestBounds& bounds;
    std::size_t values = 0;
    std::size_t bytes = 0;
    std::string error;

    bool fail(std::string why)
    {
        error = std::move(why);
        return false;
    }

    // Walks the container the message is in, to its end.
    bool container(sd_bus_message* m, std::size_t depth)
    {
        for (;;) {
            char type = 0;
            const char* contents = nullptr;
            int r = sd_bus_message_peek_type(m, &type, &contents);
            if (r < 0)
                return fail("the message cannot be read");
            if (r == 0)
                return true;
            if (++values > bounds.values)
                return fail("more than " + std::to_string(bounds.values) + " values");
            if (type == SD_BUS_TYPE_ARRAY || type == SD_BUS_TYPE_VARIANT || type == SD_BUS_TYPE_STRUCT || type == SD_BUS_TYPE_DICT_ENTRY) {
                if (depth >= bounds.depth)
                    return fail("nested deeper than " + std::to_string(bounds.depth));
                if (sd_bus_message_enter_container(m, type, contents) < 0)
                    return fail("the message cannot be read");
                if (!container(m, depth + 1))
                    return false;
                if (sd_bus_message_exit_container(m) < 0)
                    return fail("the message cannot be read");
            } else if (type == SD_BUS_TYPE_STRING || type == SD_BUS_TYPE_OBJECT_PATH || type == SD_BUS_TYPE_SIGNATURE) {
                const char* text = nullptr;
                if (sd_bus_message_read_basic(m, type, &text) < 0)
                    return fail("the message cannot be read");
                auto length = std::strlen(text);
                if (length > bounds.stringBytes)
                    return fail("a string longer than " + std::to_string(bounds.stringBytes) + " bytes");
                if ((bytes += length) > bounds.totalBytes)
                    return fail("more than " + std::to_string(bounds.totalBytes) + " bytes of text");
            } else {
                const char basic[2] = {type, '\0'};
                if (sd_bus_message_skip(m, basic) < 0)
                    return fail("the message cannot be read");
            }
        }
    }
};

struct Filter {
    std::string prefix;
    RequestBounds bounds;
};

std::string gIncomingSender;  // loop thread only

// An sd-bus filter: it runs for each incoming message before sd-bus
// dispatches it to an object, and a positive return ends its processing.
int boundsFilter(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    if (!sd_bus_message_is_method_call(m, nullptr, nullptr))
        return 0;
    const auto& filter = *static_cast<const Filter*>(userdata);
    const char* path = sd_bus_message_get_path(m);
    std::string_view view = path ? path : "";
    if (view.substr(0, filter.prefix.size()) != filter.prefix)
        return 0;
    const char* sender = sd_bus_message_get_sender(m);
    gIncomingSender = sender ? sender : "";
    Walk walk{filter.bounds, 0, 0, {}};
    bool ok = walk.container(m, 0);
    sd_bus_message_rewind(m, 1);
    if (ok)
        return 0;
    sd_bus_reply_method_errorf(m, errorName(ErrorKind::InvalidArgument).c_str(), "request refused: %s", walk.error.c_str());
    return 1;
}

} // namespace

const std::string& incomingSender() { return gIncomingSender; }

void installRequestBounds(sdbus::IConnection& bus, const char* pathPrefix, RequestBounds bounds)
{
    // sdbus-c++ 1.2 does not hand out its sd_bus; any message it makes knows it.
    auto proxy = sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    auto probe = proxy->createMethodCall("org.freedesktop.DBus.Peer", "Ping");
    sd_bus* raw = sd_bus_message_get_bus(RawMessage::of(probe));
    // Outlives the connection (remedyd closes its bus before exit) and is
    // freed with the program: a std::deque never moves what it holds.
    static std::deque<Filter> filters;
    auto* filter = &filters.emplace_back(Filter{pathPrefix, bounds});
    if (sd_bus_add_filter(raw, nullptr, boundsFilter, filter) < 0)
        throw toBusError(ErrorKind::Failed, "cannot install the request bounds");
}

} // namespace remedy
