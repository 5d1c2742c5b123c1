import Foundation
import LMDB

/// The entries of the log's newest events that the `ids` and `streams` indexes do not hold yet: id →
/// sequence number, and stream → its waiting (version, sequence number) pairs.
///
/// Why: event ids are random, and a 1,000-event batch touches several hundred streams, so indexing each
/// event in the commit that appends it dirtied one leaf of the id index per event and one leaf of the
/// stream index per stream the batch touched — most of the pages a 1,000-event commit wrote. The log
/// instead writes both indexes in bulk and in key order, one range of entries at a time
/// (``IndexWatermarks``): an appending transaction writes the waiting entries of an index's range whose
/// watermark is lowest once that watermark is ``EventLog/Configuration/bulkIndexLimit`` events behind
/// the head. Until then, those entries are found from the log itself: the events after their range's
/// watermark (`ids-through`, `streams-through` in `meta`) are the waiting ones; a writer keeps them here
/// between its transactions, and readers keep them here as they last read them (``ReaderCache``).
///
/// Nothing here is needed for durability: the events are the record, the watermarks say what the
/// indexes hold, and the rest is read again from the log after a restart.
final class LogTail {
    /// One waiting entry of the `streams` index: the stream's event at `version` is event `sequence`.
    struct StreamEntry: Equatable {
        var version: UInt64
        var sequence: UInt64
    }

    /// How far the `ids` index reaches.
    private(set) var idWatermarks: IndexWatermarks
    /// How far the `streams` index reaches.
    private(set) var streamWatermarks: IndexWatermarks
    /// The last sequence number whose entries this holds (or the indexes hold).
    private(set) var through: UInt64
    /// The waiting ids of each range, in range order.
    private var idRanges: [[UUID: UInt64]]
    /// The waiting entries of each range's streams, each stream's in version order.
    private var streamRanges: [[StreamName: [StreamEntry]]]

    init(idWatermarks: IndexWatermarks, streamWatermarks: IndexWatermarks, through: UInt64) {
        self.idWatermarks = idWatermarks
        self.streamWatermarks = streamWatermarks
        self.through = through
        self.idRanges = Array(repeating: [:], count: IndexWatermarks.rangeCount)
        self.streamRanges = Array(repeating: [:], count: IndexWatermarks.rangeCount)
    }

