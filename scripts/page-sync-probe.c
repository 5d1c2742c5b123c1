/*
 * What one durable LMDB-style commit costs on this disk as a function of the pages it writes.
 *
 * For k = 1, 2, 4, 8, 12, 16, 24, 32: 2,000 commits, each writing k 4 KiB pages at random offsets of a
 * 100 MiB file, then fdatasync, then a 128-byte meta-page write through an O_DSYNC descriptor (what
 * liblmdb 0.9 does per mdb_txn_commit). Prints microseconds per commit and commits per second.
 *
 * With `adjacency` after DIR: whether a commit costs more when its pages lie apart. Three rounds of
 * 1,000 commits of five pages in one pwrite at a random place (the pages adjacent), then 1,000 of five
 * pages a pwrite each at random places (apart, as LMDB writes pages it reuses from its free list), each
 * commit synced as above.
 *
 * With `busy` after DIR: whether a commit costs more while the other core computes (Round 50 in
 * docs/BENCHMARKS.md). Three rounds of 1,000 commits of four pages at random places with the other core
 * idle, then 1,000 while a thread spins on it; this thread on the first core, the spinning one on the
 * second.
 *
 *   cc -O2 -pthread scripts/page-sync-probe.c -o /tmp/page-sync-probe && /tmp/page-sync-probe DIR [adjacency|busy]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
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

/* The end of a commit whose pages are written: fdatasync, then the meta page through `meta` (O_DSYNC).
 * 0, or -1 with the failing call reported. */
static int sync_commit(int fd, int meta, const char *page) {
    if (fdatasync(fd) != 0) { perror("fdatasync"); return -1; }
    if (pwrite(meta, page, 128, 0) != 128) { perror("meta"); return -1; }
    return 0;
}

/* One commit of `k` pages, a pwrite each at random places after the first page (apart, as LMDB writes
 * pages it reuses from its free list), then `sync_commit`. 0, or -1 with the failing call reported. */
static int commit_apart(int fd, int meta, const char *page, int k, int pages) {
    for (int p = 0; p < k; p++)
        if (pwrite(fd, page, 4096, (off_t)(1 + rand() % (pages - 1)) * 4096) != 4096) { perror("pwrite"); return -1; }
    return sync_commit(fd, meta, page);
}

static atomic_int spinning;

/* Pins the calling thread to core `cpu`. */
static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* Computes on the second core until `spinning` is cleared. */
static void *spin(void *unused) {
    (void)unused;
    pin(1);
    unsigned long x = 1;
    while (atomic_load_explicit(&spinning, memory_order_relaxed))
        for (int i = 0; i < 10000; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
    return (void *)x;
}

int main(int argc, char **argv) {
    if (argc < 2 || (argc > 2 && strcmp(argv[2], "adjacency") != 0 && strcmp(argv[2], "busy") != 0)) {
        fprintf(stderr, "usage: page-sync-probe DIR [adjacency|busy]\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/page-sync-probe.dat", argv[1]);
    enum { PAGES = 25600, COMMITS = 2000 };
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    int meta = open(path, O_RDWR | O_DSYNC);
    if (fd < 0 || meta < 0) { perror(path); return 1; }
    enum { K = 5 };   /* pages a commit in the adjacency probe */
    static char page[4096 * K];
    memset(page, 1, sizeof page);
    for (int i = 0; i < PAGES; i++)
        if (pwrite(fd, page, 4096, (off_t)i * 4096) != 4096) { perror("pwrite"); return 1; }
    if (fsync(fd) != 0) { perror("fsync"); return 1; }
    if (argc > 2 && strcmp(argv[2], "busy") == 0) {
        srand(1);
        pin(0);
        for (int round = 0; round < 3; round++) {
            for (int busy = 0; busy < 2; busy++) {
                pthread_t spinner;
                if (busy) {
                    atomic_store(&spinning, 1);
                    if (pthread_create(&spinner, NULL, spin, NULL) != 0) { perror("pthread_create"); return 1; }
                }
                double t0 = now();
                for (int i = 0; i < COMMITS / 2; i++)
                    if (commit_apart(fd, meta, page, 4, PAGES) != 0) return 1;
                double t = now() - t0;
                if (busy) {
                    atomic_store(&spinning, 0);
                    pthread_join(spinner, NULL);
                }
                printf("RESULT {\"pages\": 4, \"other_core\": \"%s\", \"us_per_commit\": %.1f}\n", busy ? "computing" : "idle", t / (COMMITS / 2) * 1e6);
            }
        }
        close(fd);
        close(meta);
        unlink(path);
        return 0;
    }
    if (argc > 2) {
        srand(1);
        for (int round = 0; round < 3; round++) {
            for (int apart = 0; apart < 2; apart++) {
                double t0 = now();
                for (int i = 0; i < COMMITS / 2; i++) {
                    if (apart) {
                        if (commit_apart(fd, meta, page, K, PAGES) != 0) return 1;
                        continue;
                    }
                    if (pwrite(fd, page, 4096 * K, (off_t)(1 + rand() % (PAGES - K)) * 4096) != 4096 * K) { perror("pwrite"); return 1; }
                    if (sync_commit(fd, meta, page) != 0) return 1;
                }
                double t = now() - t0;
                printf("RESULT {\"pages\": %d, \"apart\": %s, \"us_per_commit\": %.1f}\n", K, apart ? "true" : "false", t / (COMMITS / 2) * 1e6);
            }
        }
        close(fd);
        close(meta);
        unlink(path);
        return 0;
    }
    srand(42);
    int ks[] = {1, 2, 4, 8, 12, 16, 24, 32};
    for (size_t j = 0; j < sizeof ks / sizeof ks[0]; j++) {
        int k = ks[j];
        double t0 = now();
        for (int i = 0; i < COMMITS; i++) {
            for (int p = 0; p < k; p++)
                if (pwrite(fd, page, 4096, (off_t)(rand() % PAGES) * 4096) != 4096) { perror("pwrite"); return 1; }
            if (sync_commit(fd, meta, page) != 0) return 1;
        }
        double t = now() - t0;
        printf("RESULT {\"pages\": %d, \"us_per_commit\": %.1f, \"commits_per_s\": %.0f}\n", k, t / COMMITS * 1e6, COMMITS / t);
    }
    close(fd);
    close(meta);
    unlink(path);
    return 0;
}
