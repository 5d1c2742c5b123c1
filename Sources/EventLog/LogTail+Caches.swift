import Foundation
import LMDB

extension LogTail {
    /// A writer's waiting entries, kept between its appending transactions.
    ///
    /// An appending transaction takes them (leaving nothing behind), uses and extends them, and puts
    /// them back just before it commits, marked with its number. The next transaction trusts them only
    /// when that number is the log's last committed transaction and either nothing can have been
    /// committed since (its environment id follows theirs, and theirs wrote events, so used its id: it
    /// then reads neither the head nor the watermarks) or the watermarks and head it reads are theirs;
    /// otherwise (a rolled-back transaction, another process's appends) it reads them again.
    final class Slot: @unchecked Sendable {
        private let lock = NSLock()
        private var kept: (tail: LogTail, head: LogHead, versions: StreamVersions, transaction: UInt64, environmentTransaction: Int?)?

        /// Takes the kept entries if they describe the log as a transaction sees it (`state`); nil otherwise.
        func take(_ state: EventLog.IndexState, lastCommitted: UInt64) -> LogTail? {
            lock.lock()
            defer { lock.unlock() }
            guard let k = kept else { return nil }
            kept = nil
            guard k.transaction == lastCommitted, k.tail.matches(state) else { return nil }
            return k.tail
        }

        /// Takes the kept entries and head without reading the log, when nothing can have changed since
        /// the transaction that kept them: it committed (`lastCommitted`), and the transaction asking
        /// (its environment's id, ``LMDB/WriteTransaction/id``) is the next to be committed after it in
        /// any process. Otherwise nil, and the entries stay for ``take(_:lastCommitted:)``.
        ///
        /// Why: reading the head and the four indexes' watermarks to check the kept entries against was
        /// about a tenth of the instructions of a single-event append (callgrind, Round 25 in
        /// docs/BENCHMARKS.md).
        ///
        /// The stream versions the kept transaction read and wrote come with them, exact for the same
        /// reason (``StreamVersions``); the other way of taking the entries leaves them.
        func takeUnchanged(lastCommitted: UInt64, environmentTransaction: Int) -> (tail: LogTail, head: LogHead, versions: StreamVersions)? {
            lock.lock()
            defer { lock.unlock() }
            guard let k = kept, k.transaction == lastCommitted, let id = k.environmentTransaction, id + 1 == environmentTransaction else {
                return nil
            }
            kept = nil
            return (k.tail, k.head, k.versions)
        }

        /// Keeps `tail`, `head` and the stream `versions` as transaction `transaction` leaves them
        /// (trusted once it is known to have committed), with the transaction's environment id when it
        /// is known to have used it (it changed the log: LMDB commits a transaction that changed nothing
        /// without using its id); nil leaves them to ``take(_:lastCommitted:)`` alone, which leaves the
        /// versions.
        func put(_ tail: LogTail, head: LogHead, versions: StreamVersions, transaction: UInt64, environmentTransaction: Int?) {
            lock.lock()
            kept = (tail, head, versions, transaction, environmentTransaction)
            lock.unlock()
        }
    }

    /// A reader's waiting entries: read back from the events once, then brought forward to each newer
    /// state of the log a reader sees by reading only the events appended since (and dropping what the
    /// indexes have taken in since), unless every index has moved past the kept state (then read again,
    /// from the lowest watermark: never more than about twice the bulk-index limit of events).
    ///
    /// Read in read transactions, they are committed facts: events are never rewritten, and watermarks
    /// and the head only grow. A transaction that sees an older state than the kept one (a watermark
    /// lower than the kept one's) reads its own from the log and keeps it only if it is newer.
    final class ReaderCache: @unchecked Sendable {
        private let lock = NSLock()
        private var kept: LogTail?

        /// `body`'s result on the waiting entries of the log as `txn` sees it (`state`): entries
        /// after `state.head` or in its indexes must be left out by `body` (``NamedEntries/entries(of:through:after:)``).
        func withTail<T>(_ state: EventLog.IndexState, log: EventLog, in txn: borrowing some ReadableTransaction & ~Copyable,
                         _ body: (LogTail) throws -> T) throws -> T {
            lock.lock()
            defer { lock.unlock() }
            // Brought forward only from within what may still wait: after a long pause the events
            // since the kept state may be many, and most of them indexed by now.
            if let kept, kept.canServe(state), kept.through >= state.lowest {
                kept.prune(to: state)
                if kept.through < state.head { try kept.extend(to: state.head, from: log, in: txn) }
                return try body(kept)
            }
            let read = try LogTail.read(from: log, state, in: txn)
            if kept.map({ $0.through <= read.through }) ?? true { kept = read }
            return try body(read)
        }
    }
}
