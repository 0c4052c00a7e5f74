#include "swapfile.h"

#include "pending.h"

#include "error.h"
#include "fstab_file.h"
#include "swap_policy.h"
#include "transaction.h"
#include "trusted_path.h"
#include "unique_fd.h"

#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <utility>

namespace remedy {
namespace {

constexpr std::string_view kSignature = "SWAPSPACE2";
constexpr std::array kSystemTrees = {"proc", "sys", "dev", "run"};

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorKind::InvalidArgument, message); }
[[noreturn]] void failed(const std::string& what) { throw Error(ErrorKind::Failed, what + ": " + std::strerror(errno)); }

std::uint64_t pageSize() { return static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)); }

std::string sizeText(std::uint64_t bytes)
{
    char text[32];
    if (bytes >= GiB)
        std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / static_cast<double>(GiB));
    else
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / static_cast<double>(MiB));
    return text;
}

// The trusted directory a swapfile lives in, and its name there.
struct Place {
    UniqueFd parent;
    std::string name;
};

Place locate(int root, const std::string& path)
{
    auto components = splitAbsolutePath(path);
    for (const char* tree : kSystemTrees)
        if (components.front() == tree)
            invalid(path + " is under /" + tree + ", where swap cannot live");
    return {openTrustedParent(root, components, path), components.back()};
}

struct Filesystem {
    std::string name;
    bool btrfs = false;
    std::uint64_t size = 0;
    std::uint64_t available = 0;
};

std::string filesystemName(unsigned long type)
{
    switch (type) {
    case TMPFS_MAGIC: return "tmpfs";
    case OVERLAYFS_SUPER_MAGIC: return "overlayfs";
    case NFS_SUPER_MAGIC: return "NFS";
    case 0xFF534D42: return "CIFS";
    case 0xFE534D42: return "SMB2";
    case FUSE_SUPER_MAGIC: return "FUSE";
    case PROC_SUPER_MAGIC: return "proc";
    case SYSFS_MAGIC: return "sysfs";
    case RAMFS_MAGIC: return "ramfs";
    case SQUASHFS_MAGIC: return "squashfs";
    case MSDOS_SUPER_MAGIC: return "FAT";
    case 0x2fc12fc1: return "ZFS";
    case F2FS_SUPER_MAGIC: return "F2FS";
    default: break;
    }
    char hex[32];
    std::snprintf(hex, sizeof hex, "type 0x%lx", type);
    return hex;
}

// fstatfs says what the kernel's swapon would only answer with EINVAL later.
Filesystem checkFilesystem(int dir, const std::string& path)
{
    struct statfs fs {};
    struct statvfs vfs {};
    if (fstatfs(dir, &fs) != 0 || fstatvfs(dir, &vfs) != 0)
        failed("cannot inspect the file system of " + path);
    Filesystem result;
    result.size = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
    result.available = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    auto type = static_cast<unsigned long>(fs.f_type);
    if (type == EXT4_SUPER_MAGIC) {
        result.name = "ext4";
    } else if (type == XFS_SUPER_MAGIC) {
        result.name = "xfs";
    } else if (type == BTRFS_SUPER_MAGIC) {
        result.name = "btrfs";
        result.btrfs = true;
        btrfs_ioctl_fs_info_args info{};
        if (ioctl(dir, BTRFS_IOC_FS_INFO, &info) == 0 && info.num_devices > 1)
            throw Error(ErrorKind::Unsupported, path + " is on a btrfs file system of " + std::to_string(info.num_devices) +
                                                    " devices; the kernel allows swapfiles only on single-device btrfs");
    } else {
        throw Error(ErrorKind::Unsupported, path + " is on " + filesystemName(type) +
                                                ", which cannot hold a swapfile (the kernel refuses it); choose a path on ext4, xfs or btrfs");
    }
    return result;
}

// btrfs swaps only to files without copy-on-write, a flag that takes effect
// only while the file is empty.
void disableCopyOnWrite(int fd)
{
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
        failed("cannot read the swapfile's attributes");
    flags |= FS_NOCOW_FL;
    if (ioctl(fd, FS_IOC_SETFLAGS, &flags) != 0)
        failed("cannot turn off copy-on-write for the swapfile");
}

