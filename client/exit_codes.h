#pragma once
// remedyctl's exit codes, documented in the README and in --help.

namespace remedy::client {

enum ExitCode : int {
    kSuccess = 0,
    kFailure = 1,        // the helper reported an error, or the change failed
    kUsage = 2,          // bad command line or invalid argument
    kUnreachable = 3,    // remedyd cannot be reached (not installed, bus down, activation failed)
    kNotAuthorized = 4,  // polkit (or the bus policy) refused the caller
};

} // namespace remedy::client
