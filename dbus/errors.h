#pragma once
// The interface's error names (org.remedy.Remedy1.Error.*): remedyd maps the
// core's error kinds to them, remedyctl maps them back to exit codes.

#include "core/error.h"

#include <string>
#include <string_view>

namespace remedy {

inline constexpr std::string_view kErrorPrefix = "org.remedy.Remedy1.Error.";

constexpr std::string_view errorSuffix(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::NotAuthorized: return "NotAuthorized";
    case ErrorKind::InvalidArgument: return "InvalidArgument";
    case ErrorKind::Unsupported: return "Unsupported";
    case ErrorKind::NoSpace: return "NoSpace";
    case ErrorKind::Busy: return "Busy";
    case ErrorKind::NoSystemd: return "NoSystemd";
    case ErrorKind::Cancelled: return "Cancelled";
    case ErrorKind::Failed: break;
    }
    return "Failed";
}

inline std::string errorName(ErrorKind kind) { return std::string(kErrorPrefix) + std::string(errorSuffix(kind)); }

// Refused, but polkit would have asked for a password: the caller may retry
// with auth.interactive once an agent is listening (udisks' NotAuthorizedCanObtain).
inline const std::string kNotAuthorizedCanObtain = std::string(kErrorPrefix) + "NotAuthorizedCanObtain";

} // namespace remedy
