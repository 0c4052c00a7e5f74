#pragma once
// Errors the core reports, by kind. How a kind is named on the bus is the
// interface's business (dbus/errors.h).

#include <stdexcept>
#include <string>

namespace remedy {

// NoSystemd: the operation needs systemd, and none answers on the system bus
// (a container or chroot without it); not the caller's mistake.
// Cancelled: its starter cancelled the job, and what it had done was undone.
enum class ErrorKind { NotAuthorized, InvalidArgument, Unsupported, NoSpace, Busy, NoSystemd, Cancelled, Failed };

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

} // namespace remedy
