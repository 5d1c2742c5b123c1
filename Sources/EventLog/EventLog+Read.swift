import Foundation
import LMDB

extension EventLog {
    /// Which way a scan walks the log.
    public enum Direction: Sendable { case forward, backward }

    /// Which events a scan yields.
    public struct Filter: Sendable, Equatable {
        public var stream: StreamName?
        public var type: String?
        public init(stream: StreamName? = nil, type: String? = nil) {
            self.stream = stream
            self.type = type
        }
    }

    /// The last sequence number and recorded time; zero for an empty log.
    public func head() throws -> LogHead { try environment.read { try head(in: $0) } }

    /// The last event in `events` as `txn` sees it: its sequence number, and the recorded time its
    /// bytes hold. Read from the event itself, not kept apart: a commit then writes no page for it
    /// (docs/FORMAT.md §6).
    func head(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> LogHead {
        try txn.withCursor(events) { c in
            guard let last = try c.lastEvent() else { return LogHead(sequence: 0, recorded: Timestamp(microsecondsSinceEpoch: 0)) }
            let sequence = Key.decodeSequence(last.key)
            guard let recorded = Self.claimedRecorded(last.value) else {
                throw EventLogError.damaged(sequence: sequence, reason: "no recorded time in canonical form")
            }
            return LogHead(sequence: sequence, recorded: recorded)
        }
    }

    /// The sequence number of ``head(in:)``, without reading the recorded time.
    func headSequence(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> UInt64 {
        try txn.withCursor(events) { c in try c.lastEvent().map { Key.decodeSequence($0.key) } ?? 0 }
    }

    /// The top-level `recorded` time of canonical event bytes: after the last `,"recorded":"` (the
    /// payload, which may hold its own, sorts before it, and every member after it is a string or an
    /// integer, in which the text cannot occur), 27 bytes in the canonical form, then `"`.
    static func claimedRecorded(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        let needle = Array(#","recorded":""#.utf8)
        var i = bytes.count - needle.count - 28
        while i >= 0 {
            if bytes[i] == needle[0], bytes[i + 2] == needle[2], bytes[i + 3] == needle[3],
               UnsafeRawBufferPointer(rebasing: bytes[i ..< i + needle.count]).elementsEqual(needle) {
                let start = i + needle.count
                guard bytes[start + 27] == UInt8(ascii: "\"") else { return nil }
                return UnsafeRawBufferPointer(rebasing: bytes[start ..< start + 27]).withMemoryRebound(to: UInt8.self) {
                    Timestamp(canonicalUTF8: $0)
                }
            }
            i -= 1
        }
        return nil
    }

    /// The current version of `stream`: its number of events, 0 when it has none.
    public func version(of stream: StreamName) throws -> UInt64 { try environment.read { try version(of: stream, in: $0) } }

    /// The version of `stream` as `txn` sees it; `tail`, inside an appending transaction, is its own
    /// waiting entries (a read transaction reads them through ``readerTail``).
    func version(of stream: StreamName, in txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail? = nil) throws -> UInt64 {
        if let last = try waitingEntries(of: stream, in: txn, tail: tail).last { return last.version }
        if let indexed = try indexedVersion(of: stream, in: txn) { return indexed }
        // The stream's last entry: the one before the first key past (name, 0x00, 2⁶⁴ − 1). The probe is
        // made on the stack and the entry's name compared where it lies (two arrays and a generic
        // comparison a read before, about a third of a version read: callgrind, Round 21 in
        // docs/BENCHMARKS.md).
        return try stream.withUTF8 { name in
            try withUnsafeTemporaryAllocation(byteCount: name.count + 9, alignment: 8) { probe in
                probe.copyMemory(from: name)
                probe[name.count] = 0
                probe.storeBytes(of: UInt64.max, toByteOffset: name.count + 1, as: UInt64.self)
                return try txn.withCursor(streams) { c in
                    let entry = try c.seek(atLeast: UnsafeRawBufferPointer(probe)) != nil ? try c.previous() : try c.last()
                    guard let key = entry?.key, key.count == name.count + 9, key[name.count] == 0,
                          UnsafeRawBufferPointer(rebasing: key[..<name.count]).elementsEqual(name) else { return 0 }
                    return Key.decodeSequence(UnsafeRawBufferPointer(rebasing: key[(name.count + 1)...]))
                }
            }
        }
    }

    /// The event at sequence number `sequence`, if any.
    public func event(at sequence: UInt64) throws -> RecordedEvent? {
        try environment.read { try event(at: sequence, in: $0) }
    }

    func event(at sequence: UInt64, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RecordedEvent? {
        try stored(at: sequence, in: txn, EventCodec.decodeRecorded)
    }

    /// The event stored at `sequence`, if any, read by `decode` from its bytes (a whole event, or its
    /// payload alone): bytes that do not decode are ``EventLogError/damaged(sequence:reason:)``.
    func stored<T>(at sequence: UInt64, in txn: borrowing some ReadableTransaction & ~Copyable,
                   _ decode: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try Key.sequence(sequence).withUnsafeBytes { k in
            try txn.withValue(in: events, forKey: k) { bytes in
                try bytes.map { try Self.decodeStored($0, sequence: sequence, decode) }
            }
        }
    }

    /// The event with id `id`, if any.
    public func event(id: UUID) throws -> RecordedEvent? { try environment.read { try event(id: id, in: $0) } }

    func event(id: UUID, in txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail? = nil) throws -> RecordedEvent? {
        guard let seq = try sequence(ofEvent: id, in: txn, tail: tail) else { return nil }
        return try event(at: seq, in: txn)
    }

    /// The sequence number of the event with id `id`: from the `ids` index, else from the waiting ids
    /// (`tail`, an appending transaction's own; else this process's reader tail brought to the state of
    /// the log `txn` sees).
    func sequence(ofEvent id: UUID, in txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail? = nil) throws -> UInt64? {
        if let indexed = try indexedSequence(ofEvent: id, in: txn) { return indexed }
        return try fromTail(in: txn, tail: tail) { $0.sequence(of: id, through: $1?.head ?? .max) }
    }

    /// The sequence number the `ids` index holds for `id`, if any (not the waiting ids).
    ///
    /// In the runs whose filters may hold it (``IDRuns``), or in the tree of a `/4` or earlier log.
    func indexedSequence(ofEvent id: UUID, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> UInt64? {
        try indexedSequences(ofEvents: [id], in: txn)[0]
    }

    /// `read`'s answer from the entries the indexes written in bulk do not hold as `txn` sees them:
    /// `tail`'s, inside an appending transaction (its own, all of it: the state passed is nil); else
    /// this process's reader tail's, brought to the state of the log `txn` sees (passed: `read` must
    /// leave out entries after its head or in its indexes).
    ///
    /// A write transaction must pass its tail: the reader tail keeps only committed states.
    func fromTail<T>(in txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail?,
                     _ read: (LogTail, IndexState?) throws -> T) throws -> T {
        if let tail { return try read(tail, nil) }
        let state = try indexState(in: txn)
        return try readerTail.withTail(state, log: self, in: txn) { try read($0, state) }
    }

    /// The entries of `stream` that the `streams` index does not hold as `txn` sees it, in version order.
    func waitingEntries(of stream: StreamName, in txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail?) throws -> [LogTail.StreamEntry] {
        try fromTail(in: txn, tail: tail) { $0.streams.entries(of: stream, through: $1?.head ?? .max, after: $1?.streams) }
    }

    /// What a transaction sees of the indexes written in bulk: how far each reaches, and the head.
    struct IndexState: Equatable {
        var ids: IndexWatermarks
        var streams: IndexWatermarks
        var types: IndexWatermarks
        var effective: IndexWatermarks
        var head: UInt64

        /// The lowest watermark of all: the events after it may have entries an index does not hold.
        var lowest: UInt64 { min(ids.lowest, streams.lowest, types.lowest, effective.lowest) }
    }

    /// The index state `txn` sees; `head`, when given, is its head's sequence number, already read.
    func indexState(in txn: borrowing some ReadableTransaction & ~Copyable, head known: UInt64? = nil) throws -> IndexState {
        let head = try known ?? headSequence(in: txn)
        return IndexState(ids: try watermarks(Key.idsThrough, of: "ids", head: head, in: txn),
                          streams: try watermarks(Key.streamsThrough, of: "streams", head: head, in: txn),
                          types: try watermarks(Key.typesThrough, of: "types", head: head, in: txn),
                          effective: try watermarks(Key.effectiveThrough, of: "effective", head: head, in: txn), head: head)
    }

    /// How far an index reaches: the watermarks in `meta` under `key`, or `head` for a log of a format
    /// that indexed every entry as it was appended (`pledger-log/1` all four, `/2` all but the ids).
    private func watermarks(_ key: [UInt8], of index: String, head: UInt64,
                            in txn: borrowing some ReadableTransaction & ~Copyable) throws -> IndexWatermarks {
        // Decoded where LMDB keeps them, not copied out first.
        let read = try key.withUnsafeBytes { k in
            try txn.withValue(in: meta, forKey: k) { bytes in bytes.map { (IndexWatermarks(bytes: $0), $0.count) } }
        }
        guard let (decoded, count) = read else { return IndexWatermarks(allThrough: head) }
        guard let watermarks = decoded else {
            throw EventLogError.damaged(sequence: 0, reason: "the \(index) watermarks are \(count) bytes, not \(8 * IndexWatermarks.rangeCount)")
        }
        guard watermarks.through.allSatisfy({ $0 <= head }) else {
            throw EventLogError.damaged(sequence: head, reason: "the \(index) watermarks \(watermarks.through) pass the head")
        }
        return watermarks
    }

    /// How far the indexes written in bulk reach, and the head. The entries of the events after their
    /// range's watermark are found from the events themselves (docs/FORMAT.md).
    public func indexCoverage() throws -> IndexCoverage {
        try environment.read { txn in
            let state = try indexState(in: txn)
            return IndexCoverage(ids: state.ids, streams: state.streams, types: state.types, effective: state.effective, head: state.head)
        }
    }

    /// How far the indexes written in bulk reach (``IndexWatermarks``), and the head.
    public struct IndexCoverage: Sendable, Equatable {
        public var ids: IndexWatermarks
        public var streams: IndexWatermarks
        public var types: IndexWatermarks
        public var effective: IndexWatermarks
        public var head: UInt64
    }

    /// The events at these sequence numbers, in the order given, read in one snapshot; missing ones are left out.
    public func events(at sequences: [UInt64]) throws -> [RecordedEvent] {
        try environment.read { txn in try sequences.compactMap { try event(at: $0, in: txn) } }
    }

    /// The events of `stream`, oldest first.
    public func events(in stream: StreamName) throws -> [RecordedEvent] {
        try environment.read { try events(in: stream, transaction: $0) }
    }

    /// The events of `stream` with sequence numbers up to `last`, in sequence order: what a projection
    /// folding the log through `last` needs. The stream's later events are not read: a replay refolding a
    /// stream early in the log decoded its whole final history and dropped most of it (4 s of a 25 s
    /// replay of a million events).
    public func events(in stream: StreamName, through last: UInt64) throws -> [RecordedEvent] {
        try environment.read { try events(in: stream, through: last, transaction: $0) }
    }

    func events(in stream: StreamName, through last: UInt64 = .max,
                transaction txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail? = nil) throws -> [RecordedEvent] {
        try stored(in: stream, through: last, transaction: txn, tail: tail, EventCodec.decodeRecorded)
    }

    /// The stored events of `stream` with sequence numbers up to `last`, in sequence order, each read by
    /// `decode` from its bytes (``stored(at:in:_:)``): whole events, or their envelopes alone.
    func stored<T>(in stream: StreamName, through last: UInt64 = .max, transaction txn: borrowing some ReadableTransaction & ~Copyable,
                   tail: LogTail? = nil, _ decode: (UnsafeRawBufferPointer) throws -> T) throws -> [T] {
        var out: [T] = []
        try scanSequences(filter: Filter(stream: stream), from: 1, direction: .forward, in: txn, tail: tail) { seq in
            guard seq <= last else { return false }
            if let e = try stored(at: seq, in: txn, decode) { out.append(e) }
            return true
        }
        return out
    }

    /// The stored event `bytes` at `sequence`, read by `decode` (a whole event by default); bytes that do
    /// not decode are ``EventLogError/damaged(sequence:reason:)``.
    static func decodeStored<T>(_ bytes: UnsafeRawBufferPointer, sequence: UInt64,
                                _ decode: (UnsafeRawBufferPointer) throws -> T = EventCodec.decodeRecorded) throws -> T {
        do {
            return try decode(bytes)
        } catch {
            throw EventLogError.damaged(sequence: sequence, reason: "\(error)")
        }
    }

    /// Calls `body` with each matching event from sequence `start` in `direction`, in one consistent
    /// snapshot, until `body` returns false. Events are decoded one at a time: the log is never loaded whole.
    @available(*, noasync, message: "a scan holds a read transaction")
    public func scan(
        from start: UInt64 = 1, direction: Direction = .forward, filter: Filter = .init(),
        _ body: (RecordedEvent) throws -> Bool
    ) throws {
        try environment.read { txn in
            try scanRaw(from: start, direction: direction, filter: filter, in: txn) { seq, bytes in
                try body(try Self.decodeStored(bytes, sequence: seq))
            }
        }
    }

    /// Calls `body` with the sequence number and canonical bytes of each matching event, without
    /// decoding them. The bytes are valid only during the call.
    @available(*, noasync, message: "a scan holds a read transaction")
    public func scanCanonical(
        from start: UInt64 = 1, direction: Direction = .forward, filter: Filter = .init(),
        _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try environment.read { txn in try scanRaw(from: start, direction: direction, filter: filter, in: txn, body) }
    }

    /// Up to `limit` matching events from `start`, as copies.
    public func read(from start: UInt64 = 1, direction: Direction = .forward, filter: Filter = .init(), limit: Int) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        guard limit > 0 else { return out }
        try scan(from: start, direction: direction, filter: filter) { e in
            out.append(e)
            return out.count < limit
        }
        return out
    }

    /// The stored leaf hash of event `sequence`.
    public func storedLeafHash(at sequence: UInt64) throws -> [UInt8]? {
        try environment.read { try storedTree($0).leafHash(of: sequence) }
    }

    /// Calls `body` with every event's sequence number, canonical bytes and stored leaf hash, in order.
    @available(*, noasync, message: "a scan holds a read transaction")
    public func scanWithLeafHashes(_ body: (UInt64, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        try environment.read { txn in
            let stored = storedTree(txn)
            try txn.withCursor(events) { ec in
                var e = try ec.firstEvent()
                while let ev = e {
                    let seq = Key.decodeSequence(ev.key)
                    let bytes = ev.value
                    // The hashes come right after the event; an upgraded log's earlier events have theirs in `leaves`.
                    e = try ec.next()
                    if let h = e, Key.sequence(ofHashes: h.key) == seq {
                        guard try body(seq, bytes, UnsafeRawBufferPointer(rebasing: h.value.prefix(32))) else { return }
                        e = try ec.nextEvent()
                    } else {
                        let leaf = try stored.leafHash(of: seq) ?? []
                        guard try leaf.withUnsafeBytes({ try body(seq, bytes, $0) }) else { return }
                        if let h = e, !Key.isEvent(h.key) { e = try ec.nextEvent() }
                    }
                }
            }
        }
    }

    private func scanRaw(
        from start: UInt64, direction: Direction, filter: Filter,
        in txn: borrowing ReadTransaction, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        if filter.stream == nil, filter.type == nil {
            try txn.withCursor(events) { c in
                var entry = direction == .forward ? try c.seekEvent(atLeast: start) : try c.seekEvent(atMost: start)
                while let e = entry {
                    guard try body(Key.decodeSequence(e.key), e.value) else { return }
                    entry = direction == .forward ? try c.nextEvent() : try c.previousEvent()
                }
            }
            return
        }
        try scanSequences(filter: filter, from: start, direction: direction, in: txn) { seq in
            let key = Key.sequence(seq)
            return try key.withUnsafeBytes { k in
                try txn.withValue(in: events, forKey: k) { bytes in
                    guard let bytes else { throw EventLogError.damaged(sequence: seq, reason: "indexed but not stored") }
                    return try body(seq, bytes)
                }
            }
        }
    }

    /// Walks the sequence numbers that match a stream and/or type filter, using the index that fits.
    /// A stream's newest events come from its waiting entries (``waitingEntries(of:in:tail:)``): `tail`
    /// is an appending transaction's own.
    func scanSequences(
        filter: Filter, from start: UInt64, direction: Direction,
        in txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail? = nil, _ body: (UInt64) throws -> Bool
    ) throws {
        if let stream = filter.stream {
            // Versions and sequence numbers rise together: the index's entries come before the waiting ones.
            let waiting = try waitingEntries(of: stream, in: txn, tail: tail)
            let waitingOfType = try filter.type.map { Set(try waitingSequences(ofType: $0, in: txn, tail: tail)) }
            // Whether to go on after `seq`.
            func visit(_ seq: UInt64) throws -> Bool {
                guard direction == .forward ? seq >= start : seq <= start else { return true }
                if let type = filter.type, waitingOfType?.contains(seq) != true, try !typesIndexHolds(type, seq, in: txn) { return true }
                return try body(seq)
            }
            if direction == .backward {
                for entry in waiting.reversed() where try !visit(entry.sequence) { return }
            }
            // The stream's indexed entries, in version order.
            let indexed = try indexedEntries(of: stream, in: txn)
            var finished = false
            for entry in direction == .forward ? AnySequence(indexed) : AnySequence(indexed.reversed()) where try !visit(entry.sequence) {
                finished = true
                break
            }
            if direction == .forward, !finished {
                for entry in waiting where try !visit(entry.sequence) { return }
            }
        } else if let type = filter.type {
            // The index's entries come before the waiting ones.
            let waiting = try waitingSequences(ofType: type, in: txn, tail: tail)
            if direction == .backward {
                for seq in waiting.reversed() where seq <= start { guard try body(seq) else { return } }
            }
            let prefix = Key.namePrefix(type.utf8)
            let finished = try txn.withCursor(types) { c in
                // The type's entry holding `start` or the last before it (each entry a range of the
                // type's events, ``SequenceChunk``); going forward, else its first after `start`.
                var entry = try c.seek(atMost: Key.named(type, start))
                if direction == .forward, entry.map({ !SequenceChunk.isEntry($0.key, of: prefix) }) ?? true {
                    entry = try c.seek(atLeast: Key.named(type, start))
                }
                while let e = entry, SequenceChunk.isEntry(e.key, of: prefix) {
                    let all = try SequenceChunk.forEach(key: e.key, value: e.value, index: "types", backward: direction == .backward) { seq in
                        guard direction == .forward ? seq >= start : seq <= start else { return true }
                        return try body(seq)
                    }
                    guard all else { return true }
                    entry = direction == .forward ? try c.next() : try c.previous()
                }
                return false
            }
            if direction == .forward, !finished {
                for seq in waiting where seq >= start { guard try body(seq) else { return } }
            }
        }
    }

    /// Whether the `types` index holds event `sequence` under `type`, as `txn` sees it: in the type's
    /// entry at or before it (``SequenceChunk``).
    func typesIndexHolds(_ type: String, _ sequence: UInt64, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> Bool {
        let prefix = Key.namePrefix(type.utf8)
        return try txn.withCursor(types) { c in
            guard let e = try c.seek(atMost: Key.named(type, sequence)), SequenceChunk.isEntry(e.key, of: prefix) else { return false }
            return try SequenceChunk.contains(sequence, key: e.key, value: e.value, index: "types")
        }
    }

    /// The events of type `type` that the `types` index does not hold as `txn` sees it, in sequence order.
    func waitingSequences(ofType type: String, in txn: borrowing some ReadableTransaction & ~Copyable, tail: LogTail?) throws -> [UInt64] {
        try fromTail(in: txn, tail: tail) { $0.types.entries(of: IndexName(type), through: $1?.head ?? .max, after: $1?.types) }
    }

    /// Sequence numbers of events whose effective date lies in `range`, in date order then sequence
    /// order: the `effective` index's, merged with the waiting ones.
    public func sequences(effectiveIn range: ClosedRange<CalendarDate>) throws -> [UInt64] {
        try environment.read { txn in
            let lower = range.lowerBound.description, upper = range.upperBound.description
            let indexed = try txn.withCursor(effective) { c in
                var out: [(date: String, sequence: UInt64)] = []
                var entry = try c.seek(atLeast: Array(lower.utf8))
                let upperBytes = Array(upper.utf8)
                while let e = entry, e.key.count == 19 {
                    let dateBytes = e.key[0..<10]
                    if dateBytes.lexicographicallyPrecedes(upperBytes) == false && !dateBytes.elementsEqual(upperBytes) { break }
                    let date = String(decoding: dateBytes, as: UTF8.self)
                    _ = try SequenceChunk.forEach(key: e.key, value: e.value, index: "effective") { out.append((date, $0)); return true }
                    entry = try c.next()
                }
                return out
            }
            // Dates as the index writes them (`YYYY-MM-DD`) sort as the dates do.
            let waiting = try fromTail(in: txn, tail: nil) { tail, state in
                tail.effective.waiting(through: state?.head ?? .max, after: state?.effective) { $0.text >= lower && $0.text <= upper }
            }
            guard !waiting.isEmpty else { return indexed.map(\.sequence) }
            return (indexed + waiting.flatMap { date in date.entries.map { (date: date.name.text, sequence: $0) } })
                .sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }.map(\.sequence)
        }
    }

    /// Number of events (the head's sequence number: they run from 1 without gaps), and bytes of the
    /// map in use.
    public func statistics() throws -> (events: Int, mapBytesUsed: Int) {
        let info = environment.info()
        return try environment.read { txn in
            let s = try txn.statistics(events)
            return (Int(try headSequence(in: txn)), (info.lastPage + 1) * s.pageSize)
        }
    }
}

extension EventLog {
    /// Every stream name in the log, in name order: the index's (``indexedStreamNames(in:)``: each run's
    /// names, a stream's entries passed over where they fill chunks), then the streams whose events all
    /// wait outside it.
    public func streamNames() throws -> [StreamName] {
        try environment.read { txn in
            let indexed = try indexedStreamNames(in: txn)
            let state = try indexState(in: txn)
            guard state.head > state.streams.lowest else { return indexed }
            let waiting = try readerTail.withTail(state, log: self, in: txn) { $0.streams.waiting(through: state.head, after: state.streams).map(\.name) }
            return Self.union(indexed, Set(waiting).sorted())
        }
    }
}
