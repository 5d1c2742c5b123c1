import Foundation
import TestSupport
import Testing

/// `scripts/bench-ratios.py`, which turns a side-by-side run into the tables of docs/BENCHMARKS.md: the
/// run's medians against the peers', and the ratios of `scripts/bench-paired`'s pairs.
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

    /// A pair as scripts/bench-paired writes it.
    static func pair(_ n: Int, first: String, ours: (Int, Int, Int), floor: (Double, Double, Double)) -> String {
        """
        {"size": 100000, "pair": \(n), "first": "\(first)", "floor": {"appendBatch": {"events_per_s": \(floor.0)}, \
        "appendSingle": {"events_per_s": \(floor.1)}, "fold": {"events_per_s": \(floor.2)}}, \
        "pledger": {"appendBatchedEventsPerSecond": \(ours.0), "singleCommitsPerSecond": \(ours.1), "replayEventsPerSecond": \(ours.2)}}
        """
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
    }
}
