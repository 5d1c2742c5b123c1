import Foundation
import LMDB

/// The ids of the log's newest events, which the `ids` index does not hold yet: id → sequence number.
///
/// Why: event ids are random, so indexing each in the commit that appends it dirties one leaf of the
/// id index per event — at a million events most of the pages a 1,000-event commit writes. The log
/// instead indexes ids in bulk, every ``EventLog/Configuration/recentIDLimit`` events, in key order,
/// inside the appending transaction that reaches the limit. Until then, an event's id is found
/// from the log itself: the events after the index's watermark (`ids-through` in `meta`) are the
/// recent ones, and a writer keeps their ids here between its transactions.
///
/// Nothing here is needed for durability: the events are the record, the watermark says which ids
/// the index holds, and the rest is read again from the log after a restart.
final class RecentIDs {
    /// The last sequence number whose id the `ids` index holds.
    let indexedThrough: UInt64
    /// The last sequence number whose id this holds (or the index holds).
    private(set) var through: UInt64
    private(set) var sequences: [UUID: UInt64]

    init(indexedThrough: UInt64, through: UInt64, sequences: [UUID: UInt64]) {
        self.indexedThrough = indexedThrough
        self.through = through
        self.sequences = sequences
    }

    /// The recent ids of the log as `txn` sees it, read from its events after the watermark.
    static func read(from log: EventLog, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RecentIDs {
        let indexed = try log.idsIndexedThrough(in: txn)
        let head = try log.head(in: txn).sequence
        var sequences: [UUID: UInt64] = [:]
        sequences.reserveCapacity(Int(head - min(indexed, head)))
        if head > indexed {
            for seq in (indexed + 1)...head {
                guard let id = try log.stored(at: seq, in: txn, EventCodec.storedID) else {
                    throw EventLogError.damaged(sequence: seq, reason: "the log ends before its head")
                }
                sequences[id] = seq
            }
        }
        return RecentIDs(indexedThrough: indexed, through: head, sequences: sequences)
    }

    /// Records that event `sequence`, the next after ``through``, has this id.
    func add(_ id: UUID, at sequence: UInt64) {
        sequences[id] = sequence
        through = sequence
    }

    /// Whether this describes the log as it stands: the same watermark and head.
    func matches(indexedThrough indexed: UInt64, head: UInt64) -> Bool {
        indexedThrough == indexed && through == head
    }

    /// The entries in key order, for writing into the index.
    func sortedEntries() -> [(key: [UInt8], sequence: UInt64)] {
        sequences.map { (Key.uuid($0.key), $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}

extension RecentIDs {
    /// A writer's recent ids, kept between its appending transactions.
    ///
    /// An appending transaction takes them (leaving nothing behind), uses and extends them, and puts
    /// them back just before it commits, marked with its number. The next transaction trusts them only
    /// when that number is the log's last committed transaction and the watermark and head it reads
    /// are theirs; otherwise (a rolled-back transaction, another process's appends) it reads them again.
    final class Slot: @unchecked Sendable {
        private let lock = NSLock()
        private var kept: (ids: RecentIDs, transaction: UInt64)?

        /// Takes the kept ids if they describe the log as a transaction sees it; nil otherwise.
        func take(indexedThrough indexed: UInt64, head: UInt64, lastCommitted: UInt64) -> RecentIDs? {
            lock.lock()
            defer { lock.unlock() }
            guard let k = kept else { return nil }
            kept = nil
            guard k.transaction == lastCommitted, k.ids.matches(indexedThrough: indexed, head: head) else { return nil }
            return k.ids
        }

        /// Keeps `ids` as transaction `transaction` leaves them (trusted once it is known to have committed).
        func put(_ ids: RecentIDs, transaction: UInt64) {
            lock.lock()
            kept = (ids, transaction)
            lock.unlock()
        }

        /// The sequence number of `id` among the kept ids, if they describe the log as a reader sees it.
        /// `.some(nil)`: they do, and the id is not among them; nil: they do not describe it.
        func lookup(_ id: UUID, indexedThrough indexed: UInt64, head: UInt64, lastCommitted: UInt64) -> UInt64?? {
            lock.lock()
            defer { lock.unlock() }
            guard let k = kept, k.transaction == lastCommitted, k.ids.matches(indexedThrough: indexed, head: head) else { return nil }
            return .some(k.ids.sequences[id])
        }
    }
}
