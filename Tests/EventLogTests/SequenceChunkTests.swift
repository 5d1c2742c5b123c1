import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

/// The `types` and `effective` indexes file each name's sequence numbers together (`pledger-log/8`,
/// `SequenceChunk`): reads by type and by date give the events appended, across entries filled to 240
/// numbers, and a log written one entry an event (`/7` and before) reads the same, and goes on.
@Suite struct SequenceChunkTests {
    /// Every entry of index `name` as stored: the name its key begins with, and the numbers it holds (its
    /// value's, 8 bytes big-endian each, the first the key's; the key's alone when the value is empty).
    static func entries(_ log: EventLog, _ name: String) throws -> [(name: String, numbers: [UInt64], empty: Bool)] {
        try log.lmdb.read { txn in
            try txn.withCursor(try log.lmdb.database(name)) { c in
                var out: [(name: String, numbers: [UInt64], empty: Bool)] = []
                var next = try c.first()
                while let e = next {
                    let key = Array(e.key), value = Array(e.value)
                    let first = fromBigEndian(key.suffix(8))
                    let numbers = value.isEmpty ? [first] : stride(from: 0, to: value.count, by: 8).map { fromBigEndian(value[$0 ..< min($0 + 8, value.count)]) }
                    #expect(key.count > 9 && key[key.count - 9] == 0 && value.count % 8 == 0 && numbers.first == first)
                    out.append((String(decoding: key.prefix(key.count - 9), as: UTF8.self), numbers, value.isEmpty))
                    next = try c.next()
                }
                return out
            }
        }
    }

    /// Event `i` of the histories here: types and streams in a fixed pattern, days moving on every 150
    /// events, every thirteenth event back-dated three days.
    static func numbered(_ i: Int) -> ProposedEvent {
        let type = i % 20 < 14 ? "IndicatorMeasured" : i % 20 < 19 ? "FundingAllocated" : "DecisionRecorded"
        let day = 20_480 + Int64(i / 150) - (i % 13 == 0 ? 3 : 0)
        return event(StreamName(stringLiteral: "s/\(i % 7)"), type, effective: CalendarDate(daysSinceEpoch: day).description)
    }

