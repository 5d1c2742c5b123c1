@testable import EventLog
import Foundation
import LMDB
import Testing

/// The waiting index entries as readers and rules see them: a reader's kept entries serve every read
/// transaction exactly as of its own snapshot, and a rule reads the appending transaction's own.
@Suite struct ReaderTailTests {
    /// A read transaction begun before later appends reads its own snapshot, after a newer reader has
    /// brought the process's kept entries forward: with the same watermarks (limit 100: the kept
    /// entries are ahead only in the head) and with moved ones (limit 2: the kept entries no longer
    /// hold what the older snapshot finds waiting, so it reads its own).
    @Test(arguments: [100, 2])
    func anOlderSnapshotReadsItsOwnStateAfterTheKeptEntriesMovedOn(limit: Int) throws {
        let directory = try LogTailTests.Directory(limit: limit)
        let log = try directory.open()
        let early = (0..<3).map { _ in UUID() }
        try log.append(early.map { event("s/1", id: $0) })
        let late = UUID()
        try log.lmdb.read { old in
            #expect(try log.events(in: "s/1").map(\.sequence) == [1, 2, 3])
            try log.append([event("s/1", id: late), event("s/2")])
            // A newer transaction brings the kept entries to the new head.
            #expect(try log.events(in: "s/1").map(\.sequence) == [1, 2, 3, 4])
            #expect(try log.version(of: "s/2") == 1)
            #expect(try log.streamNames() == ["s/1", "s/2"])
            // The older one still sees its own.
            #expect(try log.events(in: "s/1", transaction: old).map(\.sequence) == [1, 2, 3])
            #expect(try log.version(of: "s/1", in: old) == 3)
            #expect(try log.version(of: "s/2", in: old) == 0)
            #expect(try log.sequence(ofEvent: late, in: old) == nil)
            #expect(try early.map { try log.sequence(ofEvent: $0, in: old) } == [1, 2, 3])
        }
        // And the kept entries still serve the newest state.
        #expect(try log.events(in: "s/1").map(\.sequence) == [1, 2, 3, 4])
        #expect(try log.event(id: late)?.sequence == 4)
    }

    /// A reader that last read long ago, since when every index has moved past what it kept, reads the
    /// log as it stands: its kept entries are read again from the lowest watermark, not brought forward.
    @Test func aReaderPausedWhileEveryIndexMovedOnReadsTheLogAsItStands() throws {
        let directory = try LogTailTests.Directory(limit: 2)
        let log = try directory.open()
        try log.append([event("s/1"), event("s/2", "Checked")])
        #expect(try log.events(in: "s/1").map(\.sequence) == [1])
        for n in 0..<20 { try log.append([event("s/\(n % 3)", n % 2 == 0 ? "Checked" : "IndicatorMeasured")]) }
        let coverage = try log.indexCoverage()
        #expect([coverage.ids, coverage.streams, coverage.types, coverage.effective].allSatisfy { $0.lowest > 2 }, "every index moved past the reader's state")
        let all = try log.read(limit: 100)
        #expect(try log.events(in: "s/1").map(\.sequence) == all.filter { $0.stream == "s/1" }.map(\.sequence))
        #expect(try log.version(of: "s/0") == UInt64(all.filter { $0.stream == "s/0" }.count))
        #expect(try log.read(filter: .init(type: "Checked"), limit: 100).map(\.sequence) == all.filter { $0.type == "Checked" }.map(\.sequence))
        #expect(try all.allSatisfy { try log.event(id: $0.id)?.sequence == $0.sequence })
    }

