#pragma once
// The files remedy writes for systemd and logrotate, and the proof of which
// ones are remedy's: their first line is kManagedMarker. remedy replaces or
// deletes only such files (unless forced), so an admin's own unit is never
// lost to a name clash.

#include "unique_fd.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace remedy {

inline constexpr std::string_view kManagedMarker = "# Managed by remedy";

// The marker line for a file of `unit`; renderers start with it.
std::string managedHeader(const std::string& unit);

bool isManaged(const std::string& content);

// Whether remedy wrote `unit` (etc/systemd/system below root). Changing a
// unit remedy does not manage (an admin's sshd.service) is worth more than
// the group's right, so the callers check this first.
bool managesUnit(int root, const std::string& unit);

// A directory remedy writes into (etc/systemd/system, etc/logrotate.d),
// opened below the helper's root without following links. A directory that
// does not exist holds no files; writing into it is Unsupported.
class ManagedDirectory {
public:
    ManagedDirectory(int root, const std::string& path);

    // The file's content, or nothing when it does not exist.
    std::optional<std::string> read(const std::string& name) const;

    // Writes atomically. Throws InvalidArgument when a file of that name is
    // there and is not remedy's, unless `force`.
    void write(const std::string& name, const std::string& content, bool force) const;

    // Deletes; false when there was nothing. Same refusal as write().
    bool remove(const std::string& name, bool force) const;

    // The names of remedy's files ending in `suffix`, sorted.
    std::vector<std::string> managedFiles(const std::string& suffix) const;

    // Deletes what killed writers of `name` left (atomic_file.h).
    void removeLeftovers(const std::string& name) const;

    // Deletes the directory itself if nothing is left in it.
    void removeIfEmpty(int root) const;

    // Throws the refusal write() and remove() would.
    void checkOwnership(const std::string& name, bool force) const;

    const std::string& path() const { return path_; }
    bool exists() const { return static_cast<bool>(dir_); }

private:
    std::string path_;
    UniqueFd dir_;
};

} // namespace remedy