    /// Reads by type (forwards and backwards, from many places, with a stream too) and by date give
    /// the events appended, and each index holds what its watermarks cover.
    static func expectReads(of log: EventLog, as written: [ProposedEvent]) throws {
        let seqs = written.indices.map { UInt64($0 + 1) }
        for type in ["IndicatorMeasured", "FundingAllocated", "DecisionRecorded", "Other"] {
            let ofType = seqs.filter { written[Int($0) - 1].type == type }
            #expect(try log.read(filter: .init(type: type), limit: 10_000).map(\.sequence) == ofType, "\(type)")
            #expect(try log.read(from: .max, direction: .backward, filter: .init(type: type), limit: 10_000).map(\.sequence) == ofType.reversed())
            for start in stride(from: UInt64(1), through: UInt64(written.count + 1), by: 241) {
                #expect(try log.read(from: start, filter: .init(type: type), limit: 3).map(\.sequence) == Array(ofType.filter { $0 >= start }.prefix(3)))
                #expect(try log.read(from: start, direction: .backward, filter: .init(type: type), limit: 3).map(\.sequence)
                        == Array(ofType.filter { $0 <= start }.reversed().prefix(3)))
            }
            let stream: StreamName = "s/3"
            #expect(try log.read(filter: .init(stream: stream, type: type), limit: 10_000).map(\.sequence)
                    == ofType.filter { written[Int($0) - 1].stream == stream })
        }
        let days = written.map(\.effective)
        for (low, high) in [(days.min(), days.max()), (days[days.count / 3], days[days.count / 2]), (days[days.count / 2], days[days.count / 2])] {
            guard let low, let high, low <= high else { continue }
            let expected = seqs.filter { (low...high).contains(days[Int($0) - 1]) }.sorted { (days[Int($0) - 1], $0) < (days[Int($1) - 1], $1) }
            #expect(try log.sequences(effectiveIn: low...high) == expected, "\(low)...\(high)")
        }
        let counts = try log.indexEntryCounts()
        #expect(counts.map(\.covered) == counts.map(\.stored))
        // What each index holds, entry by entry: a name's numbers ascending across its entries, each
        // number the event's of that name, and every event its watermarks cover there once.
        let coverage = try log.indexCoverage()
        let indexes: [(String, (ProposedEvent) -> String, (String, UInt64) -> Bool)] = [
            ("types", { $0.type }, { coverage.types.covers(ofName: $0, at: $1) }),
            ("effective", { $0.effective.description }, { coverage.effective.covers(ofName: $0, at: $1) }),
        ]
        for (index, name, covers) in indexes {
            var held: [UInt64] = []
            var last: [String: UInt64] = [:]
            for entry in try entries(log, index) {
                #expect(entry.numbers.count <= 240)
                #expect(zip(entry.numbers, entry.numbers.dropFirst()).allSatisfy { $0 < $1 })
                #expect(entry.numbers.first.map { $0 > last[entry.name, default: 0] } ?? false, "\(index): \(entry.name)'s entries out of order")
                last[entry.name] = entry.numbers.last
                for n in entry.numbers { #expect(name(written[Int(n) - 1]) == entry.name) }
                held += entry.numbers
            }
            #expect(held.sorted() == seqs.filter { covers(name(written[Int($0) - 1]), $0) }, "\(index)")
        }
    }

    @Test func readsByTypeAndDateGiveTheEventsAcrossFullEntries() throws {
        let dir = try TemporaryDirectory()
        let written = (0..<3_000).map(Self.numbered)
        do {
            let log = try openLog(dir.path, limit: 1_000)
            for start in stride(from: 0, to: written.count, by: 100) { try log.append(Array(written[start ..< start + 100])) }
            try Self.expectReads(of: log, as: written)
            // Full entries: the bulk writes filed hundreds of one type's events at a time.
            let types = try Self.entries(log, "types")
            #expect(types.contains { $0.numbers.count == 240 } && types.allSatisfy { !$0.empty })
            #expect(types.count < 100, "\(types.count) entries in types")
        }
        try Self.expectReads(of: try openLog(dir.path, limit: 1_000, readOnly: true), as: written)
    }

    /// A `/7` log (one entry an event, each value empty) reads the same; opened for writing it becomes
    /// the current format, and what it files next goes beside the old entries, read with them.
    @Test func aLogWrittenOneEntryAnEventReadsTheSameAndGoesOn() throws {
        let dir = try TemporaryDirectory()
        let written = (0..<1_200).map(Self.numbered)
        func format(_ log: EventLog) throws -> String? {
            try log.lmdb.read { try $0.value(in: try log.lmdb.database("meta"), forKey: Array("format".utf8)) }.map { String(decoding: $0, as: UTF8.self) }
        }
        do {
            let log = try openLog(dir.path, limit: 64)
            try log.append(Array(written[..<600]))
            // Each index's entries rewritten as `/7` wrote them.
            for index in ["types", "effective"] {
                let old = try Self.entries(log, index)
                try log.lmdb.write { txn in
                    let database = try log.lmdb.database(index)
                    let keys = try txn.withCursor(database) { c in
                        var keys: [[UInt8]] = []
                        var next = try c.first()
                        while let e = next { keys.append(Array(e.key)); next = try c.next() }
                        return keys
                    }
                    for k in keys { _ = try txn.delete(k, in: database) }
                    for entry in old { for n in entry.numbers { try txn.put([], forKey: Array(entry.name.utf8) + [0] + bigEndianBytes(n), in: database) } }
                    try txn.put(Array("pledger-log/7".utf8), forKey: Array("format".utf8), in: try log.lmdb.database("meta"))
                }
            }
            #expect(try Self.entries(log, "types").allSatisfy(\.empty))
        }
        let reader = try openLog(dir.path, limit: 64, readOnly: true)
        #expect(try format(reader) == "pledger-log/7")
        try Self.expectReads(of: reader, as: Array(written[..<600]))
        let writer = try openLog(dir.path, limit: 64)
        #expect(try format(writer) == EventLog.formatVersion)
        for start in stride(from: 600, to: written.count, by: 50) { try writer.append(Array(written[start ..< start + 50])) }
        try Self.expectReads(of: writer, as: written)
        let types = try Self.entries(writer, "types")
        #expect(types.contains(where: \.empty) && types.contains { $0.numbers.count > 1 })
    }

    /// An entry whose value is not whole sequence numbers starting with its key's, or whose key is not
    /// a name, 0x00 and a number, is damage, reported when read, not skipped.
    @Test func anEntryOfAnotherShapeIsReportedAsDamage() throws {
        let dir = try TemporaryDirectory()
        let log = try openLog(dir.path, limit: 1_000)
        try log.append((0..<10).map(Self.numbered))
        // A key of 3 bytes, first in key order: the count of what the index holds reports it.
        try log.lmdb.write { txn in try txn.put([], forKey: Array("ABC".utf8), in: try log.lmdb.database("types")) }
        #expect(throws: EventLogError.self) { try log.indexEntryCounts() }
        try log.lmdb.write { txn in
            try txn.put([0, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3], forKey: Array("Other".utf8) + [0] + bigEndianBytes(9), in: try log.lmdb.database("types"))
            try txn.put(bigEndianBytes(8), forKey: Array("Odd".utf8) + [0] + bigEndianBytes(7), in: try log.lmdb.database("types"))
        }
        for type in ["Other", "Odd"] {
            #expect(throws: EventLogError.self) { try log.read(filter: .init(type: type), limit: 10) }
        }
    }
}
