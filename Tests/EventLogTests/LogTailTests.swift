import EventLog
import Foundation
import LMDB
import PropertyBased
import TestSupport
import Testing

/// The ids and stream entries of the newest events wait to be indexed in bulk (`LogTail`): lookups by id,
/// stream reads, versions and idempotent appends must not tell the difference, across the watermarks,
/// restarts and failed batches.
@Suite struct LogTailTests {
    /// A log directory opened and reopened with a given bulk-index limit.
    struct Directory {
        let directory: TemporaryDirectory
        let limit: Int
        var path: String { directory.path + "/log" }

        init(limit: Int) throws {
            directory = try TemporaryDirectory()
            self.limit = limit
        }

        func open(readOnly: Bool = false) throws -> EventLog { try openLog(path, limit: limit, readOnly: readOnly) }
    }

    /// Entries in the `ids` index.
    static func indexedIDs(_ log: EventLog) throws -> Int { try StoredIDs.entries(log).count }

    /// Events the index `name` holds: for `types` and `effective` the sequence numbers of each entry
    /// (`SequenceChunkTests.entries`: 8 bytes each, or the key's alone when the value is empty).
    static func indexed(_ log: EventLog, _ name: String) throws -> Int {
        if name == "ids" { return try indexedIDs(log) }
        if name == "streams" { return try StoredStreams.entries(log).count }
        return try SequenceChunkTests.entries(log, name).reduce(0) { $0 + $1.numbers.count }
    }

    /// An event whose actor holds the text of another event's id member: finding an id in stored bytes
    /// must take the envelope's own. Its stream, type and effective date vary with `variant`.
    static func probe(id: UUID, variant: Int, decoy: UUID) -> ProposedEvent {
        ProposedEvent(id: id, stream: StreamName(stringLiteral: "s/\(variant % 5)"), type: ["Probed", "Checked", "Counted"][variant % 3],
                      effective: CalendarDate(daysSinceEpoch: 20_480 + Int64(variant % 4)), actor: "x\",\"id\":\"\(decoy.canonicalString)\"",
                      rationale: ",\"id\":\"\(decoy.canonicalString)", source: "test", payload: ["variant": .integer(Int64(variant))])
    }

