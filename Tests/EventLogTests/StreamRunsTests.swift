@testable import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

/// The `streams` index as sorted runs merged in tiers (`pledger-log/6`): a stream's events, version and
/// name found through merges, restarts and chunks that split a stream, and a `/5` log's tree made a run.
@Suite struct StreamRunsTests {
    func catalogue(_ log: EventLog) throws -> RunCatalogue? { try log.lmdb.read { try log.streamRuns(in: $0) } }

    /// A stream name of `n`: a few long-lived streams, whose entries span chunks, names that begin
    /// others (`s/1` and `s/10`), and many streams of one event (as decisions are).
    static func stream(_ n: Int) -> StreamName {
        switch n % 4 {
        case 0: StreamName(stringLiteral: "s/\(n % 3)")
        case 1: StreamName(stringLiteral: "s/\(n % 3)0")
        case 2: StreamName(stringLiteral: "long/" + String(repeating: "x", count: 150) + "/\(n % 2)")
        default: StreamName(stringLiteral: "one/\(n)")
        }
    }

    /// Every way to read a stream gives what was appended to it, at every step of a history whose
    /// runs are written and merged several levels up, and after restarts and read-only.
    @Test(arguments: [16, 64])
    func everyStreamReadsAsAppendedThroughMergesAndRestarts(limit: Int) throws {
        let dir = try TemporaryDirectory()
        var log = try openLog(dir.path, limit: limit)
        var model: [StreamName: [UInt64]] = [:]
        var size = 1
        var n = 0
        while n < 3_000 {
            let batch = (0..<size).map { i in event(Self.stream(n + i)) }
            for (e, p) in zip(batch, try log.append(batch)) { model[e.stream, default: []].append(p.sequence) }
            n += size
            size = size % 89 + 11
            if n % 7 == 0 { log = try openLog(dir.path, limit: limit) }
        }
        let runs = try #require(try catalogue(log))
        #expect(runs.levelToMerge == nil)
        #expect(Set(runs.runs.map(\.level)).count >= 3, "levels \(runs.runs.map(\.level))")
        let held = try StoredStreams.entries(log)
        #expect(held.count == Int(runs.runs.reduce(0) { $0 + $1.count }) && held.count > 2_000)
        for reader in [log, try openLog(dir.path, limit: limit), try openLog(dir.path, limit: limit, readOnly: true)] {
            #expect(try reader.streamNames() == model.keys.sorted())
            for (stream, seqs) in model {
                #expect(try reader.version(of: stream) == UInt64(seqs.count))
                #expect(try reader.events(in: stream).map(\.sequence) == seqs)
                #expect(try reader.read(from: .max, direction: .backward, filter: .init(stream: stream), limit: 10_000).map(\.sequence) == seqs.reversed())
                let middle = seqs[seqs.count / 2]
                #expect(try reader.events(in: stream, through: middle).map(\.sequence) == seqs.filter { $0 <= middle })
            }
            // Read from the runs alone: after a version, and one version at a time.
            var indexed: [StreamName: [(UInt64, UInt64)]] = [:]
            for (key, seq) in held {
                let name = String(decoding: key.dropLast(9), as: UTF8.self)
                indexed[StreamName(stringLiteral: name), default: []].append((fromBigEndian(key.suffix(8)), seq))
            }
            for (stream, entries) in indexed {
                let sorted = entries.sorted { $0.0 < $1.0 }
                for after in Set([0, sorted.count / 3, sorted.count - 1, sorted.count]) {
                    let read = try reader.lmdb.read { try reader.indexedEntries(of: stream, afterVersion: UInt64(after), in: $0) }
                    #expect(read.map(\.sequence) == sorted.filter { $0.0 > UInt64(after) }.map(\.1), "\(stream) after \(after)")
                }
                for (version, seq) in sorted.prefix(40) {
                    #expect(try reader.lmdb.read { try reader.indexedSequence(of: stream, version: version, in: $0) } == seq)
                }
                #expect(try reader.lmdb.read { try reader.indexedSequence(of: stream, version: UInt64(sorted.count + 1), in: $0) } == nil)
            }
            #expect(try reader.version(of: "never/appended") == 0)
            #expect(try reader.events(in: "s/10/x").isEmpty)
            let counts = try reader.indexEntryCounts()
            #expect(counts.allSatisfy { $0.covered == $0.stored }, "\(counts)")
        }
        // Expected versions are checked against what the runs hold.
        let longest = try #require(model.max { $0.value.count < $1.value.count })
        #expect(throws: EventLogError.self) { try log.append(event(longest.key, expected: .exactly(UInt64(longest.value.count - 1)))) }
        #expect(try log.append(event(longest.key, expected: .exactly(UInt64(longest.value.count)))).version == UInt64(longest.value.count + 1))
    }

