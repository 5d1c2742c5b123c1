import EventLog
import LMDB
import Programme
import Projection

/// Keeps, for every entity, its state after each effective date as known now, so that "the programme as
/// of any date" is one seek per entity rather than a replay of the log.
///
/// `state-snapshots` keys are the entity's number and the day, one 64-bit integer (``SnapshotKey``);
/// values the snapshot's bounds (``SnapshotBounds``), the effects of the events of its day
/// (``EffectList``, with their sequence numbers), then the entity's state in the form of
/// ``EntitySnapshot`` that refers to its definition by number (then what changed since, in binary).
/// The effects are what a back-dated event is applied with, from the snapshot before its date, rather
/// than the whole stream, and what a state known at a past point is folded from, not the events decoded
/// from the log (``states(in:store:kinds:splittingFrom:)``).
/// `state-events` marks the entities with a correction (``CorrectionKey``: the entity's number).
/// `state-entities` lists every stream with events (`stream` → the entity's number and definitions,
/// ``EntityEntry``: one definition, unless a correction replaced it), so that a query visits each entity
/// with one seek into its snapshots, never walks past them, and finds its definition beside its name.
public struct CurrentStateProjection: Projection {
    public let name = "current-state"
    public let databases = ["state-snapshots", "state-events", "state-entities"]

    public init() {}

    public func apply(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        let snapshots = try store.database("state-snapshots")
        let index = try store.database("state-events")
        let entities = try store.database("state-entities")
        let last = events.last?.sequence ?? 0
        // Streams in the order of their first event here: a stream new to the store takes the next number.
        // One lookup an event, in a table placed by the names' fingerprints (``StreamTable``).
        var groups: [[DecodedEvent]] = []
        var group = StreamTable<Int>(minimumCapacity: min(events.count, 4_096))
        for e in events {
            if let i = group[e.stream] { groups[i].append(e) } else {
                group[e.stream] = groups.count
                groups.append([e])
            }
        }
        // Reused for every snapshot put: one allocation, not one a put.
        var buffer: [UInt8] = []
        // Entities are never removed: the numbers taken are 0 ..< the count listed.
        guard var nextNumber = UInt32(exactly: try txn.statistics(entities).entries) else {
            throw FieldError(field: "(state-entities)", "more entities than 32-bit numbers")
        }
        // Each group's entity: a listed stream's number and definition list (read here once, for the
        // snapshots read below); a stream not listed yet has no events before this batch (its history
        // is its group), and takes the next number, in the order of first events here.
        var work: [(number: UInt32, entry: (number: UInt32, definitions: [UInt8])?, events: [DecodedEvent])] = []
        work.reserveCapacity(groups.count)
        for new in groups {
            guard let stream = new.first?.stream else { continue }
            let entry = try stream.withUTF8 { key in
                try txn.withValue(in: entities, forKey: key) { value in
                    try value.map { v in
                        let e = try EntityEntry(v)
                        return (number: e.number, definitions: Array(e.definitions))
                    }
                }
            }
            work.append((entry?.number ?? nextNumber, entry, new))
            if entry == nil { nextNumber += 1 }
        }
        // In entity order: the keys begin with the number, so each put lands after the one before,
        // mostly on the leaf the cursor stands on, which LMDB then searches alone rather than the tree
        // from its root (callgrind, Round 22 in docs/BENCHMARKS.md): an entity's keys lie together, and
        // a snapshot goes beside the one just read.
        work.sort { $0.number < $1.number }
        try txn.withWriteCursor(snapshots) { snapshotCursor in
            for (number, entry, new) in work {
                guard let stream = new.first?.stream else { continue }
                // Each event's step for the fold, made with its effect (read with the payload,
                // ``DecodedEvent/effect``): an event with an effect folds through it, which is what
                // folding the event does (``EntityState/apply(_:effective:sequence:to:)``), without
                // working the effect out a second time; its snapshot keeps the effect.
                var steps: [Step] = []
                steps.reserveCapacity(new.count)
                for e in new {
                    steps.append(Step(sequence: e.sequence, effective: e.effective, change: e.effect.map(Step.Change.effect) ?? .event(e)))
                }
                if new.contains(where: \.isCorrection) {
                    try txn.put([], forKey: CorrectionKey.of(number), in: index)
                } else if let entry {
                    if try Self.extend(stream, number, with: new, steps: steps, definitions: entry.definitions, in: txn, snapshotCursor, &buffer) { continue }
                    if try Self.redo(stream, number, with: new, steps: steps, definitions: entry.definitions, in: txn, snapshotCursor, index, &buffer) { continue }
                } else if try Self.define(stream, number, with: new, steps: steps, in: txn, snapshotCursor, entities, &buffer) {
                    continue
                }
                // The whole events (their ids name what a correction corrects) from the log: for a stream
                // not listed before, the same events as `new`.
                let history = try log.events(in: stream, through: last)
                try Self.replaceSnapshots(of: stream, number, with: try EntityState.validTimeHistory(of: history), events: history,
                                          in: txn, snapshotCursor, entities, &buffer)
            }
        }
    }

