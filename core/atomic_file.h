#pragma once
// Files as a root helper writes them: relative to an open directory, never
// following a symlink, replaced atomically (temp file in the same directory,
// fsync, rename, fsync of the directory), so a helper killed at any moment
// leaves the old content or the new one, never a mix.

#include "unique_fd.h"

#include <string>
#include <sys/stat.h>

namespace remedy {

// Reads `name` in `dir` without following a symlink; throws when it is not a
// regular file.
std::string readFileAt(int dir, const std::string& name, struct stat* info = nullptr);

// Replaces `name` in `dir` with `content`, keeping the old file's owner and
// mode (or `mode`, root-owned, for a new file).
void replaceFileAt(int dir, const std::string& name, const std::string& content, mode_t mode = 0644);

// Deletes what killed writers of `name` left beside it (".NAME.remedy-*"):
// replaceFileAt does it before it writes, and so does undoing a change.
void removeStaleTemporaries(int dir, const std::string& name);
// The same for every name in `dir` (a directory of remedy's own).
void removeStaleTemporaries(int dir);

// Writes all of `data` to `fd`, retrying short writes.
void writeAll(int fd, const char* data, std::size_t size, const std::string& what);

} // namespace remedy
