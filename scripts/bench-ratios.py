#!/usr/bin/env python3
"""pledger's bench figures as ratios to the peers' figures of the same run (docs/BENCHMARKS.md).

usage: bench-ratios.py PEERS_RESULTS_DIR PLEDGER_BENCH_JSON [PAIRED_JSONL [GROWTH_JSONL]] > ratios.md
PEERS_RESULTS_DIR holds raw.jsonl from ../shared/bench/run_peers.sh; the JSON is `pledger bench` output;
PAIRED_JSONL, if given, is what scripts/bench-paired wrote: a second table, each ratio taken within a pair;
GROWTH_JSONL, what scripts/bench-growth wrote: the state query's growth, each taken within a round.
"""
import json
import math
import os
import statistics
import sys


def sha256_throughput():
    """Bytes/s of SHA-256 on all cores, from `openssl speed -multi` (1 KiB blocks); None without openssl."""
    import subprocess
    try:
        n = os.cpu_count() or 1
        out = subprocess.run(["openssl", "speed", "-multi", str(n), "-seconds", "2", "-bytes", "1024", "sha256"],
                             capture_output=True, text=True, timeout=60).stdout
        line = [l for l in out.splitlines() if l.startswith("sha256")][-1]
        return float(line.split()[-1].rstrip("k")) * 1000
    except Exception:
        return None