    /// The stream names: each run's read past the chunks one stream's entries fill, and no name missed
    /// among the names that begin with that stream's and sort between it and the next long one
    /// (`…/1`, `…/1-a`, `…/1.c`, `…/10`), whichever runs the names fell in, through merges.
    @Test func streamNamesPassOverFilledChunksAndMissNone() throws {
        let dir = try TemporaryDirectory()
        let log = try openLog(dir.path, limit: 16)
        let p = "p/" + String(repeating: "x", count: 150)   // about 23 entries a chunk
        let long = [p + "/1", p + "/10", p + "/100", "q"].map { StreamName(stringLiteral: $0) }
        let short = [p + "/1-a", p + "/1-b", p + "/1.c", p + "/10-a", p + "/100-a", p + "/2", "q-", "q/1", "r"].map { StreamName(stringLiteral: $0) }
        var model: Set<StreamName> = []
        for round in 0..<60 {
            var batch = (0..<80).map { i in event(long[i % long.count]) }
            if round % 5 == 2 { batch += short.map { event(StreamName(stringLiteral: $0.rawValue + "-\(round)")) } + short.map { event($0) } }
            _ = try log.append(batch)
            model.formUnion(batch.map(\.stream))
            if round % 10 == 9 { #expect(try log.streamNames() == model.sorted(), "round \(round)") }
        }
        let runs = try #require(try catalogue(log))
        #expect(runs.runs.contains { $0.level >= 2 }, "levels \(runs.runs.map(\.level))")
        let reader = try openLog(dir.path, limit: 16, readOnly: true)
        #expect(try reader.streamNames() == model.sorted())
        #expect(try reader.lmdb.read { try reader.indexedStreamNames(in: $0) }.count > model.count * 3 / 4)
    }

    /// Rules read a stream's events at a version and after one from the runs (``LedgerSnapshot``).
    @Test func aLedgerSnapshotReadsAStreamsVersionsFromTheRuns() throws {
        let dir = try TemporaryDirectory()
        let log = try openLog(dir.path, limit: 16)
        var seqs: [UInt64] = []
        for _ in 0..<40 {
            let batch = (0..<20).map { i in event(i == 0 ? "watched" : "other/\(i)") }
            seqs.append(try log.append(batch)[0].sequence)
        }
        #expect(try StoredStreams.entries(log).keys.contains(Array("watched".utf8) + [0] + bigEndianBytes(30)))
        let probe = SnapshotProbe(version: 25)
        try log.append(event("watched"), rules: probe)
        #expect(probe.found == [seqs[24]])
        #expect(probe.after == Array(seqs[25...]))
    }

    /// A `/5` log, its streams in a tree: read as it is when opened read-only; opened for writing, its
    /// tree becomes one run, and every stream reads as before.
    @Test func aFifthFormatLogsStreamTreeBecomesOneRun() throws {
        let dir = try TemporaryDirectory()
        var model: [StreamName: [UInt64]] = [:]
        do {
            let log = try openLog(dir.path, limit: 1)
            for n in 0..<50 {
                let batch = (0..<10).map { i in event(Self.stream(10 * n + i)) }
                for (e, p) in zip(batch, try log.append(batch)) { model[e.stream, default: []].append(p.sequence) }
            }
            try StoredStreams.moveToTree(log)
            try log.lmdb.write { txn in try txn.put(Array("pledger-log/5".utf8), forKey: Array("format".utf8), in: try log.lmdb.database("meta")) }
        }
        let tree = try StoredStreams.entries(try openLog(dir.path, limit: 1, readOnly: true))
        #expect(tree.count > 450)
        for log in [try openLog(dir.path, limit: 1, readOnly: true), try openLog(dir.path, limit: 1)] {
            #expect(try log.streamNames() == model.keys.sorted())
            for (stream, seqs) in model {
                #expect(try log.version(of: stream) == UInt64(seqs.count))
                #expect(try log.events(in: stream).map(\.sequence) == seqs)
            }
        }
        let writer = try openLog(dir.path, limit: 1)
        let runs = try #require(try catalogue(writer))
        #expect(runs.runs.map(\.count) == [UInt64(tree.count)])
        #expect(try StoredStreams.entries(writer) == tree)
        let more = (0..<300).map { i in event(Self.stream(i)) }
        let positions = try writer.append(more)
        for (e, p) in zip(more, positions) { model[e.stream, default: []].append(p.sequence) }
        for (stream, seqs) in model { #expect(try writer.events(in: stream).map(\.sequence) == seqs) }
        #expect(try writer.indexEntryCounts().allSatisfy { $0.covered == $0.stored })
    }

    @Test func mergedEntriesKeepKeyOrderAndARepeatedKeyIsDamage() throws {
        func entries(_ keys: [(String, UInt64, UInt64)]) -> StreamRuns.Entries {
            var out = StreamRuns.Entries()
            for (name, version, seq) in keys { Key.named(name, version).withUnsafeBytes { out.append(key: $0, sequence: seq) } }
            return out
        }
        let merged = try StreamRuns.Entries.merged([entries([("a", 1, 1), ("a/b", 1, 3), ("b", 2, 9)]), entries([("a", 2, 5), ("a.b", 1, 4)]),
                                                    entries([]), entries([("a", 3, 6), ("c", 1, 10)])])
        #expect(merged.keysAndSequences.map(\.0) == [Key.named("a", 1), Key.named("a", 2), Key.named("a", 3), Key.named("a.b", 1),
                                                     Key.named("a/b", 1), Key.named("b", 2), Key.named("c", 1)])
        #expect(merged.keysAndSequences.map(\.1) == [1, 5, 6, 4, 3, 9, 10])
        #expect(merged.count == 7)
        #expect(throws: EventLogError.self) { try StreamRuns.Entries.merged([entries([("a", 1, 1)]), entries([("b", 1, 3)]), entries([("a", 1, 2)])]) }
        // Chunks read back are checked: whole entries, each key after the one before.
        var checked = StreamRuns.Entries()
        #expect(merged.bytes.withUnsafeBytes { checked.appendChecked(chunk: $0) } && checked.count == 7)
        var backwards = StreamRuns.Entries()
        #expect(!entries([("b", 1, 1), ("a", 1, 2)]).bytes.withUnsafeBytes { backwards.appendChecked(chunk: $0) })
        var cut = StreamRuns.Entries()
        #expect(!Array(merged.bytes.dropLast()).withUnsafeBytes { cut.appendChecked(chunk: $0) })
    }
}

/// Rules that read the stream `watched` at one version and after it, as the log's snapshot gives them.
private final class SnapshotProbe: AppendRules, @unchecked Sendable {
    let version: UInt64
    var found: [UInt64?] = []
    var after: [UInt64] = []
    init(version: UInt64) { self.version = version }
    func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws {
        found.append(try ledger.sequence(of: "watched", version: version))
        after = try ledger.events(in: "watched", afterVersion: version).map(\.sequence)
    }
}
