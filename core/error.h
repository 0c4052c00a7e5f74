#pragma once
// Errors the core reports, by kind. How a kind is named on the bus is the
// interface's business (dbus/errors.h).

#include <stdexcept>
#include <string>

namespace remedy {

enum class ErrorKind { NotAuthorized, InvalidArgument, Unsupported, NoSpace, Busy, Failed };

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

} // namespace remedy