    /// A back-dated event on a stream without corrections: start from the snapshot before the earliest
    /// new date, and apply the stream's events from that date on (their effects kept with the snapshots
    /// of their days) with the new ones, rewriting the snapshots of those dates. Returns false when there
    /// is no snapshot before that date (the event takes effect at or before the entity's definition) or
    /// the stream has a correction. `steps` are `new`'s, one an event in the same order (``Step``).
    static func redo(_ stream: StreamName, _ number: UInt32, with new: [DecodedEvent], steps: [Step], definitions: [UInt8],
                     in txn: borrowing WriteTransaction, _ snapshots: borrowing WriteCursor, _ index: Database, _ buffer: inout [UInt8]) throws -> Bool {
        guard let from = new.map(\.effective).min(), try !txn.contains(CorrectionKey.of(number), in: index) else { return false }
        let dayBefore = CalendarDate(daysSinceEpoch: from.daysSinceEpoch - 1)
        let reading = snapshots.reading
        guard let e = try SnapshotKey.inForce(at: SnapshotKey(number, dayBefore), in: reading) else { return false }
        let (state, definition, _, _) = try read(e.value, of: stream, definitions: definitions)
        let newSequences = Set(new.map(\.sequence))
        // The events applied before, from that date on, each with its effect as kept with its day's
        // snapshot, newest day first: the definition comes before that date, and a stream with a
        // correction never comes here, so every one has an effect.
        var earlier: [Step] = []
        var entry = try SnapshotKey.inForce(at: .newest(number), in: reading)
        while let e = entry, let key = SnapshotKey(stored: e.key), key.number == number, key.day >= from {
            try DayEffects.forEach(in: e.value, day: key.day, of: stream.rawValue) { sequence, day, stored in
                guard day >= from, !newSequences.contains(sequence) else { return }
                guard let effect = try DayEffects.effect(stored, of: stream.rawValue, sequence: sequence) else {
                    throw DayEffects.damaged(stream.rawValue, sequence, "no effect after the entity's definition")
                }
                earlier.append(Step(sequence: sequence, effective: day, change: .effect(effect)))
            }
            entry = try reading.next()
        }
        // Every event effective from that date on is a step: the bounds of the snapshots stored are theirs.
        try store(number, from: state, sameDay: nil, definition: definition, applying: earlier + steps,
                  in: txn, snapshots, &buffer)
        return true
    }

    /// The state stored in snapshot value `value` of `stream`, whose definition list (in `state-entities`)
    /// is `definitions`, the number of its definition in that list, the snapshot's bounds and the effects
    /// kept with it (``EffectList``: a view of `value`).
    static func read(_ value: UnsafeRawBufferPointer, of stream: StreamName, definitions: [UInt8])
        throws -> (EntityState, Int, SnapshotBounds, UnsafeRawBufferPointer) {
        let (bounds, effects, bytes) = try SnapshotBounds.readWithEffects(value)
        let state = try definitions.withUnsafeBytes { try EntitySnapshotDecoder.shared.decode(bytes, definitions: $0, stream: stream) }
        return (state, try EntitySnapshot.definitionNumber(stored: bytes), bounds, effects)
    }

    /// An event to fold into a stored state: its place in valid time, and its effect (events applied
    /// before, from their snapshots, and events of the batch that have one) or the event decoded (the
    /// batch's others: definitions, and payloads that did not decode, a damaged log when applied).
    struct Step {
        var sequence: UInt64
        var effective: CalendarDate
        var change: Change

        enum Change {
            /// Its typed payload is read where the decoded event keeps it when the step is applied: a
            /// step that held the payload itself copied it twice, into the step and out of it (a retain
            /// and a release of each of its fields: callgrind, Round 23 in docs/BENCHMARKS.md).
            case event(DecodedEvent)
            case effect(EntityEffect)
        }

