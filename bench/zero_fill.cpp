// Times remedy's zero-fill fallback (used where fallocate is not supported)
// on one file: zero-fill-bench FILE BYTES. Prints seconds.

#include "core/swap_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: zero-fill-bench FILE BYTES\n");
        return 2;
    }
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::perror(argv[1]);
        return 1;
    }
    auto start = std::chrono::steady_clock::now();
    remedy::zeroFill(fd, std::strtoull(argv[2], nullptr, 10), {});
    fsync(fd);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    close(fd);
    std::printf("%.3f\n", seconds);
    return 0;
}
