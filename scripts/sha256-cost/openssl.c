/*
 * Nanoseconds a SHA-256 through OpenSSL's libcrypto, for comparison with swift-crypto's (main.swift):
 * an interior node (65 bytes, one update) and a leaf (a 0x00 byte and 640 bytes, two updates) with a
 * context on the stack (SHA256_Init/Update/Final, which OpenSSL 3 deprecates), three runs of 2,000,000
 * each; then the same through EVP, OpenSSL 3's supported interface, with the digest fetched once and
 * one context reused (EVP_DigestInit_ex2/Update/Final_ex), three runs each; then OpenSSL 3's one-shot
 * SHA256() on 65 bytes, which fetches the digest by name each call, two runs of 200,000.
 *
 *   cc -O2 scripts/sha256-cost/openssl.c -lcrypto -o /tmp/sha256-cost-openssl && /tmp/sha256-cost-openssl
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void) {
    enum { COUNT = 2000000 };
    unsigned char node[65], event[640], zero = 0, md[32];
    unsigned sink = 0;
    memset(node, 1, sizeof node);
    memset(event, 7, sizeof event);
    for (int run = 0; run < 3; run++) {
        double start = now_ns();
        for (int i = 0; i < COUNT; i++) {
            SHA256_CTX c;
            SHA256_Init(&c);
            SHA256_Update(&c, node, sizeof node);
            SHA256_Final(md, &c);
            sink += md[i & 31];
        }
        printf("openssl context interior node, 65 bytes: %.1f ns a hash\n", (now_ns() - start) / COUNT);
    }
    for (int run = 0; run < 3; run++) {
        double start = now_ns();
        for (int i = 0; i < COUNT; i++) {
            SHA256_CTX c;
            SHA256_Init(&c);
            SHA256_Update(&c, &zero, 1);
            SHA256_Update(&c, event, sizeof event);
            SHA256_Final(md, &c);
            sink += md[i & 31];
        }
        printf("openssl context leaf, 1 + 640 bytes: %.1f ns a hash\n", (now_ns() - start) / COUNT);
    }
    EVP_MD *sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (sha256 == NULL || context == NULL) return 1;
    unsigned int length;
    for (int run = 0; run < 3; run++) {
        double start = now_ns();
        for (int i = 0; i < COUNT; i++) {
            EVP_DigestInit_ex2(context, sha256, NULL);
            EVP_DigestUpdate(context, node, sizeof node);
            EVP_DigestFinal_ex(context, md, &length);
            sink += md[i & 31];
        }
        printf("openssl EVP interior node, 65 bytes: %.1f ns a hash\n", (now_ns() - start) / COUNT);
    }
    for (int run = 0; run < 3; run++) {
        double start = now_ns();
        for (int i = 0; i < COUNT; i++) {
            EVP_DigestInit_ex2(context, sha256, NULL);
            EVP_DigestUpdate(context, &zero, 1);
            EVP_DigestUpdate(context, event, sizeof event);
            EVP_DigestFinal_ex(context, md, &length);
            sink += md[i & 31];
        }
        printf("openssl EVP leaf, 1 + 640 bytes: %.1f ns a hash\n", (now_ns() - start) / COUNT);
    }
    EVP_MD_CTX_free(context);
    EVP_MD_free(sha256);
    for (int run = 0; run < 2; run++) {
        double start = now_ns();
        for (int i = 0; i < COUNT / 10; i++) {
            SHA256(node, sizeof node, md);
            sink += md[i & 31];
        }
        printf("openssl one-shot SHA256() interior node, 65 bytes: %.1f ns a hash\n", (now_ns() - start) / (COUNT / 10));
    }
    printf("(checksum %u)\n", sink);
    return 0;
}
