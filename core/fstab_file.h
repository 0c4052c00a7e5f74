#pragma once
// The fstab on disk (<root>/etc/fstab): read without following links,
// replaced atomically, the previous version kept in
// <root>/var/backups/remedy/ (the newest kBackups of them).

#include "fstab.h"

#include <functional>
#include <optional>
#include <string>

namespace remedy {

class FstabFile {
public:
    static constexpr int kBackups = 10;

    explicit FstabFile(int root) : root_(root) {}

    // A missing fstab reads as an empty one.
    Fstab read() const;

    // Writes `text` in place of `before`, after keeping a backup of it.
    // Throws Busy when the file changed since `before` was read.
    void write(const Fstab& before, const std::string& text) const;

    // Deletes what a writer killed mid-write left beside it (replaceFileAt
    // does this before every write; recovery does it when nothing is written).
    void removeLeftovers() const;

private:
    int root_;
};

// One edit of <root>/etc/fstab: read it, ask `edit` for the new text
// (nothing: no change), write that unless a dry run. Whether it changed, or
// would have. Shared by the Fstab interface's methods and plans' steps.
bool editFstab(int root, const std::function<std::optional<std::string>(const Fstab&)>& edit, bool dryRun);

} // namespace remedy
