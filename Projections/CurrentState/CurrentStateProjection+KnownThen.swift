import EventLog
import LMDB
import Programme
import Projection

extension CurrentStateProjection {
    /// Entities' states in a time slice folded from the effects kept with the snapshots, and the
    /// entities that must be folded from the log instead.
    public struct EffectFold: Sendable {
        /// The states of the entities folded here, in stream-name order.
        public var states: EntityStates
        /// The entities with a correction (marked in `state-events` by their number), in
        /// stream-name order: a correction may change what an earlier event did or replace the
        /// definition, which the effects kept with the snapshots do not say. Also any entity whose
        /// effects do not read as one definition and the effects of later events.
        public var fromLog: [StreamName]
    }

    /// Every entity's state in `slice` (of `kinds` only, when given), as known at the slice's sequence
    /// number: for each entity, its definition (in `state-entities`) and the effects of its events known
    /// then and effective by the slice's date (kept with its snapshots), applied in valid-time order. `nil` when
    /// the store has not applied every event the slice knows (its checkpoint is below the slice's
    /// sequence number); entities with a correction are listed in ``EffectFold/fromLog``, not folded.
    ///
    /// Why: folding each entity's events from the log decoded every one of them whole (about 0.8 s at
    /// 1,000,000 events). Each snapshot keeps the effects of its day's events, a few bytes each with
    /// their sequence numbers (``EffectList``), so an entity's snapshots hold its events in valid-time
    /// order. The snapshots hold states as known now, but each says which events it folds
    /// (``SnapshotBounds``): an entity's fold starts from the
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

    /// The state in `slice` of entity `number` (key `key` in `state-entities`), from the effects kept
    /// with its snapshots (read through `s`), as `EntityState.fold(stream:in:)` folds its events from the
    /// log: the definition first, then the other events known and effective by then, in valid-time
    /// order. When a snapshot holds the first of them (``knownRange(_:in:_:steppingFirst:)``), from its
    /// state, then the events after its day known then, up to the day from which none was. `c` reads
    /// `state-events`, where the entity's number marks a correction. `definitions` gives its stream name
    /// and definitions (given a snapshot's stored state: its stream name and that state), asked for only
    /// when the entity has a state or goes to the log: a slice early in the log passes over most
    /// entities without decoding a definition.
    static func entityFold(_ number: UInt32, key: UnsafeRawBufferPointer, in slice: ResolvedSlice, _ c: borrowing Cursor,
                           _ s: borrowing Cursor, steppingFirst: Int, _ steps: inout [KnownStep],
                           definitions: (UnsafeRawBufferPointer?) throws -> (StreamName, [EntityState])) throws -> EntityFold {
        let marker = CorrectionKey.of(number)
        if let e = try c.seek(atLeast: marker), e.key.elementsEqual(marker) { return .fromLog(try definitions(nil).0) }
        let range = try knownRange(number, in: slice, s, steppingFirst: steppingFirst)
        let end = range?.end ?? slice.asOf
        if let start = range?.start {
            let (stream, list) = try definitions(start.state)
            guard var state = list.first else { return .fromLog(stream) }
            // Nothing to walk when the snapshot is the last day's (a slice known now for its date).
            guard end > start.day else { return .state(stream, state) }
            // The snapshots after the start's, day by day (their keys descend as their days ascend).
            _ = try SnapshotKey.inForce(at: SnapshotKey(number, start.day), in: s)
            var entry = try s.previous()
            var definitionAfter = false
            while let e = entry, let k = SnapshotKey(stored: e.key), k.number == number, k.day <= end {
                try DayEffects.forEach(in: e.value, day: k.day, of: String(decoding: key, as: UTF8.self)) { sequence, day, stored in
                    guard !definitionAfter, sequence <= slice.sequence else { return }
                    // A definition after the snapshot's day: effects that do not read as one stream's.
                    guard let effect = try DayEffects.effect(stored, of: String(decoding: key, as: UTF8.self), sequence: sequence) else {
                        definitionAfter = true
                        return
                    }
                    try EntityState.apply(effect, effective: day, sequence: sequence, to: &state)
                }
                if definitionAfter { return .fromLog(stream) }
                entry = try s.previous()
            }
            return .state(stream, state)
        }
        steps.removeAll(keepingCapacity: true)
        // The definition is the event without an effect: the stream's first event, so every other has a
        // later sequence number. Events dated before it (kept with its day's snapshot, the entity's
        // first, before it) still apply after it, as in the log's fold. From the oldest snapshot (the
        // entity's last key) day by day.
        var definition: UInt64?
        var twoDefinitions = false
        var entry: Cursor.Entry?
        if let e = try SnapshotKey(number, countdown: .max).withStoredBytes({ try s.seek(atLeast: $0) }) {
            entry = SnapshotKey(stored: e.key)?.number == number ? e : try s.previous()
        } else {
            entry = try s.last()
        }
        while let e = entry, let k = SnapshotKey(stored: e.key), k.number == number, k.day <= end {
            try DayEffects.forEach(in: e.value, day: k.day, of: String(decoding: key, as: UTF8.self)) { sequence, day, stored in
                guard !twoDefinitions, sequence <= slice.sequence else { return }
                if let effect = try DayEffects.effect(stored, of: String(decoding: key, as: UTF8.self), sequence: sequence) {
                    steps.append((day, sequence, effect))
                } else if definition == nil {
                    definition = sequence
                } else {
                    twoDefinitions = true
                }
            }
            if twoDefinitions { return .fromLog(try definitions(nil).0) }
            entry = try s.previous()
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
