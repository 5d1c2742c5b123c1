import EventLog
import Foundation
import LMDB
import PropertyBased
import TestSupport
import Testing

/// The ids of the newest events wait to be indexed in bulk (`RecentIDs`): lookups and idempotent appends
/// must not tell the difference, across the watermark, restarts and failed batches.
@Suite struct RecentIDTests {
    /// A log directory opened and reopened with a given recent-id limit.
    struct Directory {
        let directory: TemporaryDirectory
        let limit: Int
        var path: String { directory.path + "/log" }

        init(limit: Int) throws {
            directory = try TemporaryDirectory()
            self.limit = limit
        }

        func open(readOnly: Bool = false) throws -> EventLog {
            var configuration = EventLog.Configuration()
            configuration.mapSize = 1 << 26
            configuration.recentIDLimit = limit
            configuration.readOnly = readOnly
            return readOnly ? try EventLog(path: path, configuration: configuration) : try EventLog.create(at: path, configuration: configuration)
        }
    }

    /// Entries in the `ids` index.
    static func indexedIDs(_ log: EventLog) throws -> Int {
        try log.lmdb.read { try $0.statistics(try log.lmdb.database("ids")).entries }
    }

    /// An event whose actor holds the text of another event's id member: finding an id in stored bytes
    /// must take the envelope's own.
    static func probe(id: UUID, variant: Int, decoy: UUID) -> ProposedEvent {
        ProposedEvent(id: id, stream: StreamName(stringLiteral: "s/\(variant % 3)"), type: "Probed",
                      effective: CalendarDate(daysSinceEpoch: 20_480), actor: "x\",\"id\":\"\(decoy.canonicalString)\"",
                      rationale: ",\"id\":\"\(decoy.canonicalString)", source: "test", payload: ["variant": .integer(Int64(variant))])
    }

