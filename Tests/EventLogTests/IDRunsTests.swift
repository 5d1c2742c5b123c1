@testable import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

/// The `ids` index as sorted runs merged in tiers (`pledger-log/5`): filters, the catalogue, lookups
/// through merges and restarts, and a `/4` log's tree made a run.
@Suite struct IDRunsTests {
    /// The catalogue as the log's `meta` holds it.
    func catalogue(_ log: EventLog) throws -> RunCatalogue? { try log.lmdb.read { try log.idRuns(in: $0) } }

    @Test func aFilterFindsEveryIdAddedAndFewOthers() throws {
        var generator = SystemRandomNumberGenerator()
        let added = (0..<10_000).map { _ in (generator.next() as UInt64, generator.next() as UInt64) }
        var filter = RunFilter(capacity: added.count, seed: 42)
        for (h, l) in added { filter.insert(h, l) }
        #expect(added.allSatisfy { filter.mayContain($0.0, $0.1) })
        let others = (0..<100_000).filter { _ in filter.mayContain(generator.next(), generator.next()) }.count
        #expect(others < 3_000, "\(others) of 100,000 ids not added passed the filter")
        // Stored and read back, it answers the same; with another seed it is another filter.
        let read = try #require(filter.bytes.withUnsafeBytes { RunFilter(bytes: $0, seed: 42) })
        #expect(read == filter)
        #expect(added.allSatisfy { read.mayContain($0.0, $0.1) })
        let reseeded = try #require(filter.bytes.withUnsafeBytes { RunFilter(bytes: $0, seed: 43) })
        #expect(!added.allSatisfy { reseeded.mayContain($0.0, $0.1) })
        #expect([UInt8](repeating: 0, count: 63).withUnsafeBytes { RunFilter(bytes: $0, seed: 1) } == nil)
        #expect([UInt8]().withUnsafeBytes { RunFilter(bytes: $0, seed: 1) } == nil)
    }

    @Test func theCatalogueReadsBackAndRefusesWhatIsNotWholeRunsInOrder() {
        let runs = RunCatalogue(runs: [.init(number: 3, level: 1, count: 8_192, seed: 7), .init(number: 9, level: 0, count: 2_048, seed: .max)])
        #expect(runs.bytes.count == 2 * RunCatalogue.recordSize)
        #expect(runs.bytes.withUnsafeBytes { RunCatalogue(bytes: $0) } == runs)
        #expect(Array(runs.bytes.dropLast()).withUnsafeBytes { RunCatalogue(bytes: $0) } == nil)
        let backwards = RunCatalogue(runs: runs.runs.reversed())
        #expect(backwards.bytes.withUnsafeBytes { RunCatalogue(bytes: $0) } == nil)
        #expect(RunCatalogue.level(ofSize: 1) == 0 && RunCatalogue.level(ofSize: 8_191) == 0 && RunCatalogue.level(ofSize: 8_192) == 1)
        #expect(RunCatalogue.level(ofSize: 524_287) == 3 && RunCatalogue.level(ofSize: 1_000_000) == 4)
        let four = RunCatalogue(runs: (1...6).map { .init(number: UInt64($0), level: $0 <= 2 ? 1 : 0, count: 1, seed: 0) })
        #expect(four.levelToMerge == 0)
        #expect(RunCatalogue(runs: Array(four.runs.prefix(5))).levelToMerge == nil)
    }

    @Test func anIdInTwoRunsIsDamageWhenTheyMerge() throws {
        #expect(try EventLog.merge([[(1, 1, 5), (3, 0, 6)], [(2, 0, 7)], [], [(0, 9, 1), (4, 0, 8)]]).map(\.sequence) == [1, 5, 7, 6, 8])
        #expect(throws: EventLogError.self) { try EventLog.merge([[(1, 1, 5), (3, 0, 6)], [(2, 0, 1)], [(3, 0, 9)]]) }
    }

