import EventLog
import LMDB
import Programme
import Projection

/// Keeps, for every entity, its state after each effective date as known now, so that "the programme as
/// of any date" is one seek per entity rather than a replay of the log.
///
/// Snapshot keys are `stream 0x00 YYYY-MM-DD`; values the canonical JSON of the entity state. A new
/// event rewrites the snapshots of its stream (a back-dated event or a correction changes dates before it).
public struct CurrentStateProjection: Projection {
    public let name = "current-state"
    public let databases = ["state-snapshots"]

    public init() {}

    public func apply(_ events: [RecordedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        let snapshots = try store.database("state-snapshots")
        let affected = Set(events.map(\.stream))
        let last = events.last?.sequence ?? 0
        for stream in affected.sorted() {
            let history = try log.events(in: stream).filter { $0.sequence <= last }
            try Self.replaceSnapshots(of: stream, with: try EntityState.validTimeHistory(of: history), in: txn, snapshots)
        }
    }

    static func replaceSnapshots(of stream: StreamName, with history: [(CalendarDate, EntityState)],
                                 in txn: borrowing WriteTransaction, _ snapshots: Database) throws {
        let prefix = CompositeKey.prefix(stream.rawValue)
        var old: [[UInt8]] = []
        try txn.withCursor(snapshots) { c in
            var e = try c.seek(atLeast: prefix)
            while let entry = e, entry.key.starts(with: prefix) { old.append(Array(entry.key)); e = try c.next() }
        }
        for k in old { try txn.delete(k, in: snapshots) }
        for (date, state) in history {
            try txn.put(CanonicalJSON.encode(state.json), forKey: CompositeKey.make(stream.rawValue, date.description), in: snapshots)
        }
    }

    /// Every entity's state as of `date`, known now, from the snapshots.
    public static func states(asOf date: CalendarDate, store: ProjectionStore) throws -> [StreamName: EntityState] {
        let snapshots = try store.database("state-snapshots")
        return try store.environment.read { txn in
            try txn.withCursor(snapshots) { c in
                var out: [StreamName: EntityState] = [:]
                var entry = try c.first()
                while let e = entry, let zero = e.key.firstIndex(of: 0) {
                    let name = Array(e.key[..<zero])
                    if let found = try c.seek(atMost: name + [0] + Array(date.description.utf8)), found.key.starts(with: name + [0]),
                       let stream = try? StreamName(validating: String(decoding: name, as: UTF8.self)) {
                        out[stream] = try EntityState(json: try JSONParser.parse(found.value))
                    }
                    entry = try c.seek(atLeast: name + [1])
                }
                return out
            }
        }
    }
}
