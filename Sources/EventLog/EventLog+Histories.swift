import Foundation
import LMDB

extension EventLog {
    /// `body` of each stream's events with sequence numbers up to `last` (oldest first), for every
    /// stream of `streams`, read on `workers` threads at once; the results in the order of `streams`.
    ///
    /// Why: a state at a (as-of, known-at) pair folds every entity's history from the log, and at a
    /// million events that was seconds of decoding on one core. Streams are handed out in order, one
    /// at a time, so a long stream does not hold back a worker's share; each worker reads in a read
    /// transaction of its own, all begun together, and the log's past never changes, so every worker
    /// sees the same events through `last` (at most the head when they began).
    ///
    /// When `body` or a read fails, the error of the first such stream in `streams` is thrown, as a
    /// loop over the streams in order would have thrown it.
    @available(*, noasync, message: "reads the ledger")
    public func histories<T: Sendable>(of streams: [StreamName], through last: UInt64, workers: Int = 2,
                                       _ body: @Sendable (StreamName, [RecordedEvent]) throws -> T) throws -> [T] {
        let results = HistoryResults<T>(count: streams.count)
        try environment.read { txn in
            try txn.concurrently(workers: min(max(1, workers), max(1, streams.count))) { _, worker in
                while let i = results.next() {
                    let outcome = Result { try body(streams[i], try events(in: streams[i], through: last, transaction: worker)) }
                    results.set(i, outcome)
                    if case .failure = outcome { return }
                }
            }
        }
        return try results.values()
    }
}

/// The outcomes of ``EventLog/histories(of:through:workers:_:)``, one slot a stream, and the next
/// stream to read.
///
/// Streams are taken in increasing order and a worker stops after its first failure, so every stream
/// before a failed one was taken, and finishes: the first failure in order is always recorded.
private final class HistoryResults<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private var taken = 0
    private var failed = false
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next stream's index; `nil` when all are taken or one has failed.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !failed, taken < slots.count else { return nil }
        taken += 1
        return taken - 1
    }

    func set(_ index: Int, _ outcome: Result<T, any Error>) {
        lock.lock()
        slots[index] = outcome
        if case .failure = outcome { failed = true }
        lock.unlock()
    }

    /// The results in order, or the first failure in order.
    func values() throws -> [T] {
        lock.lock()
        defer { lock.unlock() }
        var out: [T] = []
        out.reserveCapacity(slots.count)
        for slot in slots {
            switch slot {
            case .success(let value)?: out.append(value)
            case .failure(let error)?: throw error
            case nil: throw EventLogError.damaged(sequence: 0, reason: "a stream's history was not read")
            }
        }
        return out
    }
}
