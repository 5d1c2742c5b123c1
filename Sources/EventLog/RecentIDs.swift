import Foundation
import LMDB

/// The ids of the log's newest events, which the `ids` index does not hold yet: id → sequence number.
///
/// Why: event ids are random, so indexing each in the commit that appends it dirties one leaf of the
/// id index per event — at a million events most of the pages a 1,000-event commit writes. The log
/// instead indexes ids in bulk and in key order, one range of ids at a time (``IDWatermarks``): an
/// appending transaction writes the waiting ids of the range whose watermark is lowest once that
/// watermark is ``EventLog/Configuration/recentIDLimit`` events behind the head. Until then, an event's
/// id is found from the log itself: the events after its range's watermark (`ids-through` in `meta`)
/// are the recent ones, and a writer keeps their ids here between its transactions.
///
/// Nothing here is needed for durability: the events are the record, the watermarks say which ids
/// the index holds, and the rest is read again from the log after a restart.
final class RecentIDs {
    /// How far the `ids` index reaches.
    private(set) var watermarks: IDWatermarks
    /// The last sequence number whose id this holds (or the index holds).
    private(set) var through: UInt64
    /// The recent ids of each range, in range order.
    private var ranges: [[UUID: UInt64]]

    init(watermarks: IDWatermarks, through: UInt64) {
        self.watermarks = watermarks
        self.through = through
        self.ranges = Array(repeating: [:], count: IDWatermarks.rangeCount)
    }

    /// The recent ids of the log as `txn` sees it, read from its events after the lowest watermark.
    static func read(from log: EventLog, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RecentIDs {
        let watermarks = try log.idWatermarks(in: txn)
        let head = try log.head(in: txn).sequence
        guard watermarks.through.allSatisfy({ $0 <= head }) else {
            throw EventLogError.damaged(sequence: head, reason: "the ids watermarks \(watermarks.through) pass the head")
        }
        let recent = RecentIDs(watermarks: watermarks, through: head)
        if head > watermarks.lowest {
            for seq in (watermarks.lowest + 1)...head {
                guard let id = try log.stored(at: seq, in: txn, EventCodec.storedID) else {
                    throw EventLogError.damaged(sequence: seq, reason: "the log ends before its head")
                }
                if !watermarks.covers(id, at: seq) { recent.ranges[IDWatermarks.range(of: id)][id] = seq }
            }
        }
        return recent
    }

    /// The sequence number of `id` if it is among the recent ids.
    func sequence(of id: UUID) -> UInt64? { ranges[IDWatermarks.range(of: id)][id] }

    /// Records that event `sequence`, the next after ``through``, has this id.
    func add(_ id: UUID, at sequence: UInt64) {
        ranges[IDWatermarks.range(of: id)][id] = sequence
        through = sequence
    }

    /// Whether this describes the log as it stands: the same watermarks and head.
    func matches(watermarks other: IDWatermarks, head: UInt64) -> Bool {
        watermarks == other && through == head
    }

    /// Removes the recent ids of `range` and moves its watermark to ``through``; returns them in key
    /// order, for writing into the index.
    func removeRange(_ range: Int) -> [(key: [UInt8], sequence: UInt64)] {
        let entries = ranges[range].map { (key: Key.uuid($0.key), sequence: $0.value) }
        ranges[range] = [:]
        watermarks.move(range, to: through)
        return entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}

extension RecentIDs {
    /// A writer's recent ids, kept between its appending transactions.
    ///
    /// An appending transaction takes them (leaving nothing behind), uses and extends them, and puts
    /// them back just before it commits, marked with its number. The next transaction trusts them only
    /// when that number is the log's last committed transaction and the watermarks and head it reads
    /// are theirs; otherwise (a rolled-back transaction, another process's appends) it reads them again.
    final class Slot: @unchecked Sendable {
        private let lock = NSLock()
        private var kept: (ids: RecentIDs, transaction: UInt64)?

        /// Takes the kept ids if they describe the log as a transaction sees it; nil otherwise.
        func take(watermarks: IDWatermarks, head: UInt64, lastCommitted: UInt64) -> RecentIDs? {
            lock.lock()
            defer { lock.unlock() }
            guard let k = kept else { return nil }
            kept = nil
            guard k.transaction == lastCommitted, k.ids.matches(watermarks: watermarks, head: head) else { return nil }
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
        func lookup(_ id: UUID, watermarks: IDWatermarks, head: UInt64, lastCommitted: UInt64) -> UInt64?? {
            lock.lock()
            defer { lock.unlock() }
            guard let k = kept, k.transaction == lastCommitted, k.ids.matches(watermarks: watermarks, head: head) else { return nil }
            return .some(k.ids.sequence(of: id))
        }
    }
}

extension RecentIDs {
    /// A reader's recent ids: read back from the events once for each state of the log (watermarks
    /// and head) in which a lookup missed both the index and a writer's kept ids, so that many lookups
    /// do not each read the events after the watermarks again.
    ///
    /// Read in a read transaction, they are committed facts: they describe every transaction that sees
    /// the same watermarks and head, since events are never rewritten and both only grow.
    final class ReaderCache: @unchecked Sendable {
        private let lock = NSLock()
        private var kept: RecentIDs?

        /// The sequence number of `id` among the recent ids of the log as `txn` sees it.
        func sequence(of id: UUID, watermarks: IDWatermarks, head: UInt64, log: EventLog,
                      in txn: borrowing some ReadableTransaction & ~Copyable) throws -> UInt64? {
            lock.lock()
            defer { lock.unlock() }
            if let kept, kept.matches(watermarks: watermarks, head: head) { return kept.sequence(of: id) }
            let read = try RecentIDs.read(from: log, in: txn)
            kept = read
            return read.sequence(of: id)
        }
    }
}