        /// Changes `state` into the state after this step, where it is (``EntityState/apply(_:effective:sequence:to:)``);
        /// a payload that does not decode is a damaged log.
        func apply(to state: inout EntityState) throws {
            switch change {
            case .event(let decoded):
                try decoded.withStored { try EntityState.apply($0, effective: effective, sequence: sequence, to: &state) }
            case .effect(let effect): try EntityState.apply(effect, effective: effective, sequence: sequence, to: &state)
            }
        }

        /// The effect its snapshot keeps: `nil` for an event without one.
        var effect: EntityEffect? {
            if case .effect(let effect) = change { effect } else { nil }
        }

        /// Valid-time order (``EntityState/validTimeOrder(_:_:)``): effective date,
        /// then sequence number.
        static func validTimeOrder(_ a: Step, _ b: Step) -> Bool { (a.effective, a.sequence) < (b.effective, b.sequence) }

        /// `steps` in valid-time order: as given when already so (events mostly arrive in it), for
        /// the sort moves every step, payload and all. The order is total (sequence numbers are
        /// unique), so either way gives the same steps in the same order.
        static func inValidTimeOrder(_ steps: [Step]) -> [Step] {
            steps.indices.dropFirst().allSatisfy({ validTimeOrder(steps[$0 - 1], steps[$0]) }) ? steps : steps.sorted(by: validTimeOrder)
        }
    }

    /// Applies `events` to `state` in valid-time order and stores the state after each of their dates.
    /// `definition` is the number of the definition of the stored snapshot `state` was read from:
    /// applying an event never changes a definition (only a correction can, and none come here).
    /// `events` are every event of the entity effective after that snapshot's day, the new ones among
    /// them on the first day; `sameDay`, that snapshot's day, bounds and effects (``EffectList``) when
    /// they may start on it (``SnapshotBounds/of(days:events:sameDay:)``): a snapshot stored again for
    /// its day keeps the effects of the day's events before these.
    static func store(_ number: UInt32, from state: consuming EntityState,
                      sameDay: (day: CalendarDate, bounds: SnapshotBounds, effects: [UInt8])?, definition: Int,
                      applying events: [Step], in txn: borrowing WriteTransaction, _ snapshots: borrowing WriteCursor, _ buffer: inout [UInt8]) throws {
        let events = Step.inValidTimeOrder(events)
        // When sequence numbers ascend in valid-time order (no step back-dated behind another: the usual
        // batch), a day's bounds are its own last and first step's; else they are read off the whole list.
        let ascending = events.indices.dropFirst().allSatisfy { events[$0 - 1].sequence < events[$0].sequence }
        let sameFirst = sameDay.map { (day: $0.day, firstOnOrAfter: $0.bounds.firstOnOrAfter) }
        var listed: [SnapshotBounds] = []
        if !ascending {
            var days: [CalendarDate] = []
            for e in events where e.effective != days.last { days.append(e.effective) }
            listed = SnapshotBounds.of(days: days, events: events.map { (day: $0.effective, sequence: $0.sequence) }, sameDay: sameFirst)
        }
        var i = 0, n = 0
        var effects: [UInt8] = []   // each day's, in turn
        while i < events.count {
            let date = events[i].effective, first = events[i].sequence
            effects.removeAll(keepingCapacity: true)
            if let sameDay, sameDay.day == date { effects += sameDay.effects }
            while i < events.count, events[i].effective == date {
                try events[i].apply(to: &state)
                EffectList.append(sequence: events[i].sequence, dayOffset: 0, effect: events[i].effect, to: &effects)
                i += 1
            }
            // The stored snapshot's own day: the events it folded then were recorded before these.
            var firstOnOrAfter = first
            if let sameFirst, sameFirst.day == date { firstOnOrAfter = min(first, sameFirst.firstOnOrAfter) }
            let bounds = ascending ? SnapshotBounds(lastFolded: events[i - 1].sequence, firstOnOrAfter: firstOnOrAfter) : listed[n]
            n += 1
            try putSnapshot(state, definition: definition, bounds: bounds, effects: effects, of: SnapshotKey(number, date), through: &buffer, into: snapshots)
        }
    }

