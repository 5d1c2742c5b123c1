/// The versions of the streams an appending transaction has read or written, so that each is read from
/// the stream index once per transaction.
///
/// Checking one event reads its stream's version several times (the concurrency check, the rules, the
/// rules' entity cache) and the versions of the entities it refers to: about a tenth of an append went
/// to those index seeks. Inside one write transaction only the batch's own events change versions, and
/// they are written through ``set(_:of:)``, so a remembered version stays exact until the transaction
/// ends; one is made per transaction (a retried transaction starts a new one).
final class StreamVersions {
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
}
