#pragma once
// Paths a root helper may act on. A path is absolute and normalized, and it
// is opened one component at a time relative to the root directory, without
// following a symlink anywhere; every directory on the way must be owned by
// root and writable by nobody else. The checks and the work then use the
// same open directory: no time-of-check/time-of-use gap.

#include "unique_fd.h"

#include <string>
#include <vector>

namespace remedy {

// Splits "/srv/swap/file" into {"srv", "swap", "file"}; throws InvalidArgument
// for a relative path, "..", ".", "//", a trailing '/', or control characters.
std::vector<std::string> splitAbsolutePath(const std::string& path);

// Opens `root` (the helper's --root, "/" on a real system) as a directory.
UniqueFd openRoot(const std::string& root);

// Opens the directory holding the last component of `components`, checking
// each directory on the way as described above. Throws InvalidArgument naming
// the offending directory.
UniqueFd openTrustedParent(int root, const std::vector<std::string>& components, const std::string& path);

} // namespace remedy