    @Test func lookupsAndRepeatedAppendsMatchAModelAcrossTheWatermarkAndRestarts() async {
        // Each step: a batch of 1–3 events with ids from a pool of 9 and one of two contents each, or a restart.
        await propertyCheck(count: 40, input: Gen.int(in: 1...5), Gen.int(in: 0...999).array(of: 1...30)) { limit, codes in
            do {
                let pool = (0..<9).map { UUID(derivedFrom: "recent-ids/\($0)") }
                let place = try Directory(limit: limit)
                var log: EventLog? = try place.open()
                var model: [UUID: (content: [UInt8], sequence: UInt64)] = [:]
                var head: UInt64 = 0
                for code in codes {
                    if code % 7 == 0 {
                        log = nil
                        log = try place.open()
                        continue
                    }
                    guard let current = log else { return }
                    let batch = (0..<(1 + code % 3)).map { k in
                        let n = (code / 3 + k * 5) % 9
                        return Self.probe(id: pool[n], variant: (code / 27 + k) % 2 == 0 ? n : n + 9, decoy: pool[(n + 1) % 9])
                    }
                    // What the model expects: earlier events of the batch count as present.
                    var staged = model, next = head, refused = false, expected: [(UInt64, Bool)] = []
                    for e in batch {
                        let content = EventCodec.encodeContent(e)
                        if let known = staged[e.id] {
                            if known.content != content { refused = true; break }
                            expected.append((known.sequence, true))
                        } else {
                            next += 1
                            staged[e.id] = (content, next)
                            expected.append((next, false))
                        }
                    }
                    do {
                        let positions = try appendBlocking(current, batch)
                        #expect(!refused, "an id with other content was accepted")
                        #expect(positions.map(\.sequence) == expected.map(\.0))
                        #expect(positions.map(\.alreadyPresent) == expected.map(\.1))
                        model = staged
                        head = next
                    } catch let error as AppendError {
                        #expect(refused, "unexpected failure \(error)")
                        guard case EventLogError.idReusedWithOtherContent? = error.underlying as? EventLogError else {
                            Issue.record("expected an id reused with other content, got \(error)")
                            return
                        }
                    }
                    for (id, entry) in model { #expect(try current.event(id: id)?.sequence == entry.sequence) }
                    let coverage = try current.idIndexCoverage()
                    #expect(coverage.head == head)
                    #expect(coverage.head - coverage.watermarks.lowest < 2 * UInt64(limit), "a range waits at most twice the limit")
                    #expect(try Self.indexedIDs(current) == model.filter { coverage.watermarks.covers($0.key, at: $0.value.sequence) }.count)
                }
                // A reader of the closed log finds every id too, the recent ones from the events.
                log = nil
                let reader = try place.open(readOnly: true)
                for (id, entry) in model { #expect(try reader.event(id: id)?.sequence == entry.sequence) }
                for id in pool where model[id] == nil { #expect(try reader.event(id: id) == nil) }
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func aRefusedBatchLeavesItsIdsFree() throws {
        let place = try Directory(limit: 4)
        let log = try place.open()
        let a = UUID(), b = UUID()
        try log.append([event("s/1", id: UUID()), event("s/1", id: UUID()), event("s/1", id: UUID())])
        // The first event would be recent, and would reach the limit; the second conflicts.
        #expect(throws: AppendError.self) {
            try log.append([event("s/2", id: a, value: 1), event("s/1", expected: .exactly(0), id: b)])
        }
        let position = try log.append(event("s/2", id: a, value: 2))
        #expect(position.sequence == 4 && !position.alreadyPresent)
        #expect(try log.event(id: a)?.payload == .object([("value", .integer(2))]))
        #expect(try log.event(id: b) == nil)
        let coverage = try log.idIndexCoverage()
        #expect(coverage.head == 4 && coverage.watermarks.through.filter { $0 == 4 } == [4], "one range indexed")
        #expect(try Self.indexedIDs(log) == (try log.read(limit: 4)).filter { coverage.watermarks.covers($0.id, at: $0.sequence) }.count)
    }

    @Test func aFirstFormatLogIsReadAsItIsAndBecomesTheSecondWhenOpenedForWriting() throws {
        let place = try Directory(limit: 1_000)
        let ids = (0..<5).map { _ in UUID() }
        do {
            // A /2 log whose every id is indexed, turned into what pledger-log/1 wrote: no watermark.
            let log = try place.open()
            try log.append(ids.map { event("s/1", id: $0) })
            try log.lmdb.write { txn in
                let meta = try log.lmdb.database("meta"), index = try log.lmdb.database("ids")
                for (n, id) in ids.enumerated() {
                    try txn.put(withUnsafeBytes(of: UInt64(n + 1).bigEndian, Array.init), forKey: withUnsafeBytes(of: id.uuid, Array.init), in: index)
                }
                _ = try txn.delete(Array("ids-through".utf8), in: meta)
                try txn.put(Array("pledger-log/1".utf8), forKey: Array("format".utf8), in: meta)
            }
        }
        func format(_ log: EventLog) throws -> String? {
            try log.lmdb.read { try $0.value(in: try log.lmdb.database("meta"), forKey: Array("format".utf8)) }.map { String(decoding: $0, as: UTF8.self) }
        }
        do {
            let reader = try place.open(readOnly: true)
            #expect(try format(reader) == "pledger-log/1")
            #expect(try reader.idIndexCoverage() == (watermarks: IDWatermarks(allThrough: 5), head: 5))
            #expect(try ids.map { try reader.event(id: $0)?.sequence } == [1, 2, 3, 4, 5])
        }
        let writer = try place.open()
        #expect(try format(writer) == "pledger-log/2")
        #expect(try writer.idIndexCoverage() == (watermarks: IDWatermarks(allThrough: 5), head: 5))
        let later = UUID()
        try writer.append(event("s/1", id: later))
        #expect(try writer.idIndexCoverage() == (watermarks: IDWatermarks(allThrough: 5), head: 6))
        #expect(try writer.append(event("s/1", id: ids[2])).alreadyPresent)
        #expect(try writer.event(id: later)?.sequence == 6)
    }

    @Test func anUnknownFormatIsRefused() throws {
        let place = try Directory(limit: 1_000)
        do {
            let log = try place.open()
            try log.lmdb.write { txn in
                try txn.put(Array("pledger-log/3".utf8), forKey: Array("format".utf8), in: try log.lmdb.database("meta"))
            }
        }
        #expect(throws: EventLogError.unsupportedFormat(found: "pledger-log/3")) { _ = try place.open() }
    }
}
