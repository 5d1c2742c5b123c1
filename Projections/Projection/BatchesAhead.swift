import Dispatch
import EventLog
import Programme

/// The batches of a catch-up, read and decoded ahead on other threads, in order: each the `size` events
/// after the one before (sequence numbers run from 1 without gaps), the last ending at the head.
///
/// Why more than one: a commit of the store waits for the disk (`fdatasync`: about 1.0 of a 7-second
/// replay of 1,000,000 events), and with only the next batch read, every other thread then had nothing
/// to do. Before a commit the catch-up has more batches read (``readAhead(upTo:freeing:)``), on the
/// cores that wait would leave idle, and reads none while applying the next few: docs/PROJECTIONS.md
/// ("Checkpoints and rebuilds") gives the figures.
struct BatchesAhead {
    /// Reads a batch of at most `count` events after a sequence number, first freeing a batch applied.
    typealias Read = (_ after: UInt64, _ count: Int, _ freeing: AppliedBatch) -> BackgroundResult<[DecodedEvent]>

    private var reading: [(after: UInt64, count: Int, batch: BackgroundResult<[DecodedEvent]>)] = []
    /// A batch applied being freed on another thread, when no read was started to free it.
    private var freeing: BackgroundResult<Void>?
    /// Where the next read starts: after this sequence number.
    private var after: UInt64
    private let head: UInt64, size: UInt64, depth: Int
    private let read: Read

    /// Reads of a catch-up: each batch read from `log` in one read transaction of its own, decoded as
    /// the projections fold it (``DecodedEvent``), after freeing the batch applied before (`done`:
    /// freeing a batch of decoded events was a twentieth of the applying thread's instructions). One
    /// after another, on a queue of their own: the batch wanted next is not slowed by those after it.
    static func decoding(_ log: EventLog) -> Read {
        let queue = DispatchQueue(label: "pledger.read-ahead")
        return { sequence, limit, done in
            BackgroundResult(on: queue) {
                let reading = ReplayPhases.start()
                defer { ReplayPhases.add(.readingThreads, since: reading) }
                done.free()
                // Decoded as scanned: reading into an array of events first and mapping it copied each
                // event's fields twice more (retained, then released with the array).
                var batch: [DecodedEvent] = []
                batch.reserveCapacity(limit)
                // Only what the projections fold (``EventPayload``): decoding each event whole made strings
                // of its actor, rationale and source and copied its bytes, for nothing.
                try log.scanCanonical(from: sequence + 1) { sequence, bytes in
                    batch.append(try DecodedEvent.read(stored: bytes, sequence: sequence, definitions: true))
                    return batch.count < limit
                }
                return batch
            }
        }
    }

    /// Starts reading the first `depth` batches after `start`, up to `head`.
    init(after start: UInt64, head: UInt64, size: Int, depth: Int, read: @escaping Read) {
        (after, self.head, self.size, self.depth, self.read) = (start, head, UInt64(max(1, size)), max(1, depth), read)
        fill(upTo: self.depth, freeing: nil)
    }

    /// The next batch, once read (nil after the head), having started reading the next while fewer
    /// than `depth` are read: the first of those reads frees `done`, or else another thread does.
    /// A batch that is not the events its read was to find (the log lacks one) is a damaged log.
    mutating func take(freeing done: AppliedBatch) throws -> [DecodedEvent]? {
        guard !reading.isEmpty else { return nil }
        let next = reading.removeFirst()
        let batch = try next.batch.take()
        fill(upTo: depth, freeing: done)
        guard batch.count == next.count, batch.first?.sequence == next.after + 1, batch.last?.sequence == next.after + UInt64(next.count) else {
            throw EventLogError.damaged(sequence: next.after + 1, reason: "events \(next.after + 1)–\(next.after + UInt64(next.count)) are not all stored, in order, below the head \(head)")
        }
        return batch
    }

    /// Starts reading until `depth` batches are read or being read (``take(freeing:)`` then reads no
    /// more until fewer than its own depth are), the first read freeing `done`.
    mutating func readAhead(upTo depth: Int, freeing done: AppliedBatch) {
        fill(upTo: depth, freeing: done)
    }

    /// Waits for every read and free started.
    mutating func discard() {
        for r in reading { r.batch.discard() }
        reading = []
        freeing?.discard()
        freeing = nil
    }

    private mutating func fill(upTo limit: Int, freeing done: AppliedBatch?) {
        var done = done
        while reading.count < limit, after < head {
            let count = Int(min(size, head - after))
            reading.append((after, count, read(after, count, done ?? AppliedBatch())))
            after += UInt64(count)
            done = nil
        }
        if let done {
            freeing?.discard()
            freeing = BackgroundResult { done.free() }
        }
    }
}
