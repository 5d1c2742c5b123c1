import Foundation
import LMDB

/// The entries of the log's newest events that the `ids`, `streams`, `types` and `effective` indexes do
/// not hold yet: id → sequence number, stream → its waiting (version, sequence number) pairs, type and
/// effective date → sequence numbers.
///
/// Why: event ids are random, and a 1,000-event batch touches several hundred streams, so indexing each
/// event in the commit that appends it dirtied one leaf of the id index per event and one leaf of the
/// stream index per stream the batch touched — most of the pages a 1,000-event commit wrote; the type
/// and date indexes cost a single-event commit four of its pages. The log instead writes these indexes
/// in bulk and in key order, one range of entries at a time (``IndexWatermarks``): an appending
/// transaction writes the waiting entries of an index's range whose watermark is lowest once that
/// watermark is ``EventLog/Configuration/bulkIndexLimit`` events behind the head. Until then, those
/// entries are found from the log itself: the events after their range's watermark (`ids-through`,
/// `streams-through`, `types-through`, `effective-through` in `meta`) are the waiting ones; a writer
/// keeps them here between its transactions, and readers keep them here as they last read them
/// (``ReaderCache``).
///
/// Nothing here is needed for durability: the events are the record, the watermarks say what the
/// indexes hold, and the rest is read again from the log after a restart.
final class LogTail {
    /// One waiting entry of the `streams` index: the stream's event at `version` is event `sequence`.
    struct StreamEntry: Equatable {
        var version: UInt64
        var sequence: UInt64
    }

    // The stored properties below are used by one transaction at a time (a writer's between its
    // commits, a reader's as it last read), and no access overlaps another: the runtime's check of each
    // access (about 80 instructions, four times an appended event: callgrind, Round 18 in
    // docs/BENCHMARKS.md) is left out.

    /// How far the `ids` index reaches.
    @exclusivity(unchecked) private(set) var idWatermarks: IndexWatermarks
    /// The last sequence number whose entries this holds (or the indexes hold).
    @exclusivity(unchecked) private(set) var through: UInt64
    /// The waiting ids of each range, in range order (one sequence number each: kept apart from the
    /// named entries, which hold a list per name).
    @exclusivity(unchecked) private var idRanges: [IDTable]
    /// The waiting entries of the `streams` index: each stream's (version, sequence number) pairs.
    @exclusivity(unchecked) private(set) var streams: NamedEntries<StreamName, StreamEntry>
    /// The waiting entries of the `types` index: type name → sequence numbers.
    @exclusivity(unchecked) private(set) var types: NamedEntries<IndexName, UInt64>
    /// The waiting entries of the `effective` index: `YYYY-MM-DD` → sequence numbers.
    @exclusivity(unchecked) private(set) var effective: NamedEntries<IndexName, UInt64>
    /// The last date named by ``name(of:)``, with its name.
    @exclusivity(unchecked) private var lastDate: (date: CalendarDate, name: IndexName)?

    /// An empty tail of a log whose indexes reach as far as `state` says, through sequence `through`.
    init(_ state: EventLog.IndexState, through: UInt64) {
        idWatermarks = state.ids
        streams = NamedEntries(watermarks: state.streams, sequence: \.sequence)
        types = NamedEntries(watermarks: state.types, sequence: { $0 })
        effective = NamedEntries(watermarks: state.effective, sequence: { $0 })
        self.through = through
        idRanges = Array(repeating: IDTable(), count: IndexWatermarks.rangeCount)
    }

