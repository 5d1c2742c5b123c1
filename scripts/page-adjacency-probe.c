/*
 * Whether a durable LMDB-style commit costs more when its pages lie apart: 1,000 commits each of five
 * 4 KiB pages written in one `pwrite` at a random place of a 100 MiB file (the pages adjacent), then
 * 1,000 of five pages written one `pwrite` each at random places (the pages apart, as LMDB writes
 * pages it reuses from its free list), each commit followed by `fdatasync` and a 128-byte meta-page
 * write through an O_DSYNC descriptor (what liblmdb 0.9 does per mdb_txn_commit); three rounds.
 * Prints microseconds per commit. (scripts/page-sync-probe.c varies the number of pages instead.)
 *
 *   cc -O2 scripts/page-adjacency-probe.c -o /tmp/page-adjacency-probe && /tmp/page-adjacency-probe DIR
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: page-adjacency-probe DIR\n"); return 2; }
    char path[4096];
    snprintf(path, sizeof path, "%s/page-adjacency-probe.dat", argv[1]);
    enum { PAGES = 25600, COMMITS = 1000, K = 5 };
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    int meta = open(path, O_RDWR | O_DSYNC);
    char *buf = aligned_alloc(4096, 4096 * K);
    if (fd < 0 || meta < 0 || buf == NULL) { perror("page-adjacency-probe"); return 1; }
    memset(buf, 7, 4096 * K);
    for (int i = 0; i < PAGES; i++) {
        if (pwrite(fd, buf, 4096, (off_t)i * 4096) != 4096) { perror("pwrite"); return 1; }
    }
    fdatasync(fd);
    srand(1);
    for (int round = 0; round < 3; round++) {
        for (int apart = 0; apart < 2; apart++) {
            double t0 = now();
            for (int c = 0; c < COMMITS; c++) {
                if (!apart) {
                    long p = 1 + rand() % (PAGES - K);
                    if (pwrite(fd, buf, 4096 * K, (off_t)p * 4096) != 4096 * K) { perror("pwrite"); return 1; }
                } else {
                    for (int k = 0; k < K; k++) {
                        long p = 1 + rand() % (PAGES - 1);
                        if (pwrite(fd, buf, 4096, (off_t)p * 4096) != 4096) { perror("pwrite"); return 1; }
                    }
                }
                fdatasync(fd);
                if (pwrite(meta, buf, 128, 0) != 128) { perror("pwrite"); return 1; }
            }
            printf("%d pages %s: %.1f us a commit\n", K, apart ? "apart, a write each" : "adjacent, one write",
                   (now() - t0) / COMMITS * 1e6);
        }
    }
    unlink(path);
    return 0;
}
