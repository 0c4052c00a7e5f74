// Test-only, loaded into remedyd with LD_PRELOAD by the fault tests
// (tests/bus/faults_test.cpp): fails the Nth write, pwrite, fallocate,
// fsync, fdatasync or rename of a file below REMEDY_FAULT_UNDER (one or
// more directories, each ending in "/", separated by ":") with
// REMEDY_FAULT_ERRNO (ENOSPC or EIO), as a full or failing disk would, and
// lists every such call in REMEDY_FAULT_TRACE, so that a test can fail
// each in turn. Calls on anything else (the bus, the journal, stderr) pass.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>

namespace {

std::atomic<long> calls;

int isBelow(const char* path)
{
    const char* under = getenv("REMEDY_FAULT_UNDER");
    while (under && *under) {
        const char* end = strchrnul(under, ':');
        if (end > under && strncmp(path, under, static_cast<size_t>(end - under)) == 0)
            return 1;
        under = *end ? end + 1 : end;
    }
    return 0;
}

// The trace's own writes, and anything they call, are not counted.
thread_local bool tracing = false;

int fdPath(int fd, char* path, size_t size)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, path, size - 1);
    if (length <= 0)
        return 0;
    path[length] = '\0';
    return 1;
}

int atPath(int dir, const char* name, char* path, size_t size)
{
    if (name[0] == '/') {
        snprintf(path, size, "%s", name);
        return 1;
    }
    char base[PATH_MAX];
    if (dir == AT_FDCWD ? getcwd(base, sizeof base) == nullptr : !fdPath(dir, base, sizeof base))
        return 0;
    return snprintf(path, size, "%s/%s", base, name) < static_cast<int>(size);
}

// Whether this call, on `path`, is the one to fail; counts and traces it.
int fault(const char* call, const char* path)
{
    if (tracing || !isBelow(path))
        return 0;
    long n = ++calls;
    const char* trace = getenv("REMEDY_FAULT_TRACE");
    if (trace && *trace) {
        tracing = true;
        std::FILE* out = fopen(trace, "a");
        if (out) {
            fprintf(out, "%ld %s %s\n", n, call, path);
            fclose(out);
        }
        tracing = false;
    }
    const char* at = getenv("REMEDY_FAULT_AT");
    if (!at || atol(at) != n)
        return 0;
    const char* code = getenv("REMEDY_FAULT_ERRNO");
    errno = code && strcmp(code, "EIO") == 0 ? EIO : ENOSPC;
    return 1;
}

template <typename Function>
Function* real(Function*, const char* name)
{
    return reinterpret_cast<Function*>(dlsym(RTLD_NEXT, name));
}
#define REAL(name) real(&name, #name)

int fdFault(const char* call, int fd)
{
    char path[PATH_MAX];
    return fdPath(fd, path, sizeof path) && fault(call, path);
}

} // namespace

extern "C" {

ssize_t write(int fd, const void* data, size_t size)
{
    return fdFault("write", fd) ? -1 : REAL(write)(fd, data, size);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset)
{
    return fdFault("pwrite", fd) ? -1 : REAL(pwrite)(fd, data, size, offset);
}

ssize_t pwrite64(int fd, const void* data, size_t size, off64_t offset)
{
    return fdFault("pwrite", fd) ? -1 : REAL(pwrite64)(fd, data, size, offset);
}

int fallocate(int fd, int mode, off_t offset, off_t length)
{
    return fdFault("fallocate", fd) ? -1 : REAL(fallocate)(fd, mode, offset, length);
}

int fallocate64(int fd, int mode, off64_t offset, off64_t length)
{
    return fdFault("fallocate", fd) ? -1 : REAL(fallocate64)(fd, mode, offset, length);
}

int fsync(int fd)
{
    return fdFault("fsync", fd) ? -1 : REAL(fsync)(fd);
}

int fdatasync(int fd)
{
    return fdFault("fdatasync", fd) ? -1 : REAL(fdatasync)(fd);
}

int rename(const char* from, const char* to)
{
    return fault("rename", to) ? -1 : REAL(rename)(from, to);
}

int renameat(int fromDir, const char* from, int toDir, const char* to)
{
    char path[PATH_MAX];
    return atPath(toDir, to, path, sizeof path) && fault("rename", path) ? -1 : REAL(renameat)(fromDir, from, toDir, to);
}

int renameat2(int fromDir, const char* from, int toDir, const char* to, unsigned int flags)
{
    char path[PATH_MAX];
    return atPath(toDir, to, path, sizeof path) && fault("rename", path) ? -1 : REAL(renameat2)(fromDir, from, toDir, to, flags);
}

} // extern "C"