    /// The common case in one step: new events that take effect no earlier than the stream's latest
    /// snapshot, none of them a correction, continue from that snapshot. Returns false when the stream
    /// must be recomputed (a new stream, a back-dated event, a correction). `steps` are `new`'s, one an
    /// event in the same order (``Step``).
    static func extend(_ stream: StreamName, _ number: UInt32, with new: [DecodedEvent], steps: [Step], definitions: [UInt8],
                       in txn: borrowing WriteTransaction, _ snapshots: borrowing WriteCursor, _ buffer: inout [UInt8]) throws -> Bool {
        guard !new.contains(where: \.isCorrection) else { return false }
        // The cursor stays on the latest snapshot: the new ones go beside it.
        let reading = snapshots.reading
        guard let e = try SnapshotKey.inForce(at: .newest(number), in: reading), let lastDate = SnapshotKey(stored: e.key)?.day,
              new.allSatisfy({ $0.effective >= lastDate }) else { return false }
        let (lastState, definition, bounds, effects) = try read(e.value, of: stream, definitions: definitions)
        // Copied out: the puts below may move the page the value lies on.
        try store(number, from: lastState, sameDay: (lastDate, bounds, Array(effects)), definition: definition, applying: steps,
                  in: txn, snapshots, &buffer)
        return true
    }

    /// A stream new to the store, without corrections, whose first event came with its definition's
    /// bytes (``DecodedEvent/definition``): its snapshots and entry written from the typed events the
    /// catch-up decoded, as ``replaceSnapshots(of:_:with:in:_:_:)`` writes them from
    /// ``EntityState/validTimeHistory(of:)`` (events effective before the definition count from its
    /// date). Returns false when the first event brought no definition. `steps` are `new`'s, one an
    /// event in the same order (``Step``).
    ///
    /// Why: a tenth of the events (decisions) define an entity, and the general path decoded their
    /// payloads again from the JSON tree and made the definition's canonical JSON on this thread.
    static func define(_ stream: StreamName, _ number: UInt32, with new: [DecodedEvent], steps: [Step],
                       in txn: borrowing WriteTransaction, _ snapshots: borrowing WriteCursor, _ entities: Database, _ buffer: inout [UInt8]) throws -> Bool {
        guard let first = new.first, let definition = first.definition, var state = EntityState.defined(by: try first.stored()) else { return false }
        // Its next batch reads its definition list back (``read(_:of:definitions:)``): kept decoded
        // below, not decoded then. Only for a kind that later events change: the others (a tenth of a
        // history's events define a decision) are never read back here, and would fill the decoder's
        // bounded cache.
        let defined = state.changes ? state.definitionOnly : nil
        let rest = Step.inValidTimeOrder(Array(steps.dropFirst()))
        // Bounds as ``store(_:from:sameDay:definition:applying:in:_:_:)`` finds them: the days are the
        // definition's, then each later one of the rest; the definition is the stream's first event, so
        // the first on or after its day, and those effective before it are folded on it.
        let ascending = rest.indices.dropFirst().allSatisfy { rest[$0 - 1].sequence < rest[$0].sequence }
        var listed: [SnapshotBounds] = []
        if !ascending {
            var days = [first.effective]
            for e in rest where e.effective > days[days.count - 1] { days.append(e.effective) }
            var events = rest.map { (day: $0.effective, sequence: $0.sequence) }
            events.insert((first.effective, first.sequence), at: events.firstIndex { $0.day >= first.effective } ?? events.count)
            listed = SnapshotBounds.of(days: days, events: events)
        }
        var date = first.effective
        var i = 0, n = 0
        var effects: [UInt8] = []   // each day's, in turn
        while true {
            let firstOfDay = n == 0 ? first.sequence : rest[i].sequence
            var bounds = SnapshotBounds(lastFolded: firstOfDay, firstOnOrAfter: firstOfDay)
            effects.removeAll(keepingCapacity: true)
            // The definition's own entry (no effect), on its day: after those of events effective before
            // it (kept with its day), first of the day's (it is the stream's first event).
            var definitionEntry = n == 0
            while i < rest.count, rest[i].effective <= date {
                if definitionEntry, rest[i].effective == date {
                    EffectList.append(sequence: first.sequence, dayOffset: 0, effect: nil, to: &effects)
                    definitionEntry = false
                }
                try rest[i].apply(to: &state)
                EffectList.append(sequence: rest[i].sequence, dayOffset: rest[i].effective.daysSinceEpoch - date.daysSinceEpoch,
                                  effect: rest[i].effect, to: &effects)
                bounds.lastFolded = rest[i].sequence
                i += 1
            }
            if definitionEntry { EffectList.append(sequence: first.sequence, dayOffset: 0, effect: nil, to: &effects) }
            try putSnapshot(state, definition: 0, bounds: ascending ? bounds : listed[n], effects: effects,
                            of: SnapshotKey(number, date), through: &buffer, into: snapshots)
            n += 1
            guard i < rest.count else { break }
            date = rest[i].effective
        }
        let list = EntitySnapshot.encodeDefinitions([definition])
        try txn.put(EntityEntry.encode(number: number, definitions: list), forKey: Array(stream.rawValue.utf8), in: entities)
        if let defined { EntitySnapshotDecoder.shared.keep(list, decoded: [defined], for: stream) }
        return true
    }

