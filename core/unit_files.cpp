#include "unit_files.h"

#include "atomic_file.h"
#include "error.h"
#include "trusted_path.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace remedy {

std::string managedHeader(const std::string& unit)
{
    return std::string(kManagedMarker) + " for " + unit + "; \"remedyctl unit remove " + unit +
           "\" removes it.\n# Edits here are replaced the next time remedy installs " + unit + ".\n";
}

bool isManaged(const std::string& content) { return content.rfind(kManagedMarker, 0) == 0; }

bool managesUnit(int root, const std::string& unit)
{
    auto content = ManagedDirectory(root, "/etc/systemd/system").read(unit);
    return content && isManaged(*content);
}

ManagedDirectory::ManagedDirectory(int root, const std::string& path) : path_(path)
{
    auto components = splitAbsolutePath(path);
    struct stat st {};
    if (fstatat(root, path.c_str() + 1, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
        return;  // reads find nothing; writes say the directory is missing
    components.push_back("any");  // the directory itself is the parent of a file in it
    dir_ = openTrustedParent(root, components, path);
}

std::optional<std::string> ManagedDirectory::read(const std::string& name) const
{
    if (!dir_)
        return std::nullopt;
    struct stat st {};
    if (fstatat(dir_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return std::nullopt;
        throw Error(ErrorKind::Failed, "cannot stat " + path_ + "/" + name + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        throw Error(ErrorKind::InvalidArgument, path_ + "/" + name + " is not a regular file (a link, perhaps); remedy leaves it alone");
    return readFileAt(dir_.get(), name);
}

std::vector<std::string> ManagedDirectory::managedFiles(const std::string& suffix) const
{
    std::vector<std::string> names;
    if (!dir_)
        return names;
    DIR* listing = fdopendir(dup(dir_.get()));
    if (!listing)
        throw Error(ErrorKind::Failed, "cannot list " + path_ + ": " + std::strerror(errno));
    rewinddir(listing);  // a dup shares the position an earlier listing left
    rewinddir(listing);
    while (const dirent* entry = readdir(listing)) {
        std::string name = entry->d_name;
        if (entry->d_type == DT_REG && name.size() > suffix.size() && name.ends_with(suffix)) {
            auto content = read(name);
            if (content && isManaged(*content))
                names.push_back(name);
        }
    }
    closedir(listing);
    std::sort(names.begin(), names.end());
    return names;
}

void ManagedDirectory::removeIfEmpty(int root) const
{
    if (!dir_)
        return;
    auto components = splitAbsolutePath(path_);
    auto parent = openTrustedParent(root, components, path_);
    if (unlinkat(parent.get(), components.back().c_str(), AT_REMOVEDIR) != 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
        throw Error(ErrorKind::Failed, "cannot delete " + path_ + ": " + std::strerror(errno));
}

void ManagedDirectory::checkOwnership(const std::string& name, bool force) const
{
    auto content = read(name);
    if (content && !isManaged(*content) && !force)
        throw Error(ErrorKind::InvalidArgument, path_ + "/" + name +
                                                    " exists and remedy did not write it; remedy leaves it alone (force to replace it)");
}

void ManagedDirectory::write(const std::string& name, const std::string& content, bool force) const
{
    checkOwnership(name, force);
    if (!dir_)
        throw Error(ErrorKind::Unsupported, path_ + " does not exist on this system");
    replaceFileAt(dir_.get(), name, content, 0644);
}

void ManagedDirectory::removeLeftovers(const std::string& name) const
{
    if (dir_)
        removeStaleTemporaries(dir_.get(), name);
}

bool ManagedDirectory::remove(const std::string& name, bool force) const
{
    if (!read(name))
        return false;
    checkOwnership(name, force);
    if (unlinkat(dir_.get(), name.c_str(), 0) != 0)
        throw Error(ErrorKind::Failed, "cannot delete " + path_ + "/" + name + ": " + std::strerror(errno));
    fsync(dir_.get());
    return true;
}

} // namespace remedy