    /// A bulk write takes a range's waiting entries in key order, names that begin other names
    /// included, and all of them.
    @Test func aRangesWaitingEntriesComeOutInKeyOrder() {
        let state = EventLog.IndexState(ids: .init(allThrough: 0), streams: .init(allThrough: 0), types: .init(allThrough: 0),
                                        effective: .init(allThrough: 0), head: 0)
        let tail = LogTail(state, through: 0)
        let streams: [StreamName] = ["a", "a/b", "a/b/c", "a.b", "b", "a-b", "A", "z9", "indicator/I10", "indicator/I9"]
        var versions: [StreamName: UInt64] = [:]
        var ids: [UUID] = []
        for n in 1...400 {
            let stream = streams[(n * 7) % streams.count]
            versions[stream, default: 0] += 1
            let id = UUID()
            ids.append(id)
            tail.add(id, stream: stream, version: versions[stream] ?? 0, type: ["Checked", "Check", "Checked2"][n % 3],
                     effective: tail.name(of: CalendarDate(daysSinceEpoch: Int64(20_000 + n / 3 % 40))), at: UInt64(n))
        }
        // The streams: each name once, in key order (its bytes and 0x00 before a longer name's), with its
        // versions ascending.
        let streamKeys = (0..<IndexWatermarks.rangeCount).flatMap { range -> [[UInt8]] in
            let keys = tail.removeStreamRange(range).flatMap { name, entries in entries.map { Key.named(name.rawValue, $0.version) } }
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) }, "range \(range) out of key order")
            return keys
        }
        #expect(Set(streamKeys).count == 400)
        // The types and dates: each name once, in key order, with its events ascending.
        func takenByName(_ remove: (Int) -> [(name: IndexName, entries: [UInt64])]) -> [UInt64] {
            (0..<IndexWatermarks.rangeCount).flatMap { range -> [UInt64] in
                let names = remove(range)
                #expect(zip(names, names.dropFirst()).allSatisfy { Array($0.name.text.utf8).lexicographicallyPrecedes(Array($1.name.text.utf8)) },
                        "range \(range) out of key order")
                #expect(names.allSatisfy { n in zip(n.entries, n.entries.dropFirst()).allSatisfy { $0 < $1 } }, "range \(range): a name's events out of order")
                return names.flatMap(\.entries)
            }
        }
        #expect(takenByName(tail.removeTypeRange).sorted() == Array(1...400))
        #expect(takenByName(tail.removeEffectiveRange).sorted() == Array(1...400))
        let idKeys = (0..<IndexWatermarks.rangeCount).flatMap { range -> [[UInt8]] in
            let entries = tail.removeIDRange(range)
            #expect(zip(entries, entries.dropFirst()).allSatisfy { ($0.high, $0.low) < ($1.high, $1.low) }, "range \(range) out of key order")
            return entries.map { e in withUnsafeBytes(of: e.high.bigEndian, Array.init) + withUnsafeBytes(of: e.low.bigEndian, Array.init) }
        }
        #expect(Set(idKeys) == Set(ids.map { withUnsafeBytes(of: $0.uuid, Array.init) }))
    }

    /// What a rule reads of a stream — a version's sequence number, the events after a version — is
    /// the appending transaction's, the batch's earlier events included, whether the entries wait or
    /// are indexed.
    @Test(arguments: [1, 3, 1_000])
    func rulesReadStreamsAsTheTransactionStands(limit: Int) throws {
        let directory = try LogTailTests.Directory(limit: limit)
        let log = try directory.open()
        let probe = StreamProbe()
        var model: [StreamName: [UInt64]] = [:]
        var next: UInt64 = 0
        for batch in 0..<8 {
            let events = (0..<(1 + batch % 3)).map { k in event("s/\((batch + k) % 3)") }
            try log.append(events, rules: probe)
            for e in events {
                next += 1
                model[e.stream, default: []].append(next)
            }
        }
        // Each check saw its stream as it stood before that event: the model's prefix.
        var seen: [StreamName: [UInt64]] = [:]
        for check in probe.checks {
            #expect(check.byVersion == seen[check.stream, default: []], "by version, before event \(check.sequence)")
            #expect(check.afterVersionZero == seen[check.stream, default: []], "after version 0, before event \(check.sequence)")
            #expect(check.afterVersionOne == Array(seen[check.stream, default: []].dropFirst()))
            #expect(check.version == UInt64(seen[check.stream, default: []].count))
            seen[check.stream, default: []].append(check.sequence)
        }
        #expect(seen == model)
    }
}

/// A rule that accepts every event and records what it read of the event's stream.
final class StreamProbe: AppendRules, @unchecked Sendable {
    struct Check {
        var stream: StreamName
        var sequence: UInt64
        var version: UInt64
        var byVersion: [UInt64]
        var afterVersionZero: [UInt64]
        var afterVersionOne: [UInt64]
    }

    private let lock = NSLock()
    private var recorded: [Check] = []
    var checks: [Check] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws {
        let version = try ledger.version(of: event.stream)
        var byVersion: [UInt64] = []
        for v in stride(from: 1, through: version, by: 1) {
            if let seq = try ledger.sequence(of: event.stream, version: v) { byVersion.append(seq) }
        }
        let check = Check(stream: event.stream, sequence: ledger.sequence, version: version, byVersion: byVersion,
                          afterVersionZero: try ledger.events(in: event.stream, afterVersion: 0).map(\.sequence),
                          afterVersionOne: try ledger.events(in: event.stream, afterVersion: 1).map(\.sequence))
        lock.lock()
        recorded.append(check)
        lock.unlock()
    }
}