def main():
    peers_dir, pledger_path = sys.argv[1], sys.argv[2]
    rows = [json.loads(l) for l in open(os.path.join(peers_dir, "raw.jsonl")) if l.strip()]
    ours = json.load(open(pledger_path))
    # Timed only where a figure needs it (the verify ceiling): it takes two seconds.
    sha256_bytes_per_s = sha256_throughput() if any("canonicalBytesPerEvent" in r for r in ours) else None

    def peer(name, op, n, cache=None):
        v = [r["events_per_s"] for r in rows
             if r.get("label_peer") == name and r.get("label_op") == op and r.get("size") == n
             and not r.get("skipped") and (cache is None or r.get("cache") == cache)]
        return statistics.median(v) if v else None

    def single_peer(name, n):
        # append-single runs on top of the N-event store; some harness versions record size as N
        return peer(name, "append-single", n)

    def pct(a, b):
        return f"{100 * a / b:.1f} %" if a is not None and b else "—"

    def fmt(x):
        return f"{x:,.0f}" if x is not None else "—"

    cores = os.cpu_count() or 1

    def spread(r, key):
        """With `pledger bench --repeat K`, the figure is the median of K runs: say so, with their range."""
        runs = [x[key] for x in r.get("runs", []) if key in x]
        which = "median" if len(runs) % 2 else "lower middle"
        return f" ({which} of {len(runs)} runs: {fmt(min(runs))}–{fmt(max(runs))})" if len(runs) > 1 else ""

    def cpu_row(label, what, cpu, thread, peer_rate, of):
        """The CPU an event costs, and the rate that CPU allows with no waiting at all: every core busy
        (all threads' CPU ÷ cores) and the calling thread never idle (its CPU alone), whichever is lower."""
        if not cpu:
            return
        every, calling = float(cpu["allThreads"]), float(cpu["callingThread"])
        bound = min(cores / every, 1 / calling) * 1e6 if every > 0 and calling > 0 else None
        print(f"| {label} | CPU an event, {what} | {every:.3f} µs (all threads), {calling:.3f} µs ({thread}) | — "
              f"| the most that CPU allows on {cores} cores, waiting for nothing: {fmt(bound)} /s, {pct(bound, peer_rate)} {of} | — | — |")

    print("| N | measurement | pledger | peer (median of the run) | ratio | target | met |")
    print("|---:|---|---:|---:|---:|---|---|")
    by_n = {r["events"]: r for r in ours}
    for n in sorted(by_n):
        r = by_n[n]
        label = f"{n:,}"
        lm = peer("lmdb-c", "append-batch", n)
        es = peer("eventsourcing-events", "append-batch", n)
        a = r["appendBatchedEventsPerSecond"]
        ok = lm and es and a >= 0.5 * lm and a >= 10 * es
        print(f"| {label} | append, 1,000 per commit | {fmt(a)} /s{spread(r, 'appendBatchedEventsPerSecond')} | raw LMDB C {fmt(lm)} /s; eventsourcing {fmt(es)} /s "
              f"| {pct(a, lm)} of LMDB; {a / es:.2f} × eventsourcing | ≥ 50 % of LMDB, ≥ 10 × eventsourcing | {'yes' if ok else 'no'} |"
              if es else f"| {label} | append | {fmt(a)} /s | — | — | — | — |")
        cpu_row(label, "appends", r.get("appendCpuMicrosecondsPerEvent"), "the appending thread", lm, "of LMDB")
        batches = r.get("appendBatchMs")
        if batches and lm:
            print(f"| {label} | each batch's time (1,000 events) | p50 {float(batches['p50']):.3f} ms, p99 {float(batches['p99']):.3f} ms, "
                  f"slowest {float(batches['max']):.3f} ms | raw LMDB C's mean {1e6 / lm:.3f} ms | — | — | — |")
        s1 = single_peer("lmdb-c", n)
        s = r["singleCommitsPerSecond"]
        print(f"| {label} | single durable commit | {fmt(s)} /s{spread(r, 'singleCommitsPerSecond')} | raw LMDB C {fmt(s1)} /s | {pct(s, s1)} | ≥ 90 % | {'yes' if s1 and s >= 0.9 * s1 else 'no'} |")
        sc = r.get("singleCommitCpuMicroseconds")
        if sc and s:
            print(f"| {label} | CPU a single commit | {float(sc['callingThread']):.1f} µs (the appending thread, the kernel's work for it included) "
                  f"of {1e6 / s:.1f} µs a commit | — | — | — | — |")
        each = r.get("singleCommitMs")
        if each and s and s1:
            p50 = float(each["p50"])
            print(f"| {label} | each single commit's time | p50 {p50:.3f} ms, p99 {float(each['p99']):.3f} ms, slowest {float(each['max']):.3f} ms; "
                  f"the mean {1e3 / s:.3f} ms | raw LMDB C's mean {1e3 / s1:.3f} ms | 1 ÷ p50: {pct(1e3 / p50, s1)} of LMDB's rate | — | — |")
        fold = peer("lmdb-c-simdjson", "scan-parse-fold", n, "warm")
        rp = r["replayEventsPerSecond"]
        print(f"| {label} | replay + fold of all projections | {fmt(rp)} /s{spread(r, 'replayEventsPerSecond')} | C++ simdjson fold {fmt(fold)} /s (warm) | {pct(rp, fold)} | ≥ 50 % | {'yes' if fold and rp >= 0.5 * fold else 'no'} |")
        cpu_row(label, "replay", r.get("replayCpuMicrosecondsPerEvent"), "the applying thread", fold, "of the simdjson fold")
        now = r["stateAsOfKnownNowMs"]
        print(f"| {label} | state as of a date, known now (the entities a report shows) | p50 {now['p50']} ms, p99 {now['p99']} ms; first query {now.get('first', '—')} ms | — | — | p50 ≤ 1 ms, p99 ≤ 10 ms at 1M "
              f"| {'yes' if float(now['p50']) <= 1 and float(now['p99']) <= 10 else 'no'} |")
        if "stateReportBuildMs" in r:
            rb = r["stateReportBuildMs"]
            print(f"| {label} | building the report from those states | p50 {rb['p50']} ms, p99 {rb['p99']} ms | — | — | (reported) | — |")
        at = r["stateAsOfKnownAtMs"]
        print(f"| {label} | state at (as-of, known-at) | p50 {at['p50']} ms, p99 {at['p99']} ms | — | — | (reported) | — |")
        v = r["verifyEventsPerSecond"]
        cap = ""
        if "canonicalBytesPerEvent" in r and sha256_bytes_per_s:
            # SHA-256 compresses 64-byte blocks: a leaf over 1 + canonical bytes (+ 9 bytes of padding), one interior node of 2 blocks.
            blocks = -(-(r["canonicalBytesPerEvent"] + 1 + 9) // 64) + 2
            ceiling = sha256_bytes_per_s / (blocks * 64)
            cap = f"; SHA-256 ceiling on this machine ≈ {fmt(ceiling)} /s ({100 * v / ceiling:.0f} % of it)"
        print(f"| {label} | verify | {fmt(v)} /s{spread(r, 'verifyEventsPerSecond')}{cap} | — | — | ≥ 1,000,000 /s | {'yes' if v >= 1_000_000 else 'no'} |")
        inc, con = r["inclusionProofMs"], r["consistencyProofMs"]
        print(f"| {label} | proofs | inclusion p50 {inc['p50']} ms, consistency p50 {con['p50']} ms | — | — | O(log n) | see the two sizes |")
        mem = r["replayPeakRssAnonKiB"]
        before = r.get("rssAnonBeforeReplayKiB")
        print(f"| {label} | peak private memory in replay | {fmt(mem)} KiB RssAnon (process, {fmt(before)} KiB before the replay{'; the highest of the runs' if len(r.get('runs', [])) > 1 else ''}) | — | — | ≤ 64 MiB, flat in N | {'yes' if mem <= 65536 else 'no'} |")
        print(f"| {label} | ledger on disk | {r['logBytesOnDisk'] / 1048576:,.1f} MiB, {r['bytesPerEvent']} B/event ({r.get('canonicalBytesPerEvent', '—')} canonical) | — | — | — | — |")
    if sha256_bytes_per_s:
        print(f"\nSHA-256 on all {os.cpu_count()} cores (`openssl speed -multi {os.cpu_count()} -bytes 1024 sha256`): {sha256_bytes_per_s / 1e6:,.0f} MB/s.")
    if len(sys.argv) > 3:
        paired(sys.argv[3])
    if len(by_n) >= 2:
        lo, hi = min(by_n), max(by_n)
        a, b = float(by_n[lo]["stateAsOfKnownNowMs"]["p50"]), float(by_n[hi]["stateAsOfKnownNowMs"]["p50"])
        print(f"\nState as of a date, known now: p50 grows {b / a:.2f}× from N = {lo:,} to N = {hi:,} (log₂ ratio of the sizes: {math.log2(hi) / math.log2(lo):.2f}).")
    if len(sys.argv) > 4:
        growth(sys.argv[4])


def growth(path):
    """The table of scripts/bench-growth's rounds: in each, the state query's p50 (and p99) at each size,
    one process right after the other, and the growth from the smallest size to each larger one; the
    median growth (of an even count the lower middle) against log n."""
    rounds = [json.loads(l) for l in open(path) if l.strip()]
    if not rounds:
        return
    sizes = sorted(int(n) for n in rounds[0]["sizes"])
    lo = sizes[0]
    print("\nState as of a date, known now, in rounds (scripts/bench-growth: a kept ledger of each size queried by a process "
          "of its own, one right after the other, the order alternating):\n")
    print("| round | " + " | ".join(f"p50 / p99 at {n:,} (ms)" for n in sizes) + " | " + " | ".join(f"p50 growth to {n:,}" for n in sizes[1:]) + " |")
    print("|---:|" + "---:|" * (2 * len(sizes) - 1))
    growths = {n: [] for n in sizes[1:]}
    for r in sorted(rounds, key=lambda r: r["round"]):
        q = {int(n): r["sizes"][n]["stateAsOfKnownNowMs"] for n in r["sizes"]}
        for n in sizes[1:]:
            growths[n].append(float(q[n]["p50"]) / float(q[lo]["p50"]))
        print(f"| {r['round']}{' (' + format(r['first'], ',') + ' first)' if r['first'] != lo else ''} | "
              + " | ".join(f"{q[n]['p50']} / {q[n]['p99']}" for n in sizes) + " | "
              + " | ".join(f"{growths[n][-1]:.2f} ×" for n in sizes[1:]) + " |")
    for n in sizes[1:]:
        g = growths[n]
        bound = math.log2(n) / math.log2(lo)
        m = statistics.median_low(g)
        print(f"\nFrom N = {lo:,} to N = {n:,}: median growth {m:.2f} × ({min(g):.2f}–{max(g):.2f} × over {len(g)} rounds); "
              f"log n allows {bound:.2f} ×: {'met' if m <= bound else 'missed'}.")


def paired(path):
    """The table of scripts/bench-paired's pairs: each pair's ratio (pledger's rate ÷ the floor's, taken
    one right after the other), and their median, against the target."""
    pairs = [json.loads(l) for l in open(path) if l.strip()]
    measures = [
        ("append, 1,000 per commit", "appendBatchedEventsPerSecond", "appendBatch", "raw LMDB C", 0.5, "≥ 50 % of LMDB"),
        ("single durable commit", "singleCommitsPerSecond", "appendSingle", "raw LMDB C", 0.9, "≥ 90 %"),
        ("replay + fold of all projections", "replayEventsPerSecond", "fold", "C++ simdjson fold (warm)", 0.5, "≥ 50 %"),
        # Only at the sizes scripts/bench-paired ran eventsourcing at (ES_SIZES): a ratio in times, not per cent.
        ("append, 1,000 per commit", "appendBatchedEventsPerSecond", "eventsourcing", "Python eventsourcing", 10, "≥ 10 ×"),
    ]
    print("\nPaired runs (scripts/bench-paired: pledger and the floor one right after the other, the order alternating):\n")
    print("| N | measurement | each pair: pledger ÷ floor | median ratio (range) | target | met |")
    print("|---:|---|---|---:|---|---|")
    for n in sorted({p["size"] for p in pairs}):
        of_n = sorted((p for p in pairs if p["size"] == n), key=lambda p: p["pair"])
        for label, ours_key, floor_key, floor_name, target, target_text in measures:
            cells, ratios = [], []
            times = target > 1
            ratio = (lambda r: f"{r:.2f} ×") if times else (lambda r: f"{100 * r:.1f} %")
            number = (lambda r: f"{r:.2f}") if times else (lambda r: f"{100 * r:.1f}")
            for p in of_n:
                if not p["floor"].get(floor_key):
                    continue
                a, b = p["pledger"][ours_key], p["floor"][floor_key]["events_per_s"]
                ratios.append(a / b)
                cells.append(f"{a:,.0f} ÷ {b:,.0f} = {ratio(a / b)}" + (" (pledger first)" if p["first"] == "pledger" else ""))
            if not ratios:
                continue
            m = statistics.median_low(ratios)   # of an even count the lower middle, as `pledger bench --repeat` takes it
            print(f"| {n:,} | {label} ({floor_name}) | {'; '.join(cells)} | {ratio(m)} ({number(min(ratios))}–{ratio(max(ratios))}) "
                  f"| {target_text} | {'yes' if m >= target else 'no'} |")


if __name__ == "__main__":
    main()