// Why `fd` is not a file remedy may treat as a swapfile, or nothing.
std::optional<std::string> whyNotSwapfile(int fd)
{
    struct stat st {};
    if (fstat(fd, &st) != 0)
        return std::string("cannot stat it");
    if (!S_ISREG(st.st_mode))
        return std::string("it is not a regular file");
    if (st.st_uid != 0)
        return "it is owned by uid " + std::to_string(st.st_uid) + ", not root";
    if ((st.st_mode & 07777) != 0600)
        return std::string("its mode is not 0600");
    if (st.st_nlink != 1)
        return std::string("it has more than one hard link");
    char tail[kSignature.size()];
    auto offset = static_cast<off_t>(pageSize() - kSignature.size());
    if (pread(fd, tail, sizeof tail, offset) != static_cast<ssize_t>(sizeof tail) ||
        std::string_view(tail, sizeof tail) != kSignature)
        return std::string("it has no swap signature");
    return std::nullopt;
}

// The active swap area backed by the file open as `fd`, matched by device
// and inode (a path in /proc/swaps may be spelled differently), or by its
// path within its mount when /proc/swaps can show no more (swap_system.h).
std::optional<SwapArea> activeArea(SwapSystem& system, int fd)
{
    struct stat self {};
    if (fstat(fd, &self) != 0)
        return std::nullopt;
    auto withinMount = pathWithinMount(fd);
    for (auto& area : system.activeAreas()) {
        struct stat other {};
        if (area.type != "file")
            continue;
        bool found = stat(area.path.c_str(), &other) == 0;
        if (found && other.st_dev == self.st_dev && other.st_ino == self.st_ino)
            return area;
        // A path that names nothing here is from another mount namespace.
        if (!found && !withinMount.empty() && area.path == withinMount)
            return area;
    }
    return std::nullopt;
}

FstabEntry swapEntry(const std::string& path, std::optional<int> priority)
{
    return {path, "none", "swap", priority ? "pri=" + std::to_string(*priority) : std::string("defaults"), 0, 0, 0};
}

void checkPriority(std::optional<int> priority)
{
    if (priority && (*priority < 0 || *priority > 32767))
        invalid("priority " + std::to_string(*priority) + " is outside 0..32767");
}

// The free space to leave: what the caller asked, which may be more than
// the administrator's floor and never less (a caller must not be able to
// fill a file system that root's daemons write to).
std::uint64_t reserveFor(const Config& config, const Filesystem& fs, std::optional<std::uint64_t> reserve)
{
    auto floor = swapReserveFloor(config, fs.size);
    if (reserve && *reserve < floor)
        invalid("reserve " + sizeText(*reserve) + " (" + std::to_string(*reserve) + " bytes) is below the " + sizeText(floor) + " (" +
                std::to_string(floor) + " bytes) the administrator keeps free on this " + fs.name +
                " file system (swap_reserve, swap_reserve_percent in " + kConfigPath + "); ask for that or more");
    return reserve.value_or(floor);
}

// `need`: the most the operation holds at once beyond what is there now.
void checkSpace(const Filesystem& fs, std::uint64_t need, std::uint64_t keep, const std::string& path)
{
    if (need > fs.available || fs.available - need < keep)
        throw Error(ErrorKind::NoSpace, "not enough space for " + sizeText(need) + " at " + path + ": " + sizeText(fs.available) +
                                            " free on its " + fs.name + " file system, and " + sizeText(keep) +
                                            " must stay free (option 'reserve')");
}

// The temporary a create builds under; a remedyd killed while building
// leaves it behind.
std::string temporaryName(const std::string& name) { return "." + name + ".remedy-new"; }
// Where a resize keeps swap going while it rebuilds the file.
std::string standInName(const std::string& name) { return "." + name + ".remedy-resize"; }

