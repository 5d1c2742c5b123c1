@testable import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

/// Merges of runs larger than a step go on over several transactions (`RunMerge`, `pledger-log/7`):
/// every id and every stream is found while they are under way, across restarts and read-only, the
/// crash checks' counts agree, and no transaction writes more than a few steps of entries.
@Suite struct RunMergeTests {
    @Test func aMergeUnderWayIsStoredAndReadBack() throws {
        let merge = RunMerge(output: .init(number: 9, level: 2, count: 40, seed: 77), inputs: [3, 5, 6, 8], lastKey: [1, 2, 3])
        #expect(merge.bytes.withUnsafeBytes { RunMerge(bytes: $0) } == merge)
        let started = RunMerge(output: .init(number: 9, level: 2, count: 0, seed: 1), inputs: [3, 5])
        #expect(started.bytes.withUnsafeBytes { RunMerge(bytes: $0) } == started)
        // Refused: too short, one input, inputs out of order, an output not after its inputs.
        for bad in [Array(merge.bytes.prefix(25)), RunMerge(output: merge.output, inputs: [3]).bytes,
                    RunMerge(output: merge.output, inputs: [5, 3]).bytes, RunMerge(output: merge.output, inputs: [3, 9]).bytes] {
            #expect(bad.withUnsafeBytes { RunMerge(bytes: $0) } == nil)
        }
        // A level's runs that a merge under way takes are not counted again.
        let runs = RunCatalogue(runs: (1...6).map { .init(number: UInt64($0), level: 1, count: 1, seed: 0) })
        #expect(runs.levelToMerge == 1)
        #expect(runs.levelToMerge(excluding: [1, 2, 3]) == nil)
        #expect(runs.levelToMerge(excluding: [1, 2]) == 1)
    }

    /// The entries of each chunk of `database`, by key: a transaction's new keys are what it wrote.
    static func chunks(_ log: EventLog, _ database: String) throws -> [[UInt8]: Int] {
        let db = try log.lmdb.database(database)
        return try log.lmdb.read { txn in
            var out: [[UInt8]: Int] = [:]
            try txn.withCursor(db) { c in
                var entry = try c.first()
                while let e = entry {
                    if e.key.count > 8 {
                        var n = 0
                        if database == "ids" { n = e.value.count / 24 } else { StreamRuns.forEachEntry(of: e.value) { _, _ in n += 1; return true } }
                        out[Array(e.key)] = n
                    }
                    entry = try c.next()
                }
            }
            return out
        }
    }

    /// A kept filter of a merge's output is given back only for that output (number and seed) and only
    /// when it holds every key up to the last written (kept through it or past it), once.
    @Test func aKeptFilterIsUsedOnlyWhenItHoldsEveryKeyWritten() throws {
        let kept = MergeFilter()
        let output = RunCatalogue.Run(number: 9, level: 2, count: 0, seed: 5)
        var filter = RunFilter(capacity: 100, seed: 5)
        filter.insert(1, 2)
        kept.keep(filter, for: output, through: [0, 0, 7])
        #expect(kept.take(for: output, holdingThrough: [0, 0, 8]) == nil, "another process wrote past what it holds")
        #expect(kept.take(for: .init(number: 9, level: 2, count: 0, seed: 6), holdingThrough: []) == nil, "another merge's output")
        #expect(kept.take(for: .init(number: 10, level: 2, count: 0, seed: 5), holdingThrough: []) == nil, "another merge's output")
        let taken = try #require(kept.take(for: output, holdingThrough: [0, 0, 6]), "a step that did not commit had gone past the last written")
        #expect(taken.mayContain(1, 2))
        #expect(kept.take(for: output, holdingThrough: [0, 0, 6]) == nil, "taken once")
        kept.keep(taken, for: output, through: [0, 0, 7])
        #expect(kept.take(for: output, holdingThrough: [0, 0, 7]) != nil)
        kept.keep(taken, for: output, through: [0, 0, 7])
        kept.forget()
        #expect(kept.take(for: output, holdingThrough: []) == nil)
    }

