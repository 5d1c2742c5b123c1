import Foundation
import TestSupport
import Testing

/// `scripts/bench-ratios.py`, which turns a side-by-side run into the tables of docs/BENCHMARKS.md: the
/// run's medians against the peers', the ratios of `scripts/bench-paired`'s pairs, and the state query's
/// growth over `scripts/bench-growth`'s rounds.
@Suite struct BenchRatiosTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/bench-ratios.py").standardized.path

    /// One size's figures as `pledger bench` prints them, with the rates given.
    static func ours(events: Int, append: Int, single: Int, replay: Int) -> String {
        """
        {"events":\(events),"appendBatchedEventsPerSecond":\(append),"singleCommitsPerSecond":\(single),"replayEventsPerSecond":\(replay),\
        "stateAsOfKnownNowMs":{"p50":"0.500","p99":"0.900"},"stateAsOfKnownAtMs":{"p50":"1.000","p99":"2.000"},\
        "verifyEventsPerSecond":1200000,"inclusionProofMs":{"p50":"0.020","p99":"0.040"},"consistencyProofMs":{"p50":"0.021","p99":"0.041"},\
        "replayPeakRssAnonKiB":40000,"logBytesOnDisk":1048576,"bytesPerEvent":760}
        """
    }

    /// A peer's run as run_peers.sh records it in raw.jsonl.
    static func peer(_ name: String, _ op: String, size: Int, rate: Double, cache: String? = nil) -> String {
        #"{"label_peer":"\#(name)","label_op":"\#(op)","size":\#(size),"events_per_s":\#(rate)\#(cache.map { #","cache":"\#($0)""# } ?? "")}"#
    }

    /// A pair as scripts/bench-paired writes it; `eventsourcing`, its batched appends' rate where the
    /// pair ran them (`null` elsewhere, as the script writes it).
    static func pair(_ n: Int, first: String, ours: (Int, Int, Int), floor: (Double, Double, Double), eventsourcing: Double? = nil) -> String {
        """
        {"size": 100000, "pair": \(n), "first": "\(first)", "floor": {"appendBatch": {"events_per_s": \(floor.0)}, \
        "appendSingle": {"events_per_s": \(floor.1)}, "fold": {"events_per_s": \(floor.2)}, \
        "eventsourcing": \(eventsourcing.map { #"{"events_per_s": \#($0)}"# } ?? "null")}, \
        "pledger": {"appendBatchedEventsPerSecond": \(ours.0), "singleCommitsPerSecond": \(ours.1), "replayEventsPerSecond": \(ours.2)}}
        """
    }

    /// A round as scripts/bench-growth writes it: each size's state query p50 and p99, as `pledger bench
    /// --reuse` prints them.
    static func round(_ n: Int, first: Int, _ known: [Int: (p50: String, p99: String)]) -> String {
        let sizes = known.map { size, q in #""\#(size)": {"stateAsOfKnownNowMs": {"p50": "\#(q.p50)", "p99": "\#(q.p99)", "queries": 200}}"# }
        return #"{"round": \#(n), "first": \#(first), "started": "2026-12-07T08:00:00Z", "sizes": {\#(sizes.joined(separator: ", "))}}"#
    }

    @Test func pairsGiveEachRatioAndTheirMedianBesideTheRunsMedians() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("results"), withIntermediateDirectories: true)
        try [
            Self.peer("lmdb-c", "append-batch", size: 100_000, rate: 400_000),
            Self.peer("eventsourcing-events", "append-batch", size: 100_000, rate: 15_000),
            Self.peer("lmdb-c", "append-single", size: 100_000, rate: 2_500),
            Self.peer("lmdb-c-simdjson", "scan-parse-fold", size: 100_000, rate: 1_000_000, cache: "warm"),
        ].joined(separator: "\n").write(toFile: dir.file("results/raw.jsonl"), atomically: true, encoding: .utf8)
        try "[\(Self.ours(events: 100_000, append: 180_000, single: 2_400, replay: 150_000))]"
            .write(toFile: dir.file("pledger.json"), atomically: true, encoding: .utf8)
        // Appends 55 %, 40 % and 60 % of the floor: the median, 55 %, meets the 50 % target though one
        // pair does not. Single commits 85, 95 and 80 %: the median, 85 %, misses 90 %.
        try [
            Self.pair(1, first: "floor", ours: (220_000, 2_125, 200_000), floor: (400_000, 2_500, 1_000_000)),
            Self.pair(2, first: "pledger", ours: (160_000, 1_900, 100_000), floor: (400_000, 2_000, 1_000_000)),
            Self.pair(3, first: "floor", ours: (300_000, 1_600, 120_000), floor: (500_000, 2_000, 800_000)),
        ].joined(separator: "\n").write(toFile: dir.file("paired.jsonl"), atomically: true, encoding: .utf8)

        let r = try run("/usr/bin/env", ["python3", Self.script, dir.file("results"), dir.file("pledger.json"), dir.file("paired.jsonl")])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        // The run's medians: 180,000 of 400,000 is 45 %.
        #expect(lines.contains { $0.hasPrefix("| 100,000 | append, 1,000 per commit | 180,000 /s | raw LMDB C 400,000 /s; eventsourcing 15,000 /s | 45.0 % of LMDB; 12.00 × eventsourcing |") && $0.hasSuffix("| no |") })
        #expect(lines.contains("| 100,000 | append, 1,000 per commit (raw LMDB C) | 220,000 ÷ 400,000 = 55.0 %; 160,000 ÷ 400,000 = 40.0 % (pledger first); 300,000 ÷ 500,000 = 60.0 % | 55.0 % (40.0–60.0 %) | ≥ 50 % of LMDB | yes |"))
        #expect(lines.contains("| 100,000 | single durable commit (raw LMDB C) | 2,125 ÷ 2,500 = 85.0 %; 1,900 ÷ 2,000 = 95.0 % (pledger first); 1,600 ÷ 2,000 = 80.0 % | 85.0 % (80.0–95.0 %) | ≥ 90 % | no |"))
        #expect(lines.contains("| 100,000 | replay + fold of all projections (C++ simdjson fold (warm)) | 200,000 ÷ 1,000,000 = 20.0 %; 100,000 ÷ 1,000,000 = 10.0 % (pledger first); 120,000 ÷ 800,000 = 15.0 % | 15.0 % (10.0–20.0 %) | ≥ 50 % | no |"))

        // Of an even number of pairs the median is the lower middle, as `pledger bench --repeat` takes it.
        let two = try String(contentsOfFile: dir.file("paired.jsonl"), encoding: .utf8).split(separator: "\n").prefix(2).joined(separator: "\n")
        try two.write(toFile: dir.file("two.jsonl"), atomically: true, encoding: .utf8)
        let even = try run("/usr/bin/env", ["python3", Self.script, dir.file("results"), dir.file("pledger.json"), dir.file("two.jsonl")])
        #expect(even.stdout.contains("| 40.0 % (40.0–55.0 %) | ≥ 50 % of LMDB | no |"))
        // Pairs that did not run eventsourcing give no row of multiples.
        #expect(!r.stdout.contains("(Python eventsourcing)"))
    }

    /// The pairs' multiples of Python eventsourcing's rate (scripts/bench-paired's ES_SIZES), in times,
    /// their median against 10 ×; a pair without eventsourcing's figure is left out of that row.
    @Test func pairsWithEventsourcingGiveItsMultiple() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("results"), withIntermediateDirectories: true)
        try Self.peer("lmdb-c", "append-batch", size: 100_000, rate: 400_000)
            .write(toFile: dir.file("results/raw.jsonl"), atomically: true, encoding: .utf8)
        try "[\(Self.ours(events: 100_000, append: 180_000, single: 2_400, replay: 150_000))]"
            .write(toFile: dir.file("pledger.json"), atomically: true, encoding: .utf8)
        // 220,000 ÷ 20,000 = 11 ×, 160,000 ÷ 20,000 = 8 ×, 300,000 ÷ 25,000 = 12 ×, and a fourth pair
        // without eventsourcing: the median of three, 11 ×, meets the target.
        try [
            Self.pair(1, first: "floor", ours: (220_000, 2_125, 200_000), floor: (400_000, 2_500, 1_000_000), eventsourcing: 20_000),
            Self.pair(2, first: "pledger", ours: (160_000, 1_900, 100_000), floor: (400_000, 2_000, 1_000_000), eventsourcing: 20_000),
            Self.pair(3, first: "floor", ours: (300_000, 1_600, 120_000), floor: (500_000, 2_000, 800_000), eventsourcing: 25_000),
            Self.pair(4, first: "pledger", ours: (100_000, 1_600, 120_000), floor: (500_000, 2_000, 800_000)),
        ].joined(separator: "\n").write(toFile: dir.file("paired.jsonl"), atomically: true, encoding: .utf8)
        let r = try run("/usr/bin/env", ["python3", Self.script, dir.file("results"), dir.file("pledger.json"), dir.file("paired.jsonl")])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("| 100,000 | append, 1,000 per commit (Python eventsourcing) | 220,000 ÷ 20,000 = 11.00 ×; 160,000 ÷ 20,000 = 8.00 × (pledger first); 300,000 ÷ 25,000 = 12.00 × | 11.00 × (8.00–12.00 ×) | ≥ 10 × | yes |"))
        // The raw LMDB row still counts all four pairs: its median of four is the lower middle.
        #expect(lines.contains { $0.hasPrefix("| 100,000 | append, 1,000 per commit (raw LMDB C) |") && $0.contains("| 40.0 % (20.0–60.0 %) |") })
    }

    /// scripts/bench-growth end to end, on this build's `pledger` and two small ledgers: a line a round,
    /// each with both sizes' figures from a `pledger bench --reuse` of its own, the order alternating;
    /// and bench-ratios.py's table of them.
    @Test func growthRoundsQueryEachKeptLedgerInTurn() throws {
        let dir = try TemporaryDirectory()
        let script = URL(fileURLWithPath: Self.script).deletingLastPathComponent().appendingPathComponent("bench-growth").path
        let out = dir.file("growth.jsonl")
        let r = try run(script, [out], environment: ["PLEDGER": executable("pledger"), "SIZES": "1000 2000", "ROUNDS": "2",
                                                      "QUERIES": "5", "TMPDIR": dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let rounds = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(rounds.count == 2)
        #expect(rounds.map { $0["first"] as? Int } == [1_000, 2_000])
        for round in rounds {
            let sizes = try #require(round["sizes"] as? [String: [String: Any]])
            #expect(Set(sizes.keys) == ["1000", "2000"])
            for (size, figures) in sizes {
                let now = try #require(figures["stateAsOfKnownNowMs"] as? [String: Any])
                #expect(now["queries"] as? Int == 5)
                #expect(Double(try #require(now["p50"] as? String)) ?? 0 > 0)
                // Each size's figures are those of its own kept ledger.
                #expect((figures["ledger"] as? String)?.hasSuffix("/\(size)") == true)
            }
        }
        // The kept ledgers are removed with the script's temporary directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["growth.jsonl"])

        try FileManager.default.createDirectory(atPath: dir.file("results"), withIntermediateDirectories: true)
        try "".write(toFile: dir.file("results/raw.jsonl"), atomically: true, encoding: .utf8)
        try "[\(Self.ours(events: 1_000, append: 180_000, single: 2_400, replay: 150_000))]"
            .write(toFile: dir.file("pledger.json"), atomically: true, encoding: .utf8)
        try "".write(toFile: dir.file("paired.jsonl"), atomically: true, encoding: .utf8)
        let table = try run("/usr/bin/env", ["python3", Self.script, dir.file("results"), dir.file("pledger.json"), dir.file("paired.jsonl"), out])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("| 2 (2,000 first) |"))
        #expect(table.stdout.contains("From N = 1,000 to N = 2,000: median growth "))
    }

    /// scripts/bench-growth's rounds: each round's p50 at each size and its growth from the smallest,
    /// and the median growth against log n (1.20 × from 100,000 to 1,000,000).
    @Test func growthRoundsGiveEachRoundsGrowthAndTheirMedianAgainstLogN() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("results"), withIntermediateDirectories: true)
        try "".write(toFile: dir.file("results/raw.jsonl"), atomically: true, encoding: .utf8)
        try "[\(Self.ours(events: 100_000, append: 180_000, single: 2_400, replay: 150_000))]"
            .write(toFile: dir.file("pledger.json"), atomically: true, encoding: .utf8)
        try "".write(toFile: dir.file("paired.jsonl"), atomically: true, encoding: .utf8)
        // Growths 1.10, 1.30 and 1.15 ×: the median, 1.15 ×, within 1.20 ×.
        try [
            Self.round(1, first: 100_000, [100_000: ("0.500", "0.900"), 1_000_000: ("0.550", "1.000")]),
            Self.round(2, first: 1_000_000, [100_000: ("0.500", "0.800"), 1_000_000: ("0.650", "1.200")]),
            Self.round(3, first: 100_000, [100_000: ("0.400", "0.700"), 1_000_000: ("0.460", "0.900")]),
        ].joined(separator: "\n").write(toFile: dir.file("growth.jsonl"), atomically: true, encoding: .utf8)
        let args = ["python3", Self.script, dir.file("results"), dir.file("pledger.json"), dir.file("paired.jsonl"), dir.file("growth.jsonl")]
        let r = try run("/usr/bin/env", args)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("| 1 | 0.500 / 0.900 | 0.550 / 1.000 | 1.10 × |"))
        #expect(lines.contains("| 2 (1,000,000 first) | 0.500 / 0.800 | 0.650 / 1.200 | 1.30 × |"))
        #expect(lines.contains("From N = 100,000 to N = 1,000,000: median growth 1.15 × (1.10–1.30 × over 3 rounds); log n allows 1.20 ×: met."))

        // Two more rounds, growing 1.50 and 1.40 ×: the median of the five, 1.30 ×, misses it.
        let more = [
            Self.round(4, first: 1_000_000, [100_000: ("0.400", "0.700"), 1_000_000: ("0.600", "0.900")]),
            Self.round(5, first: 100_000, [100_000: ("0.500", "0.700"), 1_000_000: ("0.700", "0.900")]),
        ]
        let existing = try String(contentsOfFile: dir.file("growth.jsonl"), encoding: .utf8)
        try ([existing] + more).joined(separator: "\n").write(toFile: dir.file("growth.jsonl"), atomically: true, encoding: .utf8)
        let five = try run("/usr/bin/env", args)
        #expect(five.stdout.contains("From N = 100,000 to N = 1,000,000: median growth 1.30 × (1.10–1.50 × over 5 rounds); log n allows 1.20 ×: missed."))
    }
}