    /// Appends in batches of varied sizes with a small bulk limit, so that runs are written and merged
    /// up several levels: every id is found at its event, ids never appended are not, an appended one is
    /// found again and one with other content refused, the counts agree, and so after a restart.
    @Test(arguments: [16, 64])
    func everyIdIsFoundThroughMergesAndRestarts(limit: Int) throws {
        let dir = try TemporaryDirectory()
        var log = try openLog(dir.path, limit: limit)
        var appended: [(UUID, UInt64)] = []
        var size = 1
        while appended.count < 3_000 {
            let batch = (0..<size).map { event("s/\(appended.count % 37 + $0)") }
            for (e, p) in zip(batch, try log.append(batch)) { appended.append((e.id, p.sequence)) }
            size = size % 97 + 13
            if appended.count % 5 == 0 { log = try openLog(dir.path, limit: limit) }   // a restart now and then
        }
        let runs = try #require(try catalogue(log))
        #expect(runs.levelToMerge == nil)
        #expect(Set(runs.runs.map(\.level)).count >= 3, "levels \(runs.runs.map(\.level))")
        #expect(runs.runs.count <= 3 * Set(runs.runs.map(\.level)).count)
        let held = try StoredIDs.entries(log)
        #expect(held.count == Int(runs.runs.reduce(0) { $0 + $1.count }))
        // Nothing in `ids` but the listed runs: merged runs are gone.
        let chunks = try StoredIDs.chunks(log)
        #expect(chunks.entries == held.count && chunks.runs == Set(runs.runs.map(\.number)))
        #expect(held.count > 2_000)
        for reopened in [log, try openLog(dir.path, limit: limit), try openLog(dir.path, limit: limit, readOnly: true)] {
            for (id, sequence) in appended {
                #expect(try reopened.event(id: id)?.sequence == sequence)
                if let indexed = held[id] { #expect(indexed == sequence) }
            }
            for _ in 0..<2_000 { #expect(try reopened.event(id: UUID()) == nil) }
            let counts = try reopened.indexEntryCounts()
            #expect(counts.allSatisfy { $0.covered == $0.stored }, "\(counts)")
            #expect(counts.first?.stored == held.count)
        }
        // An indexed event appended again is found, not written; its id with other content is refused.
        let (indexedID, indexedSequence) = try #require(appended.first { held[$0.0] != nil })
        let again = try log.append(try #require(try log.event(id: indexedID)).proposal)
        #expect(again.alreadyPresent && again.sequence == indexedSequence)
        #expect(throws: EventLogError.idReusedWithOtherContent(id: indexedID.canonicalString, sequence: indexedSequence)) {
            try log.append(event("s/other", id: indexedID, value: 99))
        }
        #expect(try log.verify().size == UInt64(appended.count))
    }

    /// A `/4` log, its ids (and streams) in a tree: read as it is when opened read-only; opened for
    /// writing, its tree becomes one run, every id is found in it, and appends go on as runs.
    @Test func aFourthFormatLogsTreeBecomesOneRun() throws {
        let dir = try TemporaryDirectory()
        var appended: [(UUID, UInt64)] = []
        do {
            let log = try openLog(dir.path, limit: 1)
            for n in 0..<50 {
                let batch = (0..<10).map { event("s/\(n % 7 + $0)") }
                for (e, p) in zip(batch, try log.append(batch)) { appended.append((e.id, p.sequence)) }
            }
            try StoredIDs.moveToTree(log)
            try StoredStreams.moveToTree(log)
            try log.lmdb.write { txn in try txn.put(Array("pledger-log/4".utf8), forKey: Array("format".utf8), in: try log.lmdb.database("meta")) }
        }
        let tree = try StoredIDs.entries(try openLog(dir.path, limit: 1, readOnly: true))
        #expect(tree.count > 450)
        do {
            let reader = try openLog(dir.path, limit: 1, readOnly: true)
            #expect(try catalogue(reader) == nil)
            for (id, sequence) in appended { #expect(try reader.event(id: id)?.sequence == sequence) }
        }
        let writer = try openLog(dir.path, limit: 1)
        let runs = try #require(try catalogue(writer))
        #expect(runs.runs.map(\.count) == [UInt64(tree.count)])
        #expect(runs.runs.map(\.level) == [RunCatalogue.level(ofSize: UInt64(tree.count))])
        #expect(try StoredIDs.entries(writer) == tree)
        for (id, sequence) in appended { #expect(try writer.event(id: id)?.sequence == sequence) }
        let (first, firstSequence) = appended[0]
        let again = try writer.append(try #require(try writer.event(id: first)).proposal)
        #expect(again.alreadyPresent && again.sequence == firstSequence)
        let more = (0..<300).map { _ in event("s/more") }
        let positions = try writer.append(more)
        for (e, p) in zip(more, positions) { #expect(try writer.event(id: e.id)?.sequence == p.sequence) }
        #expect(try writer.indexEntryCounts().allSatisfy { $0.covered == $0.stored })
    }

    @Test func aFilterKeptForARunIsUsedOnlyForTheRunWithItsSeed() throws {
        let filters = RunFilters()
        var loads = 0
        func filter(_ seed: UInt64) -> RunFilter { RunFilter(capacity: 1, seed: seed) }
        let run = RunCatalogue.Run(number: 5, level: 0, count: 1, seed: 1)
        _ = filters.filters(of: [run]) { loads += 1; return filter($0.seed) }
        _ = filters.filters(of: [run]) { loads += 1; return filter($0.seed) }
        #expect(loads == 1)
        var again = run
        again.seed = 2
        let found = filters.filters(of: [again]) { loads += 1; return filter($0.seed) }
        #expect(loads == 2 && found.map(\.seed) == [2])
        // A catalogue read again as the same bytes is not parsed again; one whose run has another seed is.
        let catalogue = RunCatalogue(runs: [.init(number: 3, level: 1, count: 1, seed: 9), again])
        let first = catalogue.bytes.withUnsafeBytes { filters.newestFirst(catalogue: $0) { loads += 1; return filter($0.seed) } }
        #expect(first?.runs.map(\.number) == [5, 3] && first?.filters.map(\.seed) == [2, 9] && loads == 3)
        _ = catalogue.bytes.withUnsafeBytes { filters.newestFirst(catalogue: $0) { loads += 1; return filter($0.seed) } }
        #expect(loads == 3)
        var reseeded = catalogue
        reseeded.runs[1].seed = 4
        let second = reseeded.bytes.withUnsafeBytes { filters.newestFirst(catalogue: $0) { loads += 1; return filter($0.seed) } }
        #expect(second?.filters.map(\.seed) == [4, 9] && loads == 4)
        #expect([UInt8](repeating: 1, count: 7).withUnsafeBytes { filters.newestFirst(catalogue: $0) { filter($0.seed) } } == nil)
    }
}
