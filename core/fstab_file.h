#pragma once
// The fstab on disk (<root>/etc/fstab): read without following links,
// replaced atomically, the previous version kept in
// <root>/var/backups/remedy/ (the newest kBackups of them).

#include "fstab.h"

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

private:
    int root_;
};

} // namespace remedy
