import EventLog
import LMDB
import Programme
import Projection

/// Keeps one audit row per event: what the audit trail derives for it (the changes, the authorising
/// decision, the correction links), the event's own fields being read from the log when an entry is shown.
///
/// Keys in the `audit` database: `r` + the big-endian first sequence number of a block of 32 events →
/// their ``AuditRow``s as canonical JSON, one after another (``AuditRowBlock``), appended in sequence
/// order (`MDB_APPEND`) and completed by the next batch where a batch ends inside a block; in
/// `audit-states`, the stream's name → its
/// state after its last event (an ``EntitySnapshot``: decoded and encoded with the definition kept, not
/// parsed and written as JSON per batch). An entity's rows are found through the log's own stream index.
public struct AuditTrailProjection: ConcurrentProjection {
    public let name = "audit-trail"
    public let databases = ["audit", "audit-states"]

    public init() {}

    /// The stored bytes of `sequence`'s row, copied out of its block; `nil` when the store holds none.
    static func storedRow(_ sequence: UInt64, in txn: borrowing some ReadableTransaction & ~Copyable, _ audit: Database) throws -> [UInt8]? {
        let first = AuditRowBlock.first(of: sequence)
        return try AuditRowBlock.withKey(first: first) { key in
            try txn.withValue(in: audit, forKey: key) { block in try block.flatMap { try AuditRowBlock.row(sequence, in: $0, first: first) } }
        }
    }
    static func stateKey(_ s: StreamName) -> [UInt8] { Array(s.rawValue.utf8) }

    /// Each stream's state before the batch, as stored (bytes copied out of the store), for a stream
    /// the transaction's batches before this one have not touched: the state of each they touched is
    /// what the batch before computed (``compute(_:_:after:from:)``). Decoded in ``compute(_:_:from:)``.
    public struct Prepared: Sendable {
        var states = StreamTable<[UInt8]>()
        /// Every stream the transaction's batches touched, this one's included.
        var touched = StreamTable<Bool>()
        /// Whether a batch before in the transaction was prepared: computing this one needs what it computed.
        var follows = false
        /// Whether ``write(_:store:in:)`` stores the states: the transaction's last batch.
        var writesStates = true
    }

    /// The batch's rows, and the state of every stream the transaction touched so far; encoded when
    /// the batch writes them (`encoded`, the transaction's last batch), else left for the batch after,
    /// or ``finish(_:store:in:)``. The rows' bytes lie one after another in `rowBytes`, each row's
    /// ending where the next begins (`end`).
    public struct Computed: Sendable {
        var rows: [(sequence: UInt64, end: Int, corrects: UInt64?)] = []
        var rowBytes: [UInt8] = []
        var states = StreamTable<EntityState>()
        var encoded = StreamTable<[UInt8]>()
        var statesWritten = false
    }

    public func prepare(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore,
                        in txn: borrowing WriteTransaction) throws -> Prepared {
        try prepare(events, after: nil, ending: true, from: log, store: store, in: txn)
    }

    /// A stream the transaction touched before is not read back: its state is taken, decoded, as the
    /// batch before left it (``compute(_:_:after:from:)``), and the states are stored once, by the
    /// transaction's last batch (`ending`): a batch encoded and stored every state it touched, and the
    /// next decoded most of them again (callgrind, Round 19 in docs/BENCHMARKS.md). The states carried,
    /// every stream a commit of 16,000 events touches, did not raise the peak memory of a replay of
    /// 1,000,010 events (same place). Which streams were touched is known from the batches' events, so
    /// the batch before need not be computed yet.
    public func prepare(_ events: [DecodedEvent], after previous: Prepared?, ending: Bool, from log: EventLog, store: ProjectionStore,
                        in txn: borrowing WriteTransaction) throws -> Prepared {
        let states = try store.database("audit-states")
        var prepared = Prepared()
        prepared.touched = previous?.touched ?? StreamTable(minimumCapacity: events.count)
        prepared.follows = previous != nil
        prepared.writesStates = ending
        for event in events where !prepared.touched.contains(event.stream) {
            prepared.touched[event.stream] = true
            prepared.states[event.stream] = try txn.value(in: states, forKey: Self.stateKey(event.stream))
        }
        return prepared
    }