    /// Replaces the stream's snapshots with `history`, and its definition list in `state-entities` with
    /// the distinct definitions of `history`, in date order. `events` are all the stream's events: each
    /// snapshot's bounds, and the effects kept with it (``EffectList``): each event's with the snapshot of
    /// its day, those effective before the definition with the first.
    static func replaceSnapshots(of stream: StreamName, _ number: UInt32, with history: [(CalendarDate, EntityState)],
                                 events: [RecordedEvent], in txn: borrowing WriteTransaction, _ snapshots: borrowing WriteCursor, _ entities: Database, _ buffer: inout [UInt8]) throws {
        var old: [[UInt8]] = []
        let c = snapshots.reading
        var e = try c.seek(atLeast: SnapshotKey.newest(number).bytes)
        while let entry = e, SnapshotKey(stored: entry.key)?.number == number { old.append(Array(entry.key)); e = try c.next() }
        for k in old { try txn.delete(k, in: snapshots.database) }
        // A correction may replace the definition itself: each distinct definition is listed once.
        var definitions: [(state: EntityState, bytes: [UInt8])] = []
        var current = 0
        let inOrder = events.sorted { ($0.effective, $0.sequence) < ($1.effective, $1.sequence) }
        let bounds = SnapshotBounds.of(days: history.map(\.0), events: inOrder.map { (day: $0.effective, sequence: $0.sequence) })
        var next = 0   // the next event, in valid-time order, whose effect is kept
        var effects: [UInt8] = []
        for ((date, state), bound) in zip(history, bounds) {
            if definitions.isEmpty || !definitions[current].state.hasIdenticalDefinition(to: state) {
                if let i = definitions.firstIndex(where: { $0.state.hasIdenticalDefinition(to: state) }) { current = i } else {
                    let defined = state.definitionOnly
                    definitions.append((defined, EntitySnapshotDecoder.shared.definitionBytes(of: defined, stream: stream)))
                    current = definitions.count - 1
                }
            }
            effects.removeAll(keepingCapacity: true)
            while next < inOrder.count, inOrder[next].effective <= date {
                let event = inOrder[next]
                // Each decoded once more: `validTimeHistory(of:)` decoded them all (a payload that does
                // not decode is a damaged log, there as here), on this rare path only.
                let effect = EntityEffect(try ProgrammeEvent.decodeStored(event))
                EffectList.append(sequence: event.sequence, dayOffset: event.effective.daysSinceEpoch - date.daysSinceEpoch, effect: effect, to: &effects)
                next += 1
            }
            try putSnapshot(state, definition: current, bounds: bound, effects: effects, of: SnapshotKey(number, date), through: &buffer, into: snapshots)
        }
        let list = EntitySnapshot.encodeDefinitions(definitions.map(\.bytes))
        try txn.put(EntityEntry.encode(number: number, definitions: list), forKey: Array(stream.rawValue.utf8), in: entities)
        // Kept decoded for the stream's next batch, as ``define(_:_:with:steps:in:_:_:_:)`` keeps a new
        // entity's: only for a kind that later events change.
        if definitions.first?.state.changes == true {
            EntitySnapshotDecoder.shared.keep(list, decoded: definitions.map(\.state), for: stream)
        }
    }

    /// Stores `state` as the snapshot `key`, referring to definition number `definition`, after its
    /// `bounds` (``SnapshotBounds``) and the effects of its day's events (``EffectList``), encoded in
    /// `buffer` (reused across puts: a replay stores about a snapshot an event).
    static func putSnapshot(_ state: EntityState, definition: Int, bounds: SnapshotBounds, effects: [UInt8], of key: SnapshotKey,
                            through buffer: inout [UInt8], into snapshots: borrowing WriteCursor) throws {
        try key.withStoredBytes { k in
            try effects.withUnsafeBytes { effects in
                try EntitySnapshot.withEncoded(state, prefix: (bounds.lastFolded, bounds.firstOnOrAfter), beside: effects,
                                               definitionNumber: definition, in: &buffer) { v in try snapshots.put(v, forKey: k) }
            }
        }
    }
}