    /// The waiting entries of the log as `txn` sees it (`state`: what `indexState(in:head:)` reads),
    /// read from its events after the lowest watermark.
    static func read(from log: EventLog, _ state: EventLog.IndexState, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> LogTail {
        let tail = LogTail(state, through: state.lowest)
        try tail.extend(to: state.head, from: log, in: txn)
        return tail
    }

    /// Reads the entries of the events after ``through`` up to `head` from the log as `txn` sees it.
    func extend(to head: UInt64, from log: EventLog, in txn: borrowing some ReadableTransaction & ~Copyable) throws {
        guard head > through else { return }
        var expected = through + 1
        try txn.withCursor(log.events) { c in
            var entry = try c.seekEvent(atLeast: expected)
            while expected <= head {
                guard let e = entry, Key.decodeSequence(e.key) == expected else {
                    throw EventLogError.damaged(sequence: expected, reason: "the log ends before its head, or skips a sequence number")
                }
                let stored = try EventLog.decodeStored(e.value, sequence: expected, EventCodec.storedEntry)
                add(stored.id, stream: stored.stream, version: stored.version, type: stored.type, effective: IndexName(stored.effective), at: expected)
                expected += 1
                entry = expected <= head ? try c.nextEvent() : nil
            }
        }
    }

    /// Records the entries of event `sequence`, the next after ``through``, that the indexes do not hold;
    /// `effective` the name of its date as the index writes it, `YYYY-MM-DD` (``name(of:)``).
    func add(_ id: UUID, stream: StreamName, version: UInt64, type: String, effective date: IndexName, at sequence: UInt64) {
        let idRange = IndexWatermarks.range(of: id)
        if sequence > idWatermarks.through[idRange] { idRanges[idRange].set(sequence, for: id) }
        streams.add(StreamEntry(version: version, sequence: sequence), under: stream)
        types.add(sequence, under: IndexName(type))
        effective.add(sequence, under: date)
        through = sequence
    }

    /// `date`'s name in the `effective` index (`YYYY-MM-DD`), the last one named kept.
    ///
    /// Why: appended events mostly come in date order (about N ÷ 1,826 a day in `pledger bench`), and a
    /// date's text and fingerprint, made for each event appended, were about 500 instructions an append
    /// (callgrind, Round 22 in docs/BENCHMARKS.md).
    func name(of date: CalendarDate) -> IndexName {
        if let last = lastDate, last.date == date { return last.name }
        let name = IndexName(date.description)
        lastDate = (date, name)
        return name
    }

    /// The sequence number of `id` if it is among the waiting ids, up to sequence `head`.
    func sequence(of id: UUID, through head: UInt64 = .max) -> UInt64? {
        idRanges[IndexWatermarks.range(of: id)][id].flatMap { $0 <= head ? $0 : nil }
    }

    /// Whether this describes the log exactly as it stands in `state`.
    func matches(_ state: EventLog.IndexState) -> Bool {
        idWatermarks == state.ids && streams.watermarks == state.streams && types.watermarks == state.types
            && effective.watermarks == state.effective && through == state.head
    }

    /// Whether this holds every entry that a transaction seeing `state` finds waiting, once extended to
    /// its head: none of its watermarks is past `state`'s.
    func canServe(_ state: EventLog.IndexState) -> Bool {
        idWatermarks.isNotPast(state.ids) && streams.watermarks.isNotPast(state.streams)
            && types.watermarks.isNotPast(state.types) && effective.watermarks.isNotPast(state.effective)
    }

    /// Drops the entries that indexes reaching as far as `state`'s watermarks hold, and moves this one's
    /// watermarks there (none of them is past `state`'s: ``canServe(_:)``).
    func prune(to state: EventLog.IndexState) {
        streams.prune(to: state.streams)
        types.prune(to: state.types)
        effective.prune(to: state.effective)
        for range in 0..<IndexWatermarks.rangeCount where idWatermarks.through[range] < state.ids.through[range] {
            let indexed = state.ids.through[range]
            idRanges[range].filter(keepingAbove: indexed)
            idWatermarks.move(range, to: indexed)
        }
    }

    /// Removes the waiting ids of `range` and moves its watermark to ``through``; returns them in key
    /// order, for writing into the `ids` index.
    func removeIDRange(_ range: Int) -> [IDEntry] {
        // Sorted as two big-endian halves: the bytes' order, without comparing arrays byte by byte.
        let entries = idRanges[range].entries.sorted { ($0.high, $0.low) < ($1.high, $1.low) }
        idRanges[range].removeAll(keepingCapacity: true)   // refilled to about the same size: not regrown
        idWatermarks.move(range, to: through)
        return entries
    }

    /// Removes the waiting `streams` entries of `range`, moving its watermark to ``through``: each stream
    /// with its entries, ascending by version, the streams in key order (name, 0x00, big-endian version),
    /// for writing into the index (``EventLog/writeStreamRun(_:level:into:in:)``).
    func removeStreamRange(_ range: Int) -> [(name: StreamName, entries: [StreamEntry])] {
        streams.removeNames(range, through: through)
    }

    /// Removes the waiting `types` entries of `range`, moving its watermark to ``through``: each type name
    /// with its events' sequence numbers, ascending, the names in key order (``SequenceChunk/write(_:index:through:)``).
    func removeTypeRange(_ range: Int) -> [(name: IndexName, entries: [UInt64])] {
        types.removeNames(range, through: through)
    }

    /// Removes the waiting `effective` entries of `range`, moving its watermark to ``through``: each date's
    /// name with its events' sequence numbers, as ``removeTypeRange(_:)``.
    func removeEffectiveRange(_ range: Int) -> [(name: IndexName, entries: [UInt64])] {
        effective.removeNames(range, through: through)
    }
}