    /// A `/6` log (every merge whole) is read as it is when opened read-only, and becomes the current
    /// format (`/7` merged in steps first) when opened for writing, with nothing else changed; its runs
    /// then merge in steps.
    @Test func aSixthFormatLogBecomesTheCurrentAndMergesInSteps() throws {
        let dir = try TemporaryDirectory()
        var ids: [(UUID, UInt64)] = []
        do {
            let log = try openLog(dir.path, limit: 16)
            for n in 0..<300 { let e = event(StreamRunsTests.stream(n)); ids.append((e.id, try log.append(e).sequence)) }
            try log.lmdb.write { txn in try txn.put(Array("pledger-log/6".utf8), forKey: Array("format".utf8), in: try log.lmdb.database("meta")) }
        }
        func format(_ log: EventLog) throws -> String? {
            try log.lmdb.read { txn in try txn.value(in: try log.lmdb.database("meta"), forKey: Array("format".utf8)).map { String(decoding: $0, as: UTF8.self) } }
        }
        let reader = try openLog(dir.path, limit: 16, readOnly: true)
        #expect(try format(reader) == "pledger-log/6")
        for (id, sequence) in ids { #expect(try reader.event(id: id)?.sequence == sequence) }
        let log = try openLog(dir.path, limit: 16, step: 8)
        #expect(try format(log) == EventLog.formatVersion)
        var sawMerge = false
        for n in 300..<1_000 {
            let e = event(StreamRunsTests.stream(n))
            ids.append((e.id, try log.append(e).sequence))
            sawMerge = try sawMerge || log.lmdb.read { txn in try log.runMerge(IDRuns.mergeKey, in: txn) != nil }
        }
        #expect(sawMerge, "a merge went on in steps")
        for (id, sequence) in ids { #expect(try log.event(id: id)?.sequence == sequence) }
        for c in try log.indexEntryCounts() { #expect(c.covered == c.stored, "\(c.index): \(c.covered) covered, \(c.stored) stored") }
    }

    /// Single events (the transactions whose time a merge whole made longest: one that merged the
    /// largest runs wrote them all): with steps of 8 entries, no transaction writes more than a few
    /// steps' entries into an index, while runs many times larger are made. The ids are drawn from a
    /// fixed seed, so that the runs' sizes, and the figures, are the same at every run of the test.
    @Test func singleEventsWriteAFewStepsWhileLargeRunsAreMade() throws {
        let dir = try TemporaryDirectory()
        let log = try openLog(dir.path, limit: 16, step: 8)
        var mostWritten = 0
        var ids: [(UUID, UInt64)] = []
        var state: UInt64 = 20_261_205
        /// SplitMix64: the next 64 bits of the fixed sequence.
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for n in 0..<1_200 {
            let (high, low) = (next(), next())
            let id = withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(uuid: $0.load(as: uuid_t.self)) }
            let e = event(StreamRunsTests.stream(n), id: id)
            let before = (ids: try Self.chunks(log, "ids"), streams: try Self.chunks(log, "streams"))
            ids.append((e.id, try log.append(e).sequence))
            for (name, old) in [("ids", before.ids), ("streams", before.streams)] {
                mostWritten = max(mostWritten, try Self.chunks(log, name).filter { old[$0.key] == nil }.values.reduce(0, +))
            }
        }
        let largest = try log.lmdb.read { txn in
            max(try log.idRuns(in: txn)?.runs.map(\.count).max() ?? 0, try log.streamRuns(in: txn)?.runs.map(\.count).max() ?? 0)
        }
        // A transaction writes its event's range's waiting entries (a few), merges of at most a step
        // whole, and steps up to the step or the levels times its waiting entries, one step more: 64
        // entries leaves room; with every merge whole, the one that made the largest run wrote it all.
        #expect(mostWritten <= 64, "a single event's transaction wrote \(mostWritten) entries into an index")
        #expect(largest >= 4 * UInt64(mostWritten), "the largest run holds \(largest) entries, a transaction wrote up to \(mostWritten)")
        for (id, sequence) in ids { #expect(try log.event(id: id)?.sequence == sequence) }
        for c in try log.indexEntryCounts() { #expect(c.covered == c.stored, "\(c.index): \(c.covered) covered, \(c.stored) stored") }
    }

    /// With a bulk limit of 16 (runs of level 0 of about one entry) and steps of `step` entries, merges
    /// from the second or third level up go on over many transactions. After every batch: every id
    /// appended is found, the crash checks' counts agree, and the batch's transaction wrote at most
    /// the batch and four steps of entries into each index; the merges under way go on after restarts.
    @Test(arguments: [8, 40])
    func everyIdAndStreamIsFoundWhileMergesGoOnInSteps(step: Int) throws {
        let dir = try TemporaryDirectory()
        var log = try openLog(dir.path, limit: 16, step: step)
        var ids: [(UUID, UInt64)] = []
        var model: [StreamName: [UInt64]] = [:]
        var outputsSeen: [String: Set<UInt64>] = ["ids": [], "streams": []]
        var size = 1, round = 0
        while ids.count < 2_500 {
            let batch = (0..<size).map { i in event(StreamRunsTests.stream(ids.count + i)) }
            let before = (ids: try Self.chunks(log, "ids"), streams: try Self.chunks(log, "streams"))
            let levels = try log.lmdb.read { txn in
                Int(max(try log.idRuns(in: txn)?.runs.map(\.level).max() ?? 0, try log.streamRuns(in: txn)?.runs.map(\.level).max() ?? 0)) + 1
            }
            for (e, p) in zip(batch, try log.append(batch)) {
                ids.append((e.id, p.sequence))
                model[e.stream, default: []].append(p.sequence)
            }
            for (name, old) in [("ids", before.ids), ("streams", before.streams)] {
                // New runs of level 0 (the batch's entries and at most twice the limit's waiting before
                // it: e), merges whole (each entry once a level), and steps up to levels × e (or a step)
                // and one step more.
                let written = try Self.chunks(log, name).filter { old[$0.key] == nil }.values.reduce(0, +)
                let e = batch.count + 2 * 16
                #expect(written <= (levels + 2) * e + 2 * step, "one transaction wrote \(written) entries into \(name) (batch \(batch.count), step \(step))")
            }
            let merges = try log.lmdb.read { txn in (try log.runMerge(IDRuns.mergeKey, in: txn), try log.runMerge(StreamRuns.mergeKey, in: txn)) }
            if let m = merges.0 { outputsSeen["ids"]?.insert(m.output.number) }
            if let m = merges.1 { outputsSeen["streams"]?.insert(m.output.number) }
            round += 1
            if round % 4 == 0 {
                for c in try log.indexEntryCounts() { #expect(c.covered == c.stored, "\(c.index): \(c.covered) covered, \(c.stored) stored") }
                for (id, sequence) in ids { #expect(try log.event(id: id)?.sequence == sequence) }
            }
            if round % 7 == 0 { log = try openLog(dir.path, limit: 16, step: step) }   // a restart, merges under way
            size = size % 53 + 7
        }
        // Stepped merges happened and finished: outputs seen under way are now listed runs.
        let listed = try log.lmdb.read { txn in (try #require(try log.idRuns(in: txn)), try #require(try log.streamRuns(in: txn))) }
        for (name, catalogue) in [("ids", listed.0), ("streams", listed.1)] {
            let seen = outputsSeen[name] ?? []
            #expect(seen.count >= 3, "\(name): \(seen.count) merges seen under way")
            #expect(!seen.isDisjoint(with: catalogue.runs.map(\.number)), "\(name): no merge seen under way is listed")
        }
        for reader in [log, try openLog(dir.path, limit: 16, step: step), try openLog(dir.path, limit: 16, step: step, readOnly: true)] {
            for (id, sequence) in ids { #expect(try reader.event(id: id)?.sequence == sequence) }
            for _ in 0..<500 { #expect(try reader.event(id: UUID()) == nil) }
            #expect(try reader.streamNames() == model.keys.sorted())
            for (stream, seqs) in model {
                #expect(try reader.version(of: stream) == UInt64(seqs.count))
                #expect(try reader.events(in: stream).map(\.sequence) == seqs)
            }
        }
        for c in try log.indexEntryCounts() { #expect(c.covered == c.stored, "\(c.index): \(c.covered) covered, \(c.stored) stored") }
    }
}
