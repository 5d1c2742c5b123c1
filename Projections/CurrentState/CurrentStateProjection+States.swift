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
                              splittingFrom threshold: Int = parallelThreshold) throws -> EntityStates {
        let range = SnapshotRead(snapshots: try store.database("state-snapshots"), entities: try store.database("state-entities"),
                          countdown: SnapshotKey.countdown(date), kinds: kinds)
        return try store.environment.read { txn in
            try splitRead(in: txn, splittingFrom: threshold, { txn, from, upTo, capacity, pass in
                var out = EntityStates()
                out.reserveCapacity(capacity)
                try scan(txn, range, from: from, upTo: upTo, pass: &pass) { out.append($0, $1) }
                return out
            }, join: { $0.append(contentsOf: $1) })
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
                try forEachEntity(names, kinds: range.kinds, from: from, upTo: upTo) { name, listed in
                    if let s = try SnapshotKey.inForce(at: SnapshotKey(listed.number, countdown: range.countdown), in: c) {
                        let (stream, state) = try pass.decode(try SnapshotBounds.read(s.value).1, definitions: listed.definitions, key: name)
                        found(stream, state)   // the last use: moved
                    }
                }
            }
        }
    }

    /// Hands `visit` the key and entry of each entity listed in `state-entities` (read through `names`)
    /// with a key from `from` (or the first) up to but not including `upTo` (or to the last), in key
    /// order; when `kinds` are given, only entities of those kinds: a kind not wanted (the prefix of
    /// its names, `decision/`) is passed over with one seek, however many entities it has.
    static func forEachEntity(_ names: borrowing Cursor, kinds: Set<EntityKind>?, from: [UInt8]?, upTo: [UInt8]?,
                              _ visit: (UnsafeRawBufferPointer, EntityEntry) throws -> Void) throws {
        var entry = try from.map { try names.seek(atLeast: $0) } ?? names.first()
        var wantedKind: [UInt8] = []   // the kind prefix (`indicator/`) last found wanted
        while let e = entry {
            let name = e.key
            if let upTo, !name.lexicographicallyPrecedes(upTo) { break }
            if let kinds, wantedKind.isEmpty || !(name.count > wantedKind.count && name.starts(with: wantedKind)),
               let slash = name.firstIndex(of: UInt8(ascii: "/")) {
                if let kind = EntityKind(rawValue: String(decoding: name[..<slash], as: UTF8.self)), !kinds.contains(kind) {
                    entry = try names.seek(atLeast: Array(name[..<slash]) + [UInt8(ascii: "/") + 1])
                    continue
                }
                wantedKind = Array(name[...slash])
            }
            try visit(name, try EntityEntry(e.value))
            entry = try names.next()
        }
    }
}
