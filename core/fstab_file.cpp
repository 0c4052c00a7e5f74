#include "fstab_file.h"

#include "atomic_file.h"
#include "error.h"
#include "unique_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <vector>

namespace remedy {
namespace {

UniqueFd openDirectory(int parent, const char* name, bool create)
{
    if (create && mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
        throw Error(ErrorKind::Failed, std::string("cannot create ") + name + ": " + std::strerror(errno));
    UniqueFd fd(openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        throw Error(ErrorKind::Failed, std::string("cannot open ") + name + ": " + std::strerror(errno));
    return fd;
}

std::string timestamp()
{
    auto now = std::chrono::system_clock::now();
    auto seconds = std::chrono::system_clock::to_time_t(now);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%S", &utc);
    char full[64];
    std::snprintf(full, sizeof full, "%s.%06lldZ", text, static_cast<long long>(micros));
    return full;
}

void keepBackup(int root, const std::string& text)
{
    auto var = openDirectory(root, "var", true);
    auto backups = openDirectory(var.get(), "backups", true);
    auto remedy = openDirectory(backups.get(), "remedy", true);
    replaceFileAt(remedy.get(), "fstab." + timestamp(), text, 0644);

    // The names sort by time; drop all but the newest.
    int listing = openat(remedy.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* dir = listing >= 0 ? fdopendir(listing) : nullptr;
    if (!dir) {
        if (listing >= 0)
            close(listing);
        return;
    }
    std::vector<std::string> names;
    while (auto* entry = readdir(dir))
        if (std::strncmp(entry->d_name, "fstab.", 6) == 0)
            names.emplace_back(entry->d_name);
    std::sort(names.begin(), names.end());
    for (std::size_t i = 0; i + FstabFile::kBackups < names.size(); ++i)
        unlinkat(remedy.get(), names[i].c_str(), 0);
    closedir(dir);
}

} // namespace

Fstab FstabFile::read() const
{
    auto etc = openDirectory(root_, "etc", false);
    struct stat st {};
    if (fstatat(etc.get(), "fstab", &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
        return Fstab::parse("");
    // What remedy writes up to is what it reads: an answer listing a larger
    // file's entries could pass the bus's message limit, which ends remedyd.
    if (static_cast<std::uint64_t>(st.st_size) > kMaxFstabSize)
        throw Error(ErrorKind::InvalidArgument, "/etc/fstab is larger than " + std::to_string(kMaxFstabSize / 1024) +
                                                    " KiB; remedy does not read it (findmnt --fstab lists it)");
    return Fstab::parse(readFileAt(etc.get(), "fstab"));
}

void FstabFile::write(const Fstab& before, const std::string& text) const
{
    auto etc = openDirectory(root_, "etc", false);
    auto current = read();
    if (current.text() != before.text())
        throw Error(ErrorKind::Busy, "/etc/fstab changed while remedy was editing it; try again");
    keepBackup(root_, before.text());
    replaceFileAt(etc.get(), "fstab", text, 0644);
}

void FstabFile::removeLeftovers() const { removeStaleTemporaries(openDirectory(root_, "etc", false).get(), "fstab"); }

bool editFstab(int root, const std::function<std::optional<std::string>(const Fstab&)>& edit, bool dryRun)
{
    FstabFile file(root);
    auto fstab = file.read();
    auto text = edit(fstab);
    if (text && !dryRun)
        file.write(fstab, *text);
    return text.has_value();
}

} // namespace remedy