    public func compute(_ events: [DecodedEvent], _ prepared: Prepared, from log: EventLog) throws -> Computed {
        try compute(events, prepared, after: nil, from: log)
    }

    /// The rows of `events`, from each stream's state as `previous` (the batch before in the
    /// transaction) left it, or as `prepared` read it from the store.
    public func compute(_ events: [DecodedEvent], _ prepared: Prepared, after previous: Computed?, from log: EventLog) throws -> Computed {
        // The streams the batch before touched were not read: without its states, the rows would be wrong.
        guard previous != nil || !prepared.follows else {
            throw FieldError(field: "(audit-trail)", "a batch prepared after another was computed without the states the other left")
        }
        let snapshots = EntitySnapshotDecoder.shared
        var stored = StreamTable<EntityState>(minimumCapacity: prepared.states.count)
        for (stream, bytes) in prepared.states {
            stored[stream] = try bytes.withUnsafeBytes { try snapshots.decode($0, stream: stream) }
        }
        let snapshot = stored
        var builder = AuditBuilder(log: log, loadState: { snapshot[$0] })
        builder.states = previous?.states ?? StreamTable()
        var computed = Computed()
        computed.rows.reserveCapacity(events.count)
        // Rows average 104 bytes in a bench replay (`mdb_dump -s audit`): at 96 an event the buffer was
        // copied into one twice its size in every batch (callgrind, Round 54 in docs/BENCHMARKS.md).
        computed.rowBytes.reserveCapacity(128 * events.count)
        for event in events {
            let corrects = try builder.writeRow(for: event, into: &computed.rowBytes)
            computed.rows.append((event.sequence, computed.rowBytes.count, corrects))
        }
        computed.states = builder.states
        if prepared.writesStates { computed.encoded = Self.encoded(computed.states) }
        computed.statesWritten = prepared.writesStates
        return computed
    }

    /// Each state's stored bytes.
    static func encoded(_ states: StreamTable<EntityState>) -> StreamTable<[UInt8]> {
        let snapshots = EntitySnapshotDecoder.shared
        var encoded = StreamTable<[UInt8]>(minimumCapacity: states.count)
        for (stream, state) in states { encoded[stream] = snapshots.encode(state, stream: stream) }
        return encoded
    }

    /// Stores the states the transaction's last batch left, unless it stored them (it ended the
    /// transaction as prepared).
    public func finish(_ last: Computed, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        guard !last.statesWritten else { return }
        try Self.store(Self.encoded(last.states), into: try store.database("audit-states"), in: txn)
    }

    /// Puts each stream's encoded state.
    static func store(_ encoded: StreamTable<[UInt8]>, into states: Database, in txn: borrowing WriteTransaction) throws {
        for (stream, bytes) in encoded { try txn.put(bytes, forKey: stateKey(stream), in: states) }
    }

    public func write(_ computed: Computed, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        let audit = try store.database("audit"), states = try store.database("audit-states")
        try computed.rowBytes.withUnsafeBytes { bytes in
            var block: [UInt8] = []   // reused for each block
            var start = 0, i = 0
            while i < computed.rows.count {
                // Rows come in sequence order, after every row stored: a block's first events start it,
                // appended after the last; a batch that begins inside a block completes it.
                let first = AuditRowBlock.first(of: computed.rows[i].sequence)
                block.removeAll(keepingCapacity: true)
                let completing = computed.rows[i].sequence != first
                if completing {
                    guard let stored = try txn.value(in: audit, forKey: AuditRowBlock.key(first: first)),
                          try stored.withUnsafeBytes({ try AuditRowBlock.count(in: $0, first: first) }) == computed.rows[i].sequence - first
                    else { throw AuditRowBlock.damaged(first, "the rows before \(computed.rows[i].sequence) are not all stored") }
                    block = stored
                }
                while i < computed.rows.count, computed.rows[i].sequence < first + AuditRowBlock.size {
                    AuditRowBlock.append(UnsafeRawBufferPointer(rebasing: bytes[start ..< computed.rows[i].end]), to: &block)
                    start = computed.rows[i].end
                    i += 1
                }
                try AuditRowBlock.withKey(first: first) { key in
                    try block.withUnsafeBytes { try txn.put($0, forKey: key, in: audit, flags: completing ? [] : .append) }
                }
            }
        }
        // Each correction listed on the row of the event it corrects, in sequence order, once the
        // batch's rows are stored (the corrected row may be among them).
        for row in computed.rows {
            guard let corrected = row.corrects else { continue }
            let first = AuditRowBlock.first(of: corrected)
            guard let stored = try txn.value(in: audit, forKey: AuditRowBlock.key(first: first)),
                  let bytes = try stored.withUnsafeBytes({ try AuditRowBlock.row(corrected, in: $0, first: first) }) else { continue }
            var earlier = try bytes.withUnsafeBytes { try AuditRow.stored($0) }
            earlier.correctedBy.append(row.sequence)
            guard let replaced = try stored.withUnsafeBytes({ try AuditRowBlock.replacing(corrected, with: earlier.canonicalBytes, in: $0, first: first) })
            else { continue }
            try txn.put(replaced, forKey: AuditRowBlock.key(first: first), in: audit)
        }
        try Self.store(computed.encoded, into: states, in: txn)
    }

