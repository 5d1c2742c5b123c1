#!/usr/bin/env python3
"""The pages LMDB writes a commit, by kind, from an strace log (docs/BENCHMARKS.md, Round 26).

usage: commit-pages.py STRACE_LOG [FILE_REGEX] [LAST]

STRACE_LOG is written by
  strace -f -y -e trace=pwrite64,pwritev,writev,fdatasync,write -o STRACE_LOG COMMAND
FILE_REGEX picks the data file (default: the log of a `pledger bench` ledger,
/tmp/pledger-bench-*/ledger/log/data.mdb). A commit is what is written to that file before each
`fdatasync` of it; the meta page's 120-byte write (LMDB writes it through a second, O_DSYNC
descriptor, after the sync) is left out. Of the LAST commits (default 1,000), those of more than 20
pages (bulk index writes, in pledger) are counted apart; for the others it prints the pages a commit
by the kind LMDB's page header gives (branch, leaf, overflow), the writes (`writev` or `pwrite64`
calls: pages side by side go in one) and the pages a commit.
"""
import collections
import re
import sys

KINDS = {0x01: "branch", 0x02: "leaf", 0x04: "overflow", 0x22: "leaf2"}
ESCAPES = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13, "\\": 92, '"': 34, "a": 7, "b": 8, "e": 27}


def unescape(text):
    """The bytes of a string as strace prints it (C escapes, octal)."""
    out, i = bytearray(), 0
    while i < len(text):
        if text[i] != "\\":
            out.append(ord(text[i]) & 0xFF)
            i += 1
            continue
        n = text[i + 1]
        if n in ESCAPES:
            out.append(ESCAPES[n])
            i += 2
        elif n == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            digits = re.match(r"[0-7]{1,3}", text[i + 1:]).group(0)
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
    return bytes(out)


def kind(page_start):
    """The kind of the page whose first bytes are `page_start` (the flags are bytes 10 and 11)."""
    if len(page_start) < 12:
        return "unknown"
    flags = page_start[10] | page_start[11] << 8
    return KINDS.get(flags & 0x27, "flags %#x" % flags)


def commits(lines, file_pattern):
    current = collections.Counter()
    for line in lines:
        if not file_pattern.search(line):
            continue
        if "fdatasync(" in line:
            yield current
            current = collections.Counter()
        elif "writev(" in line:
            for m in re.finditer(r'\{iov_base="((?:[^"\\]|\\.)*)"(?:\.\.\.)?, iov_len=(\d+)\}', line):
                current[kind(unescape(m.group(1)))] += int(m.group(2)) // 4096
            current["writes"] += 1
        elif "pwrite64(" in line:
            m = re.search(r'pwrite64\(\d+<[^>]*>, "((?:[^"\\]|\\.)*)"(?:\.\.\.)?, (\d+), \d+\)', line)
            if m and int(m.group(2)) != 120:
                current[kind(unescape(m.group(1)))] += int(m.group(2)) // 4096
                current["writes"] += 1


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    pattern = re.compile(sys.argv[2] if len(sys.argv) > 2 else r"</tmp/pledger-bench-[^>]*/ledger/log/data\.mdb>")
    last = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    with open(sys.argv[1]) as log:
        every = list(commits(log, pattern))[-last:]
    if not every:
        sys.exit("no commit to a file matching %s" % pattern.pattern)
    pages = lambda c: sum(v for k, v in c.items() if k != "writes")
    large = [pages(c) for c in every if pages(c) > 20]
    small = [c for c in every if pages(c) <= 20]
    total = collections.Counter()
    for c in small:
        total.update(c)
    n = max(1, len(small))
    print("%d commits: %d of more than 20 pages (%s)" % (len(every), len(large), ", ".join(map(str, large)) + " pages" if large else "none"))
    print("the other %d, a commit: %.2f pages in %.2f writes; %s" % (
        len(small), pages(total) / n, total["writes"] / n,
        ", ".join("%s %.2f" % (k, v / n) for k, v in sorted(total.items()) if k != "writes")))


if __name__ == "__main__":
    main()
