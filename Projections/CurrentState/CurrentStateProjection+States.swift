import EventLog
import Foundation
import LMDB
import Programme
import Projection

extension CurrentStateProjection {
    /// Every entity's state as of `date`, known now, from the snapshots: of every kind, or of `kinds`
    /// only (a kind not asked for is passed over with one seek in `state-entities`, however many
    /// entities it has).
    ///
    /// For each entity listed in `state-entities`, one seek by the number listed beside its name finds
    /// the snapshot in force (``SnapshotKey``). When earlier queries read at least `splittingFrom`
    /// entities, the key range is split at their middle and the halves are read on two threads, each
    /// in a read transaction of the same committed state (checked by transaction id; read on one thread
    /// when a write came between).
    public static func states(asOf date: CalendarDate, store: ProjectionStore, kinds: Set<EntityKind>? = nil,
                              splittingFrom threshold: Int = parallelThreshold) throws -> [StreamName: EntityState] {
        let range = SnapshotRead(snapshots: try store.database("state-snapshots"), entities: try store.database("state-entities"),
                          countdown: SnapshotKey.countdown(date), kinds: kinds)
        let decoder = EntitySnapshotDecoder.shared
        let start = decoder.pass()
        return try store.environment.read { txn in
            if let middle = start.middleKey(minimum: threshold) {
                let id = txn.snapshotID
                let halves = Halves()
                try txn.concurrently(workers: 2) { w, worker in
                    guard worker.snapshotID == id else { return }   // a write came between: read on one thread below
                    var pass = start
                    if w == 0 {
                        var out: [StreamName: EntityState] = [:]
                        out.reserveCapacity(start.knownCount + 16)
                        try scan(worker, range, from: nil, upTo: middle, pass: &pass) { out[$0] = $1 }
                        halves.setFirst(out, pass)
                    } else {
                        var pairs: [(StreamName, EntityState)] = []
                        pairs.reserveCapacity(start.knownCount / 2 + 16)
                        try scan(worker, range, from: middle, upTo: nil, pass: &pass) { pairs.append(($0, $1)) }
                        halves.setSecond(pairs, pass)
                    }
                }
                if let (first, second) = halves.take() {
                    decoder.keep(first.pass, second.pass)
                    var out = first.states
                    var pairs = second.pairs
                    while let (stream, state) = pairs.popLast() { out[stream] = state }   // moved, not copied
                    return out
                }
            }
            var pass = start
            var out: [StreamName: EntityState] = [:]
            out.reserveCapacity(start.knownCount)
            try scan(txn, range, from: nil, upTo: nil, pass: &pass) { out[$0] = $1 }
            decoder.keep(pass)
            return out
        }
    }

    /// Entities earlier queries must have read for a query to be split over two threads: below it, the
    /// cost of starting them outweighs the gain.
    public static let parallelThreshold = 256

    /// What a read of snapshots as of a date reads.
    struct SnapshotRead: Sendable {
        let snapshots: Database
        let entities: Database
        /// The date, as stored in keys (``SnapshotKey/countdown(_:)``).
        let countdown: UInt32
        let kinds: Set<EntityKind>?
    }

    /// Hands `found` the state of each entity with a key from `from` (or the first) up to but not
    /// including `upTo` (or to the last), in key order.
    static func scan(_ txn: borrowing some ReadableTransaction & ~Copyable, _ range: SnapshotRead, from: [UInt8]?, upTo: [UInt8]?,
                     pass: inout EntitySnapshotDecoder.Pass, _ found: (consuming StreamName, consuming EntityState) -> Void) throws {
        try txn.withCursor(range.entities) { names in
            try txn.withCursor(range.snapshots) { c in
                var entry = try from.map { try names.seek(atLeast: $0) } ?? names.first()
                var wantedKind: [UInt8] = []   // the kind prefix (`indicator/`) last found wanted
                while let e = entry {
                    let name = e.key
                    if let upTo, !name.lexicographicallyPrecedes(upTo) { break }
                    if let kinds = range.kinds, wantedKind.isEmpty || !(name.count > wantedKind.count && name.starts(with: wantedKind)),
                       let slash = name.firstIndex(of: UInt8(ascii: "/")) {
                        if let kind = EntityKind(rawValue: String(decoding: name[..<slash], as: UTF8.self)), !kinds.contains(kind) {
                            entry = try names.seek(atLeast: Array(name[..<slash]) + [UInt8(ascii: "/") + 1])
                            continue
                        }
                        wantedKind = Array(name[...slash])
                    }
                    let listed = try EntityEntry(e.value)
                    if let s = try SnapshotKey.inForce(at: SnapshotKey(listed.number, countdown: range.countdown), in: c) {
                        let (stream, state) = try pass.decode(s.value, definitions: listed.definitions, key: name)
                        found(stream, state)   // the last use: moved
                    }
                    entry = try names.next()
                }
            }
        }
    }

    /// The results of the two halves of a split read, set from their threads and taken once both are in.
    private final class Halves: @unchecked Sendable {
        typealias First = (states: [StreamName: EntityState], pass: EntitySnapshotDecoder.Pass)
        typealias Second = (pairs: [(StreamName, EntityState)], pass: EntitySnapshotDecoder.Pass)
        private let lock = NSLock()
        private var first: First?
        private var second: Second?
        func setFirst(_ states: [StreamName: EntityState], _ pass: EntitySnapshotDecoder.Pass) {
            lock.lock(); first = (states, pass); lock.unlock()
        }
        func setSecond(_ pairs: [(StreamName, EntityState)], _ pass: EntitySnapshotDecoder.Pass) {
            lock.lock(); second = (pairs, pass); lock.unlock()
        }
        /// Both results, moved out (so the first half's dictionary is not shared and grows in place).
        func take() -> (First, Second)? {
            lock.lock(); defer { lock.unlock() }
            guard let a = first.take(), let b = second.take() else { return nil }
            return (a, b)
        }
    }
}
