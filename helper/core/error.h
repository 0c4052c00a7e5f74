#pragma once
// Errors the helper reports. The core throws them; the D-Bus adaptor maps the
// kind to its error name, and remedyctl maps the name back to an exit code.

#include <stdexcept>
#include <string>
#include <string_view>

namespace remedy {

enum class ErrorKind { NotAuthorized, InvalidArgument, Unsupported, NoSpace, Busy, Failed };

inline constexpr std::string_view kErrorPrefix = "org.remedy.Remedy1.Error.";

constexpr std::string_view errorSuffix(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::NotAuthorized: return "NotAuthorized";
    case ErrorKind::InvalidArgument: return "InvalidArgument";
    case ErrorKind::Unsupported: return "Unsupported";
    case ErrorKind::NoSpace: return "NoSpace";
    case ErrorKind::Busy: return "Busy";
    case ErrorKind::Failed: break;
    }
    return "Failed";
}

inline std::string errorName(ErrorKind kind)
{
    return std::string(kErrorPrefix) + std::string(errorSuffix(kind));
}

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

} // namespace remedy
