import EventLog
import LMDB
import Programme
import Projection

extension CurrentStateProjection {
    /// Entities' states in a time slice folded from the effects kept in `state-events`, and the
    /// entities that must be folded from the log instead.
    public struct EffectFold: Sendable {
        /// The states of the entities folded here, in stream-name order.
        public var states: EntityStates
        /// The entities with a correction (marked in `state-events` by their number alone), in
        /// stream-name order: a correction may change what an earlier event did or replace the
        /// definition, which the effects kept beside each event do not say. Also any entity whose
        /// entries do not read as one definition and the effects of later events.
        public var fromLog: [StreamName]
    }

    /// Every entity's state in `slice` (of `kinds` only, when given), as known at the slice's sequence
    /// number: for each entity, its definition (in `state-entities`) and the effects of its events known
    /// then and effective by the slice's date (`state-events`), applied in valid-time order. `nil` when
    /// the store has not applied every event the slice knows (its checkpoint is below the slice's
    /// sequence number); entities with a correction are listed in ``EffectFold/fromLog``, not folded.
    ///
    /// Why: folding each entity's events from the log decoded every one of them whole (about 0.8 s at
    /// 1,000,000 events). `state-events` holds every event applied, keyed by entity, day and sequence
    /// number, with its effect in a few bytes, in valid-time order. The snapshots hold states as known
    /// now, but each says which events it folds (``SnapshotBounds``): an entity's fold starts from the
    /// latest snapshot whose events were all known at the slice's sequence number and walks the effects
    /// only up to the day from which none was (``knownRange(_:in:_:steppingFirst:)``), so its cost
    /// follows the events recorded near that point, not all the entity's events before the date.
    ///
    /// Read as ``states(asOf:store:kinds:splittingFrom:)`` reads: in two halves on two threads once
    /// earlier queries have read at least `threshold` entities, in read transactions of one committed
    /// state, the checkpoint read in the same transaction as the entries.
    @available(*, noasync, message: "reads the store")
    public static func states(in slice: ResolvedSlice, store: ProjectionStore, kinds: Set<EntityKind>? = nil,
                              splittingFrom threshold: Int = parallelThreshold) throws -> EffectFold? {
        try states(in: slice, store: store, kinds: kinds, splittingFrom: threshold, steppingFirst: steppingFirst)
    }

    /// Snapshots passed over one cursor step each before the search for the one to start from goes by
    /// seeks (``knownRange(_:in:_:steppingFirst:)``): a step costs a few times less than a seek.
    static let steppingFirst = 8

    /// ``states(in:store:kinds:splittingFrom:)``, passing over `steppingFirst` snapshots one step each
    /// before searching by seeks (the tests try both ways).
    @available(*, noasync, message: "reads the store")
    static func states(in slice: ResolvedSlice, store: ProjectionStore, kinds: Set<EntityKind>?,
                       splittingFrom threshold: Int, steppingFirst: Int) throws -> EffectFold? {
        let entities = try store.database("state-entities"), index = try store.database("state-events")
        let snapshots = try store.database("state-snapshots")
        let name = CurrentStateProjection().name
        return try store.environment.read { txn -> EffectFold? in
            guard try store.checkpoint(of: name, in: txn) >= slice.sequence else { return nil }
            return try splitRead(in: txn, splittingFrom: threshold, { txn, from, upTo, capacity, pass in
                try fold(txn, (entities, index, snapshots), slice, kinds, from: from, upTo: upTo, capacity: capacity,
                         steppingFirst: steppingFirst, pass: &pass)
            }, join: { first, second in
                first.states.append(contentsOf: second.states)
                first.fromLog += second.fromLog
            })
        }
    }

    /// The fold of the entities with a key from `from` (or the first) up to but not including `upTo`
    /// (or to the last), with room for `capacity` states.
    static func fold(_ txn: borrowing some ReadableTransaction & ~Copyable, _ databases: (entities: Database, index: Database, snapshots: Database),
                     _ slice: ResolvedSlice, _ kinds: Set<EntityKind>?, from: [UInt8]?, upTo: [UInt8]?, capacity: Int,
                     steppingFirst: Int, pass: inout EntitySnapshotDecoder.Pass) throws -> EffectFold {
        var out = EffectFold(states: EntityStates(), fromLog: [])
        out.states.reserveCapacity(capacity)
        var steps: [KnownStep] = []   // reused for every entity
        try txn.withCursor(databases.entities) { names in
            try txn.withCursor(databases.index) { c in
                try txn.withCursor(databases.snapshots) { s in
                    try forEachEntity(names, kinds: kinds, from: from, upTo: upTo) { key, listed in
                        let found = try entityFold(listed.number, key: key, in: slice, c, s, steppingFirst: steppingFirst, &steps) { snapshot in
                            if let snapshot {
                                let (stream, state) = try pass.decode(snapshot, definitions: listed.definitions, key: key)
                                return (stream, [state])
                            }
                            return try pass.definitions(listed.definitions, key: key)
                        }
                        switch found {
                        case .state(let stream, let state): out.states.append(stream, state)
                        case .none: break
                        case .fromLog(let stream): out.fromLog.append(stream)
                        }
                    }
                }
            }
        }
        return out
    }