    @Test func lookupsStreamReadsAndRepeatedAppendsMatchAModelAcrossTheWatermarksAndRestarts() async {
        // Each step: a batch of 1–3 events with ids from a pool of 9 and one of two contents each, or a restart.
        await propertyCheck(count: 40, input: Gen.int(in: 1...5), Gen.int(in: 0...999).array(of: 1...30)) { limit, codes in
            do {
                let pool = (0..<9).map { UUID(derivedFrom: "recent-ids/\($0)") }
                let place = try Directory(limit: limit)
                var log: EventLog? = try place.open()
                var model: [UUID: (content: [UInt8], sequence: UInt64)] = [:]
                var streams: [StreamName: [UInt64]] = [:]   // each stream's sequence numbers, in version order
                var written: [ProposedEvent] = []   // the events appended, in sequence order
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
                    var staged = model, stagedStreams = streams, stagedWritten = written, next = head, refused = false, expected: [(UInt64, Bool)] = []
                    for e in batch {
                        let content = EventCodec.encodeContent(e)
                        if let known = staged[e.id] {
                            if known.content != content { refused = true; break }
                            expected.append((known.sequence, true))
                        } else {
                            next += 1
                            staged[e.id] = (content, next)
                            stagedStreams[e.stream, default: []].append(next)
                            stagedWritten.append(e)
                            expected.append((next, false))
                        }
                    }
                    do {
                        let positions = try appendBlocking(current, batch)
                        #expect(!refused, "an id with other content was accepted")
                        #expect(positions.map(\.sequence) == expected.map(\.0))
                        #expect(positions.map(\.alreadyPresent) == expected.map(\.1))
                        #expect(positions.map { p in stagedStreams[p.stream]?.firstIndex(of: p.sequence).map { UInt64($0 + 1) } } == positions.map(\.version))
                        model = staged
                        streams = stagedStreams
                        written = stagedWritten
                        head = next
                    } catch let error as AppendError {
                        #expect(refused, "unexpected failure \(error)")
                        guard case EventLogError.idReusedWithOtherContent? = error.underlying as? EventLogError else {
                            Issue.record("expected an id reused with other content, got \(error)")
                            return
                        }
                    }
                    for (id, entry) in model { #expect(try current.event(id: id)?.sequence == entry.sequence) }
                    try Self.expectStreams(of: current, as: streams)
                    try Self.expectTypesAndDates(of: current, as: written)
                    let coverage = try current.indexCoverage()
                    #expect(coverage.head == head)
                    #expect(coverage.head - coverage.ids.lowest < 2 * UInt64(limit), "an id range waits at most twice the limit")
                    #expect(coverage.head - coverage.streams.lowest < 2 * UInt64(limit), "a stream range waits at most twice the limit")
                    #expect(try Self.indexedIDs(current) == model.filter { coverage.ids.covers($0.key, at: $0.value.sequence) }.count)
                    #expect(try Self.indexed(current, "streams") == streams.map { s, seqs in seqs.filter { coverage.streams.covers(s, at: $0) }.count }.reduce(0, +))
                    #expect(coverage.head - coverage.types.lowest < 2 * UInt64(limit), "a type range waits at most twice the limit")
                    #expect(coverage.head - coverage.effective.lowest < 2 * UInt64(limit), "a date range waits at most twice the limit")
                    #expect(try Self.indexed(current, "types") == written.indices.filter { coverage.types.covers(ofName: written[$0].type, at: UInt64($0 + 1)) }.count)
                    #expect(try Self.indexed(current, "effective")
                            == written.indices.filter { coverage.effective.covers(ofName: written[$0].effective.description, at: UInt64($0 + 1)) }.count)
                    // The log's own count of what each index should hold agrees with the model's.
                    let counts = try current.indexEntryCounts()
                    #expect(try counts.map(\.stored) == ["ids", "streams", "types", "effective"].map { try Self.indexed(current, $0) })
                    #expect(counts.map(\.covered) == counts.map(\.stored))
                }
                // A reader of the closed log finds every id and stream event too, the waiting ones from the events.
                log = nil
                let reader = try place.open(readOnly: true)
                for (id, entry) in model { #expect(try reader.event(id: id)?.sequence == entry.sequence) }
                for id in pool where model[id] == nil { #expect(try reader.event(id: id) == nil) }
                try Self.expectStreams(of: reader, as: streams)
                try Self.expectTypesAndDates(of: reader, as: written)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    /// Every way of reading a stream gives the model's events: its version, its events forwards and
    /// backwards (from the middle too), and the list of streams.
    static func expectStreams(of log: EventLog, as streams: [StreamName: [UInt64]]) throws {
        #expect(try log.streamNames() == streams.keys.sorted())
        for n in 0..<6 {
            let stream = StreamName(stringLiteral: "s/\(n)")
            let seqs = streams[stream] ?? []
            #expect(try log.version(of: stream) == UInt64(seqs.count))
            #expect(try log.events(in: stream).map(\.sequence) == seqs)
            #expect(try log.events(in: stream).map(\.version) == seqs.indices.map { UInt64($0 + 1) })
            #expect(try log.read(from: .max, direction: .backward, filter: .init(stream: stream), limit: 100).map(\.sequence) == seqs.reversed())
            if let middle = seqs.dropFirst(seqs.count / 2).first {
                #expect(try log.events(in: stream, through: middle).map(\.sequence) == seqs.filter { $0 <= middle })
                #expect(try log.read(from: middle, direction: .backward, filter: .init(stream: stream), limit: 100).map(\.sequence)
                        == seqs.filter { $0 <= middle }.reversed())
                let events = try log.events(in: stream), type = events.last?.type
                #expect(try log.read(from: middle, filter: .init(stream: stream, type: type), limit: 100).map(\.sequence)
                        == events.filter { $0.sequence >= middle && $0.type == type }.map(\.sequence))
                #expect(try log.read(from: middle, direction: .backward, filter: .init(stream: stream, type: type), limit: 100).map(\.sequence)
                        == events.filter { $0.sequence <= middle && $0.type == type }.map(\.sequence).reversed())
            }
        }
    }

    /// Reads by type (forwards, backwards, from the middle) and by effective date give the events
    /// appended (`written`, in sequence order).
    static func expectTypesAndDates(of log: EventLog, as written: [ProposedEvent]) throws {
        let seqs = written.indices.map { UInt64($0 + 1) }
        for type in ["Probed", "Checked", "Counted"] {
            let ofType = seqs.filter { written[Int($0) - 1].type == type }
            #expect(try log.read(filter: .init(type: type), limit: 1_000).map(\.sequence) == ofType)
            #expect(try log.read(from: .max, direction: .backward, filter: .init(type: type), limit: 1_000).map(\.sequence) == ofType.reversed())
            let middle = UInt64(written.count / 2)
            #expect(try log.read(from: middle, filter: .init(type: type), limit: 1_000).map(\.sequence) == ofType.filter { $0 >= middle })
            #expect(try log.read(from: middle, direction: .backward, filter: .init(type: type), limit: 2).map(\.sequence)
                    == Array(ofType.filter { $0 <= middle }.reversed().prefix(2)))
        }
        let days = (0..<4).map { CalendarDate(daysSinceEpoch: 20_480 + Int64($0)) }
        for (low, high) in [(0, 3), (1, 2), (2, 2)] {
            let expected = seqs.filter { (days[low]...days[high]).contains(written[Int($0) - 1].effective) }
                .sorted { (written[Int($0) - 1].effective, $0) < (written[Int($1) - 1].effective, $1) }
            #expect(try log.sequences(effectiveIn: days[low]...days[high]) == expected)
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
        let coverage = try log.indexCoverage()
        #expect(coverage.head == 4 && coverage.ids.through.filter { $0 == 4 } == [4], "one range indexed")
        #expect(try Self.indexedIDs(log) == (try log.read(limit: 4)).filter { coverage.ids.covers($0.id, at: $0.sequence) }.count)
        #expect(try log.version(of: "s/1") == 3 && log.version(of: "s/2") == 1)
    }

    /// An index entry found already there when the tail's entries are written in bulk is damage: the
    /// batch that brought the bulk write is refused, naming the event and the index, and the entry and
    /// the log stay as they were.
    @Test func anEntryAlreadyInAnIndexIsReportedNotOverwritten() throws {
        let place = try Directory(limit: 4)
        let log = try place.open()
        try log.append([event("s/1"), event("s/1"), event("s/1")])
        // `IndicatorMeasured` 0x00 and event 2's sequence number: its entry in `types`, put there early.
        let key = Array("IndicatorMeasured".utf8) + [0] + withUnsafeBytes(of: UInt64(2).bigEndian, Array.init)
        let types = try log.lmdb.database("types")
        try log.lmdb.write { txn in try txn.put([0xAB], forKey: key, in: types) }
        // Appends go on until the range holding that type is written (one range of several at a time).
        var refused: (any Error)?
        var before: UInt64 = 3
        while refused == nil, before < 300 {
            do { before = try log.append(event("s/1")).sequence } catch { refused = error }
        }
        let error = try #require(refused, "the entry already there was never met")
        #expect("\(error)".contains("event 2") && "\(error)".contains("already in the types index"), "\(error)")
        #expect(try log.head().sequence == before, "the refused batch left nothing")
        #expect(try log.lmdb.read { txn in try txn.value(in: types, forKey: key) } == [0xAB])
    }

    /// A `/1` log (every id and stream entry indexed as appended, no watermarks) and a `/2` log (ids in
    /// bulk, every stream entry indexed as appended, no `streams-through`), both with their hashes in
    /// `leaves` and `tree`, are read as they are, and become the current format when opened for writing, their
    /// watermarks at their head (`HashesUpgradeTests` follows their hashes).
    @Test(arguments: [1, 2])
    func anEarlierFormatLogIsReadAsItIsAndBecomesTheCurrentWhenOpenedForWriting(format version: Int) throws {
        let place = try Directory(limit: 1_000)
        let ids = (0..<5).map { _ in UUID() }
        let streams: [StreamName] = ["s/1", "s/2", "s/1", "s/3", "s/1"]
        do {
            // A /3 log whose every entry is indexed, turned into what the earlier format wrote.
            let log = try place.open()
            try log.append(zip(ids, streams).map { event($1, id: $0) })
            try log.lmdb.write { txn in
                let meta = try log.lmdb.database("meta")
                if version == 1 {
                    for (n, id) in ids.enumerated() { try txn.put(bigEndianBytes(UInt64(n + 1)), forKey: withUnsafeBytes(of: id.uuid, Array.init), in: try log.lmdb.database("ids")) }
                    _ = try txn.delete(Array("ids-through".utf8), in: meta)
                }
                var versions: [StreamName: UInt64] = [:]
                for (n, stream) in streams.enumerated() {
                    versions[stream, default: 0] += 1
                    try txn.put(bigEndianBytes(UInt64(n + 1)), forKey: Array(stream.rawValue.utf8) + [0] + bigEndianBytes(versions[stream] ?? 0), in: try log.lmdb.database("streams"))
                }
                for n in 1...5 {
                    try txn.put([], forKey: Array("IndicatorMeasured".utf8) + [0] + bigEndianBytes(UInt64(n)), in: try log.lmdb.database("types"))
                    try txn.put([], forKey: Array("2026-03-01".utf8) + [0] + bigEndianBytes(UInt64(n)), in: try log.lmdb.database("effective"))
                }
                for name in ["streams-through", "types-through", "effective-through"] { _ = try txn.delete(Array(name.utf8), in: meta) }
            }
            try StoredHashes.moveToLegacy(log, format: "pledger-log/\(version)")
        }
        func format(_ log: EventLog) throws -> String? {
            try log.lmdb.read { try $0.value(in: try log.lmdb.database("meta"), forKey: Array("format".utf8)) }.map { String(decoding: $0, as: UTF8.self) }
        }
        let model: [StreamName: [UInt64]] = ["s/1": [1, 3, 5], "s/2": [2], "s/3": [4]]
        do {
            let reader = try place.open(readOnly: true)
            #expect(try format(reader) == "pledger-log/\(version)")
            let coverage = try reader.indexCoverage()
            #expect(coverage.streams == IndexWatermarks(allThrough: 5) && coverage.head == 5)
            #expect(coverage.ids == IndexWatermarks(allThrough: version == 1 ? 5 : 0))
            #expect(coverage.types == IndexWatermarks(allThrough: 5) && coverage.effective == IndexWatermarks(allThrough: 5))
            #expect(try ids.map { try reader.event(id: $0)?.sequence } == [1, 2, 3, 4, 5])
            try Self.expectStreams(of: reader, as: model)
            #expect(try reader.verify().size == 5)
            #expect(try reader.read(filter: .init(type: "IndicatorMeasured"), limit: 10).map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(try reader.sequences(effectiveIn: CalendarDate(daysSinceEpoch: 0)...CalendarDate(daysSinceEpoch: 30_000)) == [1, 2, 3, 4, 5])
        }
        let writer = try place.open()
        #expect(try format(writer) == EventLog.formatVersion)
        var coverage = try writer.indexCoverage()
        #expect(coverage.streams == IndexWatermarks(allThrough: 5) && coverage.head == 5)
        #expect(coverage.ids == IndexWatermarks(allThrough: version == 1 ? 5 : 0))
        let later = UUID()
        try writer.append(event("s/2", expected: .exactly(1), id: later))
        coverage = try writer.indexCoverage()
        #expect(coverage.streams == IndexWatermarks(allThrough: 5) && coverage.head == 6)
        #expect(coverage.types == IndexWatermarks(allThrough: 5) && coverage.effective == IndexWatermarks(allThrough: 5))
        #expect(try writer.read(filter: .init(type: "IndicatorMeasured"), limit: 10).map(\.sequence) == [1, 2, 3, 4, 5, 6])
        #expect(try writer.sequences(effectiveIn: CalendarDate(daysSinceEpoch: 0)...CalendarDate(daysSinceEpoch: 30_000)) == [1, 2, 3, 4, 5, 6])
        #expect(try writer.append(event("s/1", id: ids[2])).alreadyPresent)
        #expect(try writer.event(id: later)?.sequence == 6)
        try Self.expectStreams(of: writer, as: ["s/1": [1, 3, 5], "s/2": [2, 6], "s/3": [4]])
        #expect(try writer.verify().size == 6)
    }

    @Test func anUnknownFormatIsRefused() throws {
        let place = try Directory(limit: 1_000)
        do {
            let log = try place.open()
            try log.lmdb.write { txn in
                try txn.put(Array("pledger-log/99".utf8), forKey: Array("format".utf8), in: try log.lmdb.database("meta"))
            }
        }
        #expect(throws: EventLogError.unsupportedFormat(found: "pledger-log/99")) { _ = try place.open() }
    }
}