// Off, if it is on, and deleted, if it is there.
void discard(SwapSystem& system, int parent, const std::string& name)
{
    UniqueFd fd(openat(parent, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        return;
    if (activeArea(system, fd.get()))
        system.swapOff(fd.get());
    unlinkat(parent, name.c_str(), 0);
}

// The bytes a stale temporary beside `name` holds, or nothing when there is
// none: space a create gets back, so they must not count against it.
std::optional<std::uint64_t> staleTemporary(int parent, const std::string& name)
{
    struct stat st {};
    if (fstatat(parent, temporaryName(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return static_cast<std::uint64_t>(st.st_blocks) * 512;
}

// Allocates, signs and verifies a new, empty swapfile; progress runs 0..0.9.
void buildSwapfile(SwapSystem& system, int fd, const Filesystem& fs, std::uint64_t size, const Progress& progress)
{
    if (fchown(fd, 0, 0) != 0 || fchmod(fd, 0600) != 0)
        failed("cannot make the swapfile root's, mode 0600");
    if (fs.btrfs)
        disableCopyOnWrite(fd);
    system.allocate(fd, size, [&](double fraction) {
        if (progress)
            progress(0.85 * fraction);
    });
    struct stat st {};
    if (fstat(fd, &st) != 0)
        failed("cannot stat the swapfile");
    if (static_cast<std::uint64_t>(st.st_blocks) * 512 < size)
        throw Error(ErrorKind::Failed, "the swapfile has holes after allocation; the kernel would refuse it");
    system.writeSignature(fd);
    if (progress)
        progress(0.9);
}

} // namespace

Outcome Swapfiles::create(const SwapfileRequest& request, const Progress& progress)
{
    checkSwapfilePlace(config_, request.path);  // before the path is looked at on disk
    auto place = locate(root_, request.path);
    auto fs = checkFilesystem(place.parent.get(), request.path);
    auto keep = reserveFor(config_, fs, request.reserve);
    auto size = swapfileSize(request.size, pageSize());
    checkPriority(request.priority);
    FstabFile fstabFile(root_);
    auto fstab = fstabFile.read();
    auto entry = swapEntry(request.path, request.priority);
    auto fstabText = request.persist ? fstab.withEntry(entry) : std::nullopt;  // Busy when another line claims the path

    Outcome outcome;
    struct stat existing {};
    if (fstatat(place.parent.get(), place.name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(existing.st_mode))
            invalid(request.path + " is a symbolic link; remedy does not follow it");
        UniqueFd fd(openat(place.parent.get(), place.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        bool swapfile = fd && !whyNotSwapfile(fd.get()) && static_cast<std::uint64_t>(existing.st_size) == size;
        if (!swapfile)
            invalid(request.path + " already exists and is not a swapfile of " + sizeText(size) +
                    "; remedy does not overwrite files (use 'resize' for a swapfile of another size)");
        // A swapfile of this size that is off: what a create interrupted
        // between its last two steps leaves. Finishing it is what was asked.
        bool active = activeArea(system_, fd.get()).has_value();
        if (!active)
            outcome.actions.push_back("turn on " + request.path + ", a finished swapfile that is off (swapon)");
        if (fstabText)
            outcome.actions.push_back("add to /etc/fstab: " + describeEntry(entry));
        outcome.changed = !outcome.actions.empty();
        if (!outcome.changed)
            outcome.actions.push_back(request.path + " is already an active swapfile of " + sizeText(size) +
                                      (request.persist ? ", listed in /etc/fstab" : ""));
        if (request.dryRun || !outcome.changed)
            return outcome;
        // The file was there before: recovery turns off and unlists only
        // what this call turned on and listed, and keeps the file.
        PendingChange pending(root_, {{"operation", "swap-create"},
                                      {"target", request.path},
                                      {"uid", caller_},
                                      {"existed", true},
                                      {"active", active},
                                      {"size", size},
                                      {"listed", fstabText.has_value()}});
        Transaction transaction;
        if (!active) {
            system_.swapOn(fd.get(), request.priority);
            transaction.onUndo([this, raw = fd.get()] { system_.swapOff(raw); });
        }
        if (fstabText)
            fstabFile.write(fstab, *fstabText);
        transaction.commit();
        return outcome;
    }
    if (errno != ENOENT)
        failed("cannot inspect " + request.path);
    // What a killed create left is removed before it is built again; its
    // blocks count as free here, or every later create would fail NoSpace.
    fs.available += staleTemporary(place.parent.get(), place.name).value_or(0);
    checkSpace(fs, size, keep, request.path);

    outcome.changed = true;
    outcome.actions = {"create " + request.path + " (root, mode 0600) on " + fs.name};
    if (fs.btrfs)
        outcome.actions.push_back("turn off copy-on-write for it (btrfs)");
    outcome.actions.push_back("allocate " + sizeText(size) + " (" + std::to_string(size) + " bytes)");
    outcome.actions.push_back("write the swap signature (mkswap)");
    outcome.actions.push_back("turn it on (swapon" + (request.priority ? ", priority " + std::to_string(*request.priority) : "") + ")");
    if (fstabText)
        outcome.actions.push_back("add to /etc/fstab: " + describeEntry(entry));
    if (request.dryRun)
        return outcome;

    // Built under a temporary name and renamed into place once complete
    // (the kernel refuses to rename an active swapfile, so before swapon): a
    // helper killed while building leaves only the temporary, which the next
    // create of this path removes; killed later, the next create finishes.
    const std::string building = temporaryName(place.name);
    int parent = place.parent.get();
    // On disk before anything is: a remedyd killed from here on leaves it,
    // and the next remedyd rolls this create back (pending.h).
    PendingChange pending(root_, {{"operation", "swap-create"},
                                  {"target", request.path},
                                  {"uid", caller_},
                                  {"existed", false},
                                  {"size", size},
                                  {"listed", fstabText.has_value()}});
    unlinkat(parent, building.c_str(), 0);
    // Declared before the transaction, so its undo steps still have the file open.
    UniqueFd fd(openat(parent, building.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    Transaction transaction;
    if (!fd)
        failed("cannot create a file beside " + request.path);
    transaction.onUndo([parent, building] { unlinkat(parent, building.c_str(), 0); });
    buildSwapfile(system_, fd.get(), fs, size, progress);
    // RENAME_NOREPLACE: a file that appeared at the path meanwhile is kept.
    if (renameat2(parent, building.c_str(), parent, place.name.c_str(), RENAME_NOREPLACE) != 0) {
        if (errno == EEXIST)
            throw Error(ErrorKind::Busy, request.path + " appeared while remedy was creating it; nothing was changed");
        failed("cannot move the new swapfile into place at " + request.path);
    }
    transaction.onUndo([parent, name = place.name] { unlinkat(parent, name.c_str(), 0); });
    system_.swapOn(fd.get(), request.priority);
    transaction.onUndo([this, raw = fd.get()] { system_.swapOff(raw); });
    if (progress)
        progress(0.95);
    if (fstabText)
        fstabFile.write(fstab, *fstabText);
    transaction.commit();
    if (progress)
        progress(1.0);
    return outcome;
}

Outcome Swapfiles::remove(const std::string& path, bool dryRun)
{
    // Swapfiles elsewhere (the administrator's own, made by hand) are the
    // administrator's to remove: turning one off can bring the OOM killer.
    checkSwapfilePlace(config_, path);
    auto place = locate(root_, path);
    FstabFile fstabFile(root_);
    auto fstab = fstabFile.read();
    auto fstabText = fstab.find(path) && fstab.find(path)->isSwap() ? fstab.withoutEntry(path) : std::nullopt;

    Outcome outcome;
    // A temporary a killed create left goes with the swapfile it was for.
    if (staleTemporary(place.parent.get(), place.name)) {
        outcome.changed = true;
        outcome.actions.push_back("delete " + temporaryName(place.name) + ", left by a create that was cut short");
        if (!dryRun)
            unlinkat(place.parent.get(), temporaryName(place.name).c_str(), 0);
    }
    UniqueFd fd(openat(place.parent.get(), place.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ELOOP)
            invalid(path + " is a symbolic link; remedy does not follow it");
        if (errno != ENOENT)
            failed("cannot open " + path);
        if (!fstabText) {
            if (outcome.changed)
                return outcome;
            outcome.actions.push_back(path + " does not exist and is not in /etc/fstab; nothing to remove");
            return outcome;
        }
        outcome.changed = true;
        outcome.actions.push_back("remove the /etc/fstab line for " + path + " (the file is gone)");
        if (!dryRun)
            fstabFile.write(fstab, *fstabText);
        return outcome;
    }
    if (auto reason = whyNotSwapfile(fd.get()))
        invalid("remedy removes only files it can prove are swapfiles, and " + path + " is not: " + *reason);
    auto active = activeArea(system_, fd.get());

    outcome.changed = true;
    if (active)
        outcome.actions.push_back("turn it off (swapoff; its pages move back to memory)");
    if (fstabText)
        outcome.actions.push_back("remove its /etc/fstab line");
    outcome.actions.push_back("delete " + path);
    if (dryRun)
        return outcome;

    std::optional<int> priority;
    if (active && active->priority >= 0)
        priority = active->priority;
    // Until the file is deleted, a remedyd killed here is rolled back: the
    // file on again if it was, its line listed again if it was (recover).
    PendingChange pending(root_, {{"operation", "swap-remove"},
                                  {"target", path},
                                  {"uid", caller_},
                                  {"active", active.has_value()},
                                  {"priority", priority ? nlohmann::json(*priority) : nlohmann::json()},
                                  {"fstab_line", fstabText ? nlohmann::json(formatEntry(*fstab.find(path))) : nlohmann::json()}});
    Transaction transaction;
    if (active) {
        system_.swapOff(fd.get());
        transaction.onUndo([this, raw = fd.get(), priority] { system_.swapOn(raw, priority); });
    }
    if (fstabText) {
        fstabFile.write(fstab, *fstabText);
        transaction.onUndo([fstabFile, text = *fstabText, previous = fstab.text()] {
            fstabFile.write(Fstab::parse(text), previous);
        });
    }
    if (unlinkat(place.parent.get(), place.name.c_str(), 0) != 0)
        failed("cannot delete " + path);
    transaction.commit();
    return outcome;
}

Outcome Swapfiles::resize(const SwapfileRequest& request, const Progress& progress)
{
    checkSwapfilePlace(config_, request.path);
    auto place = locate(root_, request.path);
    auto fs = checkFilesystem(place.parent.get(), request.path);
    auto keep = reserveFor(config_, fs, request.reserve);
    auto size = swapfileSize(request.size, pageSize());
    UniqueFd fd(openat(place.parent.get(), place.name.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            invalid(request.path + " does not exist; use 'create'");
        failed("cannot open " + request.path);
    }
    if (auto reason = whyNotSwapfile(fd.get()))
        invalid("remedy resizes only files it can prove are swapfiles, and " + request.path + " is not: " + *reason);
    struct stat st {};
    fstat(fd.get(), &st);
    Outcome outcome;
    if (static_cast<std::uint64_t>(st.st_size) == size) {
        outcome.actions.push_back(request.path + " is already " + sizeText(size));
        return outcome;
    }
    auto active = activeArea(system_, fd.get());
    std::optional<int> priority;
    if (active && active->priority >= 0)
        priority = active->priority;
    // The stand-in needs room beside the old file, and while the old file
    // is rebuilt beside the stand-in, a file that grows needs the
    // difference on top: the reserve must hold at that peak too.
    auto old = static_cast<std::uint64_t>(st.st_size);
    checkSpace(fs, size + (size > old ? size - old : 0), keep, request.path + " (the stand-in, and the growth)");

    // While the old file is rebuilt, a stand-in of the new size carries the
    // load: at no moment is there less swap than before (when growing).
    // The kernel refuses to rename an active swapfile, so the old file is
    // resized in place rather than replaced.
    const std::string standIn = standInName(place.name);
    outcome.changed = true;
    outcome.actions = {"create a stand-in swapfile of " + sizeText(size) + " beside it and turn it on",
                       active ? "turn " + request.path + " off (the stand-in carries the load)" : "keep " + request.path + " off",
                       "resize " + request.path + " to " + sizeText(size) + " and rewrite its signature",
                       active ? "turn " + request.path + " on again" : "leave it off, as it was",
                       "turn the stand-in off and delete it"};
    if (request.dryRun)
        return outcome;

    int parent = place.parent.get();
    // Until the old file is emptied a remedyd killed here is rolled back;
    // after, the resize is finished (recover): the old content is gone.
    PendingChange pending(root_, {{"operation", "swap-resize"},
                                  {"target", request.path},
                                  {"uid", caller_},
                                  {"old_size", old},
                                  {"size", size},
                                  {"active", active.has_value()},
                                  {"priority", priority ? nlohmann::json(*priority) : nlohmann::json()}});
    {
        UniqueFd temporary(openat(parent, standIn.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        Transaction transaction;
        if (!temporary)
            failed("cannot create the stand-in swapfile");
        transaction.onUndo([parent, standIn] { unlinkat(parent, standIn.c_str(), 0); });
        buildSwapfile(system_, temporary.get(), fs, size, [&](double f) {
            if (progress)
                progress(0.45 * f / 0.9);
        });
        if (active) {
            system_.swapOn(temporary.get(), priority);
            transaction.onUndo([this, raw = temporary.get()] { system_.swapOff(raw); });
            system_.swapOff(fd.get());
            transaction.onUndo([this, raw = fd.get(), priority] { system_.swapOn(raw, priority); });
        }
        if (ftruncate(fd.get(), 0) != 0)
            failed("cannot resize " + request.path);
        // From here the old content is gone: undoing means rebuilding it at
        // its old size, which the stand-in's steps do not cover.
        transaction.commit();
        try {
            buildSwapfile(system_, fd.get(), fs, size, [&](double f) {
                if (progress)
                    progress(0.45 + 0.45 * f / 0.9);
            });
            if (active)
                system_.swapOn(fd.get(), priority);
        } catch (const Error& error) {
            // Past the point of no return. Rebuilt at its old size, the file
            // is as it was; if even that fails, the next remedyd finishes
            // the resize (recover), and swap goes on on the stand-in.
            try {
                if (ftruncate(fd.get(), 0) != 0)
                    failed("cannot resize " + request.path);
                buildSwapfile(system_, fd.get(), fs, old, {});
                if (active) {
                    system_.swapOn(fd.get(), priority);
                    system_.swapOff(temporary.get());
                }
                unlinkat(parent, standIn.c_str(), 0);
            } catch (const Error&) {
                pending.keep();
                throw Error(error.kind(), std::string(error.what()) + "; the old swapfile was already emptied, and swap continues on " +
                                              (active ? "the active stand-in " : "") + standIn +
                                              " beside it until remedyd finishes the resize when it next starts");
            }
            throw Error(error.kind(), std::string(error.what()) + "; " + request.path + " was rebuilt at its old size of " + sizeText(old) +
                                          ", so nothing changed");
        }
        try {
            if (active)
                system_.swapOff(temporary.get());
        } catch (const Error& error) {
            pending.keep();  // the next remedyd turns the stand-in off and deletes it (recover)
            throw Error(error.kind(), request.path + " is resized and on, but its stand-in " + standIn + " could not be turned off (" +
                                          error.what() + "); remedyd removes it when it next starts");
        }
        unlinkat(parent, standIn.c_str(), 0);
    }
    if (progress)
        progress(1.0);
    return outcome;
}

bool Swapfiles::isActive(const std::string& path)
{
    auto place = locate(root_, path);
    UniqueFd fd(openat(place.parent.get(), place.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    return fd && activeArea(system_, fd.get()).has_value();
}

void Swapfiles::turnOff(const std::string& path)
{
    auto place = locate(root_, path);
    UniqueFd fd(openat(place.parent.get(), place.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd && activeArea(system_, fd.get()))
        system_.swapOff(fd.get());
}

std::string Swapfiles::recover(const nlohmann::json& record)
{
    auto operation = record.at("operation").get<std::string>();
    auto path = record.at("target").get<std::string>();
    auto place = locate(root_, path);
    int parent = place.parent.get();
    std::optional<int> priority;
    if (record.contains("priority") && !record["priority"].is_null())
        priority = record["priority"].get<int>();
    bool active = record.value("active", false);
    auto unlist = [&] { editFstab(root_, [&](const Fstab& fstab) { return fstab.find(path) ? fstab.withoutEntry(path) : std::nullopt; }, false); };

    if (operation == "swap-create") {
        // Only what this create made: a line it added, and a file it made,
        // which can only be a whole swapfile of its size (it is built under
        // another name and renamed once complete); not a file found there
        // before, nor one someone put there since.
        bool listed = record.value("listed", true);
        unlinkat(parent, temporaryName(place.name).c_str(), 0);
        UniqueFd fd(openat(parent, place.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat st {};
        bool ours = fd && fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && !whyNotSwapfile(fd.get()) &&
                    static_cast<std::uint64_t>(st.st_size) == record.value("size", std::uint64_t(0));
        std::string outcome = "rolled back: ";
        if (record.value("existed", false)) {
            if (ours && !active && activeArea(system_, fd.get()))
                system_.swapOff(fd.get());
            outcome += path + " is kept, " + (active ? "on" : "off");
        } else if (ours) {
            discard(system_, parent, place.name);
            outcome += path + " is gone";
        } else {
            outcome += path + (fd ? " is not the swapfile it made, so it is kept" : " was never made");
        }
        if (listed)
            unlist();
        FstabFile(root_).removeLeftovers();
        return outcome + (listed ? ", and the /etc/fstab line it added is gone" : "");
    }

    UniqueFd fd(openat(parent, place.name.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (operation == "swap-remove") {
        if (!fd) {
            unlist();
            return "finished: " + path + " was already deleted, so its /etc/fstab line went too";
        }
        if (active && !activeArea(system_, fd.get()))
            system_.swapOn(fd.get(), priority);
        const auto& line = record.at("fstab_line");
        if (!line.is_null())
            editFstab(root_, [&](const Fstab& fstab) -> std::optional<std::string> {
                if (fstab.find(path))
                    return std::nullopt;
                return fstab.withEntry(*Fstab::parse(line.get<std::string>() + "\n").find(path));
            }, false);
        return "rolled back: " + path + " is kept" + (active ? ", on" : "") + (line.is_null() ? "" : ", listed in /etc/fstab");
    }

    if (operation != "swap-resize")
        throw Error(ErrorKind::Failed, "unknown operation " + operation);
    if (!fd) {
        // Deleted since, by someone else: nothing to finish, only the stand-in to end.
        discard(system_, parent, standInName(place.name));
        return "finished: " + path + " is gone, so only its stand-in was removed";
    }
    auto oldSize = record.at("old_size").get<std::uint64_t>();
    auto size = record.at("size").get<std::uint64_t>();
    struct stat st {};
    fstat(fd.get(), &st);
    bool whole = !whyNotSwapfile(fd.get());
    std::string outcome;
    if (whole && static_cast<std::uint64_t>(st.st_size) == oldSize) {
        outcome = "rolled back: " + path + " keeps its old size of " + sizeText(oldSize);
    } else {
        // The old content was emptied: the only way on is the new size.
        if (!whole || static_cast<std::uint64_t>(st.st_size) != size) {
            if (activeArea(system_, fd.get()))
                system_.swapOff(fd.get());
            if (ftruncate(fd.get(), 0) != 0)
                failed("cannot resize " + path);
            buildSwapfile(system_, fd.get(), checkFilesystem(parent, path), size, {});
        }
        outcome = "finished: " + path + " was already emptied, so it was rebuilt at its new size of " + sizeText(size);
    }
    if (active && !activeArea(system_, fd.get()))
        system_.swapOn(fd.get(), priority);
    discard(system_, parent, standInName(place.name));
    return outcome;
}

} // namespace remedy
