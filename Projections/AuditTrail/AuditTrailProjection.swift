import EventLog
import LMDB
import Programme
import Projection

/// Keeps one audit row per event: what the audit trail derives for it (the changes, the authorising
/// decision, the correction links), the event's own fields being read from the log when an entry is shown.
///
/// Keys in the `audit` database: `r` + big-endian seq → the event's ``AuditRow`` as canonical JSON,
/// appended in sequence order (`MDB_APPEND`: full pages); in `audit-states`, the stream's name → its
/// state after its last event (an ``EntitySnapshot``: decoded and encoded with the definition kept, not
/// parsed and written as JSON per batch). An entity's rows are found through the log's own stream index.
public struct AuditTrailProjection: ConcurrentProjection {
    public let name = "audit-trail"
    public let databases = ["audit", "audit-states"]

    public init() {}

    static func rowKey(_ seq: UInt64) -> [UInt8] { withRowKey(seq, Array.init) }

    /// `body` given the bytes of ``rowKey(_:)`` (`r`, then the sequence number big-endian), made on the
    /// stack: a replay stores a row an event, and an array a key was an allocation and a free each.
    static func withRowKey<R>(_ seq: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: 9, alignment: 1) { key in
            key.storeBytes(of: UInt8(ascii: "r"), toByteOffset: 0, as: UInt8.self)
            key.storeBytes(of: seq.bigEndian, toByteOffset: 1, as: UInt64.self)
            return try body(UnsafeRawBufferPointer(key))
        }
    }
    static func stateKey(_ s: StreamName) -> [UInt8] { Array(s.rawValue.utf8) }

    /// Each stream's stored state before the batch, as stored: copied out of the store, or the bytes the
    /// batch before in the same transaction stored (`carried` names those streams); decoded in
    /// ``compute(_:_:from:)``.
    public struct Prepared: Sendable {
        var states: [StreamName: [UInt8]] = [:]
        var carried: Set<StreamName> = []
    }

    /// The batch's rows and each stream's state after it, encoded.
    public struct Computed: Sendable {
        var rows: [(sequence: UInt64, bytes: [UInt8], corrects: UInt64?)] = []
        var states: [StreamName: [UInt8]] = [:]
    }

    public func prepare(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore,
                        in txn: borrowing WriteTransaction) throws -> Prepared {
        try prepare(events, after: nil, from: log, store: store, in: txn)
    }

    /// A stream the batch before touched is taken as that batch stored it, without reading it back: its
    /// `write` stored those bytes in this transaction, and nothing else writes `audit-states`. (Bytes,
    /// not the decoded states: keeping a batch's decoded states for the next held about 2 MiB more at
    /// 1,000,000 events, for a few hundred instructions an event.)
    public func prepare(_ events: [DecodedEvent], after previous: Computed?, from log: EventLog, store: ProjectionStore,
                        in txn: borrowing WriteTransaction) throws -> Prepared {
        let states = try store.database("audit-states")
        var streams = Set<StreamName>(minimumCapacity: events.count)
        for event in events { streams.insert(event.stream) }
        var prepared = Prepared()
        prepared.states.reserveCapacity(streams.count)
        for stream in streams {
            if let bytes = previous?.states[stream] {
                prepared.states[stream] = bytes
                prepared.carried.insert(stream)
            } else {
                prepared.states[stream] = try txn.value(in: states, forKey: Self.stateKey(stream))
            }
        }
        return prepared
    }

    public func compute(_ events: [DecodedEvent], _ prepared: Prepared, from log: EventLog) throws -> Computed {
        let snapshots = EntitySnapshotDecoder.shared
        var stored: [StreamName: EntityState] = [:]
        for (stream, bytes) in prepared.states {
            stored[stream] = try bytes.withUnsafeBytes { try snapshots.decode($0, stream: stream) }
        }
        let snapshot = stored
        var builder = AuditBuilder(log: log, loadState: { snapshot[$0] })
        var computed = Computed()
        computed.rows.reserveCapacity(events.count)
        for event in events {
            let row = try builder.row(for: event)
            computed.rows.append((event.sequence, row.canonicalBytes, row.corrects))
        }
        computed.states.reserveCapacity(builder.states.count)
        for (stream, state) in builder.states {
            computed.states[stream] = snapshots.encode(state, stream: stream)
        }
        return computed
    }

    public func write(_ computed: Computed, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        let audit = try store.database("audit"), states = try store.database("audit-states")
        try txn.withWriteCursor(audit) { rows in
            for row in computed.rows {
                // Rows come in sequence order, after every row stored: appended to the last page.
                try Self.withRowKey(row.sequence) { k in try row.bytes.withUnsafeBytes { v in try rows.put(v, forKey: k, flags: .append) } }
                if let corrected = row.corrects, let bytes = try txn.value(in: audit, forKey: Self.rowKey(corrected)) {
                    var earlier = try AuditRow(json: try JSONParser.parse(bytes))
                    earlier.correctedBy.append(row.sequence)
                    try txn.put(earlier.canonicalBytes, forKey: Self.rowKey(corrected), in: audit)
                }
            }
        }
        for (stream, bytes) in computed.states {
            try txn.put(bytes, forKey: Self.stateKey(stream), in: states)
        }
    }

    /// The stored entries, for one entity or all, in sequence order: each stored row with its event from
    /// `log` (events the store has no row for, recorded after its checkpoint, are left out). The rows are
    /// read in one snapshot of the store; for the whole ledger, their events a few thousand at a time.
    public static func entries(store: ProjectionStore, log: EventLog, entity: StreamName?) throws -> [AuditEntry] {
        let audit = try store.database("audit")
        if let entity {
            let events = try log.events(in: entity)
            return try store.environment.read { txn in
                var out: [AuditEntry] = []
                for event in events {
                    guard let bytes = try txn.value(in: audit, forKey: rowKey(event.sequence)) else { continue }
                    out.append(AuditEntry(event: event, row: try AuditRow(json: try JSONParser.parse(bytes))))
                }
                return out
            }
        }
        let rows: [(UInt64, AuditRow)] = try store.environment.read { txn in
            var rows: [(UInt64, AuditRow)] = []
            try txn.withCursor(audit) { c in
                var e = try c.seek(atLeast: [UInt8(ascii: "r")])
                while let entry = e, entry.key.first == UInt8(ascii: "r"), entry.key.count == 9 {
                    let s = entry.key.dropFirst().reduce(0) { $0 << 8 | UInt64($1) }
                    rows.append((s, try AuditRow(json: try JSONParser.parse(entry.value))))
                    e = try c.next()
                }
            }
            return rows
        }
        var out: [AuditEntry] = []
        out.reserveCapacity(rows.count)
        var start = rows.startIndex
        while start < rows.endIndex {
            let chunk = rows[start..<min(start + 4_096, rows.endIndex)]
            var events = try log.events(at: chunk.map(\.0))[...]
            for (s, row) in chunk {
                guard let event = events.first, event.sequence == s else {
                    throw FieldError(field: "(audit row \(s))", "the projection store has a row for an event the log does not hold: rebuild it with `pledger replay`")
                }
                out.append(AuditEntry(event: event, row: row))
                events = events.dropFirst()
            }
            start = chunk.endIndex
        }
        return out
    }
}
