#include "audit.h"

#include "logging.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-journal.h>

#include <cstdio>
#include <syslog.h>

namespace remedy::audit {
namespace {

std::string uidText(uid_t uid) { return uid == static_cast<uid_t>(-1) ? "?" : std::to_string(uid); }

// Valid UTF-8 sequence length at text[i], or 0.
std::size_t utf8Length(std::string_view text, std::size_t i)
{
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte >= 0xF0 && byte < 0xF5 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 0;
    if (length == 0 || i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
            return 0;
    return length;
}

} // namespace

std::string escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\\') {
            out += "\\\\";
        } else if (byte == '\n') {
            out += "\\n";
        } else if (byte >= 0x20 && byte < 0x7F) {
            out += static_cast<char>(byte);
        } else if (auto length = byte >= 0x80 ? utf8Length(text, i) : 0) {
            out.append(text.substr(i, length));
            i += length - 1;
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            out += hex;
        }
    }
    return out;
}

void decision(uid_t uid, const std::string& sender, const std::string& action, const std::string& what, bool allowed,
              const std::string& reason)
{
    auto line = fmt::format("{} uid={} sender={} action={}: {}{}", allowed ? "authorized" : "refused", uidText(uid), escape(sender),
                            action, escape(what), allowed ? "" : ": " + reason);
    if (logging::toJournal()) {
        sd_journal_send("MESSAGE=%s", line.c_str(), "MESSAGE_ID=%s", allowed ? kAuthorizedId : kRefusedId, "PRIORITY=%d",
                        allowed ? LOG_INFO : LOG_WARNING, "REMEDY_UID=%s", uidText(uid).c_str(), "REMEDY_SENDER=%s",
                        escape(sender).c_str(), "REMEDY_ACTION=%s", action.c_str(), "REMEDY_REQUEST=%s", escape(what).c_str(),
                        "REMEDY_VERDICT=%s", allowed ? "allowed" : "refused", "SYSLOG_IDENTIFIER=remedyd", nullptr);
        return;
    }
    if (allowed)
        spdlog::info("{}", line);
    else
        spdlog::warn("{}", line);
}

void change(uid_t uid, const std::string& operation, const std::string& target, bool failed, const std::string& verdict)
{
    auto line = fmt::format("{} {} by uid={}: {}{}", operation, escape(target), uidText(uid), failed ? "failed: " : "",
                            escape(verdict));
    if (logging::toJournal()) {
        sd_journal_send("MESSAGE=%s", line.c_str(), "MESSAGE_ID=%s", failed ? kFailedId : kChangedId, "PRIORITY=%d",
                        failed ? LOG_WARNING : LOG_INFO, "REMEDY_UID=%s", uidText(uid).c_str(), "REMEDY_OPERATION=%s",
                        operation.c_str(), "REMEDY_TARGET=%s", escape(target).c_str(), "REMEDY_RESULT=%s",
                        failed ? "failed" : verdict.c_str(), "SYSLOG_IDENTIFIER=remedyd", nullptr);
        return;
    }
    if (failed)
        spdlog::warn("{}", line);
    else
        spdlog::info("{}", line);
}

} // namespace remedy::audit
