import EventLog
import LMDB
import Programme
import Projection

/// Keeps one audit entry per event, with the entity's facts before and after it, and an index by entity.
///
/// Keys in the `audit` database: `r` + big-endian seq → entry JSON; `s` + stream → the stream's state
/// after its last event (an ``EntitySnapshot``: decoded and encoded with the definition kept, not parsed
/// and written as JSON per batch); `e` + stream + 0x00 + big-endian seq → nothing (the entity index).
public struct AuditTrailProjection: Projection {
    public let name = "audit-trail"
    public let databases = ["audit"]

    public init() {}

    static func rowKey(_ seq: UInt64) -> [UInt8] { CompositeKey.make(tag: UInt8(ascii: "r"), "", number: seq) }
    static func stateKey(_ s: StreamName) -> [UInt8] { CompositeKey.make(tag: UInt8(ascii: "s"), s.rawValue) }
    static func entityKey(_ s: StreamName, _ seq: UInt64) -> [UInt8] { CompositeKey.make(tag: UInt8(ascii: "e"), s.rawValue, suffix: "", number: seq) }

    public func apply(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        let audit = try store.database("audit")
        let snapshots = EntitySnapshotDecoder.shared
        var stored: [StreamName: EntityState?] = [:]
        for stream in Set(events.map(\.stream)) {
            stored[stream] = try Self.stateKey(stream).withUnsafeBytes { key in
                try txn.withValue(in: audit, forKey: key) { bytes in try bytes.map { try snapshots.decode($0, stream: stream) } }
            }
        }
        let snapshot = stored
        var builder = AuditBuilder(
            loadState: { snapshot[$0] ?? nil },
            loadEvents: { stream, through in try log.events(in: stream, through: through) })
        for event in events {
            let entry = try builder.entry(for: event)
            try txn.put(entry.canonicalBytes, forKey: Self.rowKey(event.sequence), in: audit)
            try txn.put([], forKey: Self.entityKey(event.stream, event.sequence), in: audit)
            if let corrected = entry.corrects, let bytes = try txn.value(in: audit, forKey: Self.rowKey(corrected)) {
                var row = try AuditEntry(json: try JSONParser.parse(bytes))
                row.correctedBy.append(event.sequence)
                try txn.put(row.canonicalBytes, forKey: Self.rowKey(corrected), in: audit)
            }
        }
        for (stream, state) in builder.states {
            try txn.put(snapshots.encode(state, stream: stream), forKey: Self.stateKey(stream), in: audit)
        }
    }

    /// The stored entries, for one entity or all, in sequence order.
    public static func entries(store: ProjectionStore, entity: StreamName?) throws -> [AuditEntry] {
        let audit = try store.database("audit")
        return try store.environment.read { txn in
            var out: [AuditEntry] = []
            if let entity {
                let prefix = [UInt8(ascii: "e")] + Array(entity.rawValue.utf8) + [0]
                var seqs: [UInt64] = []
                try txn.withCursor(audit) { c in
                    var e = try c.seek(atLeast: prefix)
                    while let entry = e, entry.key.starts(with: prefix), entry.key.count == prefix.count + 8 {
                        seqs.append(entry.key[prefix.count...].reduce(0) { $0 << 8 | UInt64($1) })
                        e = try c.next()
                    }
                }
                for s in seqs {
                    if let bytes = try txn.value(in: audit, forKey: rowKey(s)) { out.append(try AuditEntry(json: try JSONParser.parse(bytes))) }
                }
            } else {
                try txn.withCursor(audit) { c in
                    var e = try c.seek(atLeast: [UInt8(ascii: "r")])
                    while let entry = e, entry.key.first == UInt8(ascii: "r") {
                        out.append(try AuditEntry(json: try JSONParser.parse(entry.value)))
                        e = try c.next()
                    }
                }
            }
            return out
        }
    }
}