    /// The waiting entries of the log as `txn` sees it, read from its events after the lowest watermark.
    static func read(from log: EventLog, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> LogTail {
        let state = try log.indexState(in: txn)
        let tail = LogTail(idWatermarks: state.ids, streamWatermarks: state.streams,
                           through: min(state.ids.lowest, state.streams.lowest))
        try tail.extend(to: state.head, from: log, in: txn)
        return tail
    }

    /// Reads the entries of the events after ``through`` up to `head` from the log as `txn` sees it.
    func extend(to head: UInt64, from log: EventLog, in txn: borrowing some ReadableTransaction & ~Copyable) throws {
        guard head > through else { return }
        var expected = through + 1
        try txn.withCursor(log.events) { c in
            var entry = try c.seek(atLeast: Key.sequence(expected))
            while expected <= head {
                guard let e = entry, Key.decodeSequence(e.key) == expected else {
                    throw EventLogError.damaged(sequence: expected, reason: "the log ends before its head, or skips a sequence number")
                }
                let (id, stream, version) = try log.decodeStored(e.value, sequence: expected, EventCodec.storedEntry)
                add(id, stream: stream, version: version, at: expected)
                expected += 1
                entry = expected <= head ? try c.next() : nil
            }
        }
    }

    /// Records the entries of event `sequence`, the next after ``through``, that the indexes do not hold.
    func add(_ id: UUID, stream: StreamName, version: UInt64, at sequence: UInt64) {
        if !idWatermarks.covers(id, at: sequence) { idRanges[IndexWatermarks.range(of: id)][id] = sequence }
        if !streamWatermarks.covers(stream, at: sequence) {
            streamRanges[IndexWatermarks.range(of: stream)][stream, default: []].append(StreamEntry(version: version, sequence: sequence))
        }
        through = sequence
    }

    /// The sequence number of `id` if it is among the waiting ids, up to sequence `head`.
    func sequence(of id: UUID, through head: UInt64 = .max) -> UInt64? {
        idRanges[IndexWatermarks.range(of: id)][id].flatMap { $0 <= head ? $0 : nil }
    }

    /// The waiting entries of `stream` up to sequence `head` and after `watermarks`' range of it, in
    /// version order.
    func entries(of stream: StreamName, through head: UInt64 = .max, after watermarks: IndexWatermarks? = nil) -> [StreamEntry] {
        let range = IndexWatermarks.range(of: stream)
        guard let all = streamRanges[range][stream] else { return [] }
        let indexed = watermarks?.through[range] ?? 0
        guard all.first.map({ $0.sequence <= indexed }) == true || all.last.map({ $0.sequence > head }) == true else { return all }
        return all.filter { $0.sequence > indexed && $0.sequence <= head }
    }

    /// The streams with waiting entries up to sequence `head` and after `watermarks`, in no order.
    func streams(through head: UInt64 = .max, after watermarks: IndexWatermarks? = nil) -> [StreamName] {
        streamRanges.indices.flatMap { range in
            let indexed = watermarks?.through[range] ?? 0
            return streamRanges[range].compactMap { name, entries in
                entries.contains { $0.sequence > indexed && $0.sequence <= head } ? name : nil
            }
        }
    }

    /// Whether this describes the log exactly as it stands in `state`.
    func matches(_ state: EventLog.IndexState) -> Bool {
        idWatermarks == state.ids && streamWatermarks == state.streams && through == state.head
    }

    /// Whether this holds every entry that a transaction seeing `state` finds waiting, once extended to
    /// its head: neither of its watermarks is past `state`'s.
    func canServe(_ state: EventLog.IndexState) -> Bool {
        idWatermarks.isNotPast(state.ids) && streamWatermarks.isNotPast(state.streams)
    }

    /// Drops the entries that indexes reaching as far as `state`'s watermarks hold, and moves this one's
    /// watermarks there (none of them is past `state`'s: ``canServe(_:)``).
    func prune(to state: EventLog.IndexState) {
        for range in 0..<IndexWatermarks.rangeCount {
            if idWatermarks.through[range] < state.ids.through[range] {
                let indexed = state.ids.through[range]
                idRanges[range] = idRanges[range].filter { $0.value > indexed }
                idWatermarks.move(range, to: indexed)
            }
            if streamWatermarks.through[range] < state.streams.through[range] {
                let indexed = state.streams.through[range]
                streamRanges[range] = streamRanges[range].compactMapValues { entries in
                    let waiting = entries.filter { $0.sequence > indexed }
                    return waiting.isEmpty ? nil : waiting
                }
                streamWatermarks.move(range, to: indexed)
            }
        }
    }

    /// Removes the waiting ids of `range` and moves its watermark to ``through``; returns them in key
    /// order, for writing into the `ids` index.
    func removeIDRange(_ range: Int) -> [(key: [UInt8], sequence: UInt64)] {
        let entries = idRanges[range].map { (key: Key.uuid($0.key), sequence: $0.value) }
        idRanges[range] = [:]
        idWatermarks.move(range, to: through)
        return entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    /// Removes the waiting stream entries of `range` and moves its watermark to ``through``; returns
    /// them in key order, for writing into the `streams` index.
    func removeStreamRange(_ range: Int) -> [(key: [UInt8], sequence: UInt64)] {
        let entries = streamRanges[range].flatMap { stream, entries in
            entries.map { (key: Key.named(stream.rawValue, $0.version), sequence: $0.sequence) }
        }
        streamRanges[range] = [:]
        streamWatermarks.move(range, to: through)
        return entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}