    /// An event of an entity known in a slice, after its definition: where it falls in valid time and
    /// what it does.
    typealias KnownStep = (day: CalendarDate, sequence: UInt64, effect: EntityEffect)

    /// What the fold of one entity found (``entityFold(_:key:in:_:_:definitions:)``).
    enum EntityFold {
        /// The entity's state in the slice.
        case state(StreamName, EntityState)
        /// No state: its definition was not known by the slice's sequence number, or not effective by
        /// its date.
        case none
        /// Its state must be folded from the log (see ``EffectFold/fromLog``).
        case fromLog(StreamName)
    }

    /// The state in `slice` of entity `number` (key `key` in `state-entities`), from its entries in
    /// `state-events` (read through `c`), as `EntityState.fold(stream:in:)` folds its events from the
    /// log: the definition first, then the other events known and effective by then, in valid-time
    /// order. When a snapshot (read through `s`) holds the first of them (``knownRange(_:in:_:steppingFirst:)``),
    /// from its state, then the events after its day known then, up to the day from which none was.
    /// `definitions` gives its stream name and definitions (given a snapshot's stored state: its stream
    /// name and that state), asked for only when the entity has a state or goes to the log: a slice
    /// early in the log passes over most entities without decoding a definition.
    static func entityFold(_ number: UInt32, key: UnsafeRawBufferPointer, in slice: ResolvedSlice, _ c: borrowing Cursor,
                           _ s: borrowing Cursor, steppingFirst: Int, _ steps: inout [KnownStep],
                           definitions: (UnsafeRawBufferPointer?) throws -> (StreamName, [EntityState])) throws -> EntityFold {
        // The number alone sorts before the entity's events: there, it marks a correction.
        let marker = EventIndexKey.corrected(number)
        var entry = try c.seek(atLeast: marker)
        if let e = entry, e.key.elementsEqual(marker) { return .fromLog(try definitions(nil).0) }
        let range = try knownRange(number, in: slice, s, steppingFirst: steppingFirst)
        let end = range?.end ?? slice.asOf
        if let start = range?.start {
            let (stream, list) = try definitions(start.state)
            guard var state = list.first else { return .fromLog(stream) }
            // Nothing to walk when the snapshot is the last day's (a slice known now for its date).
            guard end > start.day else { return .state(stream, state) }
            entry = try c.seek(atLeast: EventIndexKey.from(number, CalendarDate(daysSinceEpoch: start.day.daysSinceEpoch + 1)))
            while let e = entry, let (n, day, sequence) = EventIndexKey.parse(e.key), n == number, day <= end {
                if sequence <= slice.sequence {
                    // A definition after the snapshot's day: entries that do not read as one stream's.
                    guard !e.value.isEmpty else { return .fromLog(stream) }
                    try EntityState.apply(try EventIndexKey.effect(stored: e.value, of: String(decoding: key, as: UTF8.self), sequence: sequence),
                                          effective: day, sequence: sequence, to: &state)
                }
                entry = try c.next()
            }
            return .state(stream, state)
        }
        steps.removeAll(keepingCapacity: true)
        // The definition is the entry without an effect: the stream's first event, so every other
        // entry has a later sequence number. Events dated before it (in key order, before it) still
        // apply after it, as in the log's fold.
        var definition: UInt64?
        while let e = entry, let (n, day, sequence) = EventIndexKey.parse(e.key), n == number, day <= end {
            if sequence <= slice.sequence {
                if e.value.isEmpty {
                    guard definition == nil else { return .fromLog(try definitions(nil).0) }
                    definition = sequence
                } else {
                    steps.append((day, sequence, try EventIndexKey.effect(stored: e.value, of: String(decoding: key, as: UTF8.self), sequence: sequence)))
                }
            }
            entry = try c.next()
        }
        guard let definition else { return .none }
        let (stream, list) = try definitions(nil)
        guard list.count == 1, var state = list.first else { return .fromLog(stream) }
        for step in steps {
            guard step.sequence > definition else { return .fromLog(stream) }
            try EntityState.apply(step.effect, effective: step.day, sequence: step.sequence, to: &state)
        }
        return .state(stream, state)
    }
}
