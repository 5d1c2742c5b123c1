/// The versions of the streams an appending transaction has read or written, so that each is read from
/// the stream index once per transaction, and once for as long as this process's transactions follow
/// each other with nothing committed between them.
///
/// Checking one event reads its stream's version several times (the concurrency check, the rules, the
/// rules' entity cache) and the versions of the entities it refers to: about a tenth of an append went
/// to those index seeks. Inside one write transaction only the batch's own events change versions, and
/// they are written through ``set(_:of:)``, so a remembered version stays exact until the transaction
/// ends. A retried or rolled-back transaction's versions are dropped with it. A committed one's are
/// kept with its waiting index entries (``LogTail/Slot``) and taken by the next appending transaction
/// only when nothing can have been committed in between, by this process or another
/// (``LogTail/Slot/takeUnchanged(lastCommitted:environmentTransaction:)``): the versions are then still
/// the log's.
final class StreamVersions {
    /// The most streams whose versions are carried to the next transaction; a transaction that leaves
    /// more starts the next one afresh, so that a long-running writer over many streams holds a bounded
    /// table (about 40 bytes a stream and its name's bytes).
    static let keptLimit = 16_384

    /// Used by the one transaction that made it, never across a call that could reach it again: the
    /// runtime's check of each access for overlap (about 80 instructions, a few times an event:
    /// callgrind, Round 18 in docs/BENCHMARKS.md) is left out.
    @exclusivity(unchecked) private var known: StreamTable<UInt64>

    /// Versions for a transaction appending `events` events: room for as many streams, so that a large
    /// batch's table does not grow step by step, and a single event's stays small.
    init(expecting events: Int) {
        known = StreamTable(minimumCapacity: min(events, 4_096))
    }

    /// The stream's version, read with `read` the first time it is asked for.
    func version(of stream: StreamName, reading read: () throws -> UInt64) rethrows -> UInt64 {
        if let v = known[stream] { return v }
        let v = try read()
        known[stream] = v
        return v
    }

    /// Records the version the transaction has just written for `stream`.
    func set(_ version: UInt64, of stream: StreamName) { known[stream] = version }

    /// How many streams' versions are remembered.
    var count: Int { known.count }
}
