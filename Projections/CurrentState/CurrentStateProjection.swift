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
        let last = events.last?.sequence ?? 0
        var byStream: [StreamName: [RecordedEvent]] = [:]
        for e in events { byStream[e.stream, default: []].append(e) }
        for (stream, new) in byStream.sorted(by: { $0.key < $1.key }) {
            if try Self.extend(stream, with: new, in: txn, snapshots) { continue }
            let history = try log.events(in: stream).filter { $0.sequence <= last }
            try Self.replaceSnapshots(of: stream, with: try EntityState.validTimeHistory(of: history), in: txn, snapshots)
        }
    }

    /// The common case in one step: new events that take effect no earlier than the stream's latest
    /// snapshot, none of them a correction, continue from that snapshot. Returns false when the stream
    /// must be recomputed (a new stream, a back-dated event, a correction).
    static func extend(_ stream: StreamName, with new: [RecordedEvent], in txn: borrowing WriteTransaction, _ snapshots: Database) throws -> Bool {
        guard !new.contains(where: { $0.type == EventCorrected.typeName }) else { return false }
        let prefix = CompositeKey.prefix(stream.rawValue)
        let latest: (CalendarDate, EntityState)? = try txn.withCursor(snapshots) { c in
            guard let e = try c.seek(atMost: prefix + [0xFF]), e.key.starts(with: prefix),
                  let date = CalendarDate(String(decoding: e.key[prefix.count...], as: UTF8.self)) else { return nil }
            return (date, try EntityState(json: try JSONParser.parse(e.value)))
        }
        guard let (lastDate, lastState) = latest, new.allSatisfy({ $0.effective >= lastDate }) else { return false }
        var state: EntityState? = lastState
        var date = lastDate
        for event in new.sorted(by: EntityState.validTimeOrder) {
            if event.effective != date, let s = state {
                try txn.put(CanonicalJSON.encode(s.json), forKey: CompositeKey.make(stream.rawValue, date.description), in: snapshots)
                date = event.effective
            }
            state = try EntityState.apply(try ProgrammeEvent.decode(event), at: event, to: state)
        }
        if let s = state { try txn.put(CanonicalJSON.encode(s.json), forKey: CompositeKey.make(stream.rawValue, date.description), in: snapshots) }
        return true
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