    /// The stored entries, for one entity or all, in sequence order: each stored row with its event from
    /// `log` (events the store has no row for, recorded after its checkpoint, are left out).
    public static func entries(store: ProjectionStore, log: EventLog, entity: StreamName?) throws -> [AuditEntry] {
        var out: [AuditEntry] = []
        try forEachEntry(store: store, log: log, entity: entity, through: .max) { out.append($0) }
        return out
    }

    /// Hands `body` the stored entries with sequence numbers up to `last`, for one entity or all, in
    /// sequence order, one at a time: each stored row with its event from `log`. The rows are read in
    /// one snapshot of the store (`body` is called inside its read transaction); for the whole ledger,
    /// they and their events a few thousand at a time, so the trail is never held whole.
    ///
    /// Why: an auditor's trail of the whole ledger is one entry an event; at 1,000,000 events, built
    /// as one array and then one string, `pledger audit` held 2.7 GB (3.2 GB for `--json`).
    @available(*, noasync, message: "reads the store and the log")
    public static func forEachEntry(store: ProjectionStore, log: EventLog, entity: StreamName?, through last: UInt64,
                                    _ body: (AuditEntry) throws -> Void) throws {
        let audit = try store.database("audit")
        if let entity {
            // Envelopes: an entry shows none of its event's payload, which is not built.
            let events = try log.envelopes(in: entity, through: last)
            try store.environment.read { txn in
                for event in events {
                    guard let bytes = try storedRow(event.sequence, in: txn, audit) else { continue }
                    try body(AuditEntry(event: event, row: try bytes.withUnsafeBytes { try AuditRow.stored($0) }))
                }
            }
            return
        }
        try store.environment.read { txn in
            try txn.withCursor(audit) { c in
                var e = try c.seek(atLeast: [UInt8(ascii: "r")])
                var rows: [(UInt64, AuditRow)] = []
                rows.reserveCapacity(chunk)
                while true {
                    rows.removeAll(keepingCapacity: true)
                    // Whole blocks, until the chunk is full.
                    while rows.count < chunk, let entry = e, let first = AuditRowBlock.first(key: entry.key) {
                        guard first <= last else { e = nil; break }
                        try AuditRowBlock.forEachRow(in: entry.value, first: first) { s, row in
                            guard s <= last else { return false }
                            rows.append((s, try AuditRow.stored(row)))
                            return true
                        }
                        e = try c.next()
                    }
                    guard !rows.isEmpty else { return }
                    // Envelopes: an entry shows none of its event's payload, which is not built.
                    var events = try log.envelopes(at: rows.map(\.0))[...]
                    for (s, row) in rows {
                        guard let event = events.first, event.sequence == s else {
                            throw FieldError(field: "(audit row \(s))", "the projection store has a row for an event the log does not hold: rebuild it with `pledger replay`")
                        }
                        try body(AuditEntry(event: event, row: row))
                        events = events.dropFirst()
                    }
                }
            }
        }
    }

    /// How many rows, and their events, a walk of the whole trail holds at a time.
    static let chunk = 4_096
}
