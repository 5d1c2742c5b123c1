import EventLog
import Programme

/// One change in an audit trail: who changed what, when, why, on whose authority, and the entity's
/// facts before and after.
public struct AuditEntry: Sendable, Equatable {
    public var sequence: UInt64
    public var recorded: Timestamp
    public var effective: CalendarDate
    public var stream: StreamName
    public var type: String
    public var actor: String
    public var rationale: String
    public var source: String
    public var decision: String?
    public var changes: [Change]
    /// For a correction: the sequence number of the event it corrects.
    public var corrects: UInt64?
    /// The corrections recorded later against this event.
    public var correctedBy: [UInt64]

    /// A facet the event changed, with its text before and after.
    public typealias Change = FacetChange

    public var json: JSONValue {
        .members([
            ("seq", .integer(Int64(sequence))), ("recorded", .string(recorded.description)), ("effective", .string(effective.description)),
            ("stream", .string(stream.rawValue)), ("type", .string(type)), ("actor", .string(actor)), ("rationale", .string(rationale)),
            ("source", .string(source)), ("decision", decision.map(JSONValue.string)),
            ("changes", .array(changes.map { c in .members([("facet", .string(c.facet)), ("before", c.before.map(JSONValue.string)), ("after", c.after.map(JSONValue.string))]) })),
            ("corrects", corrects.map { .integer(Int64($0)) }),
            ("correctedBy", .array(correctedBy.map { .integer(Int64($0)) })),
        ])
    }

    /// The entry of `event`, with what the audit trail derived for it.
    public init(event: RecordedEvent, row: AuditRow) {
        self.init(event: EventEnvelope(event), row: row)
    }

    /// The entry of the event whose envelope is `event`, with what the audit trail derived for it: an
    /// entry shows none of the event's payload (its changes are the row's).
    public init(event: EventEnvelope, row: AuditRow) {
        sequence = event.sequence
        recorded = event.recorded
        effective = event.effective
        stream = event.stream
        type = event.type
        actor = event.actor
        rationale = event.rationale
        source = event.source
        decision = row.decision
        changes = row.changes
        corrects = row.corrects
        correctedBy = row.correctedBy
    }
}

/// Builds audit rows in sequence order, keeping each stream's state as recorded so far.
struct AuditBuilder {
    /// The state of each stream after its events so far.
    var states = StreamTable<EntityState>()
    var loadState: (StreamName) throws -> EntityState?
    var loadEvents: (StreamName, UInt64) throws -> [RecordedEvent]

    /// A builder that starts each stream from `loadState` and reads the history a correction refolds
    /// (a stream's events through a sequence number) from `log`.
    init(log: EventLog, loadState: @escaping (StreamName) throws -> EntityState?) {
        self.loadState = loadState
        self.loadEvents = { stream, through in try log.events(in: stream, through: through) }
    }

    /// The row of `decoded`, the next event in sequence order; an event whose payload does not decode
    /// is entered with no change.
    mutating func row(for decoded: DecodedEvent) throws -> AuditRow {
        // The typed payload read where the decoded event keeps it, not copied out of it (a retain and a
        // release of each of its fields: callgrind, Round 23 in docs/BENCHMARKS.md).
        try withExtendedLifetime(decoded) {
            switch decoded.typed {
            case .success(let typed): return try row(for: decoded, typed: typed)
            case .failure:
                let before = try states[decoded.stream] ?? loadState(decoded.stream)
                states[decoded.stream] = before
                return AuditRow(decision: nil, changes: EntityState.changes(from: before, to: before), corrects: nil)
            }
        }
    }

    /// Appends the canonical bytes of ``row(for:)`` of `decoded` to `out`, and returns the sequence
    /// number of the event it corrects (the row's ``AuditRow/corrects``).
    ///
    /// An event with an effect on a stream that has a state (nearly every event of a replay) is written
    /// straight from its effect's changes (``AuditRow/writeCanonical(decision:changes:into:)``), without
    /// making the row; any other through ``row(for:)``. The same bytes either way.
    mutating func writeRow(for decoded: DecodedEvent, into out: inout [UInt8]) throws -> UInt64? {
        try withExtendedLifetime(decoded) {
            if case .success(let typed) = decoded.typed, let effect = decoded.effect {
                var changes = EffectChanges()
                if try applied(effect, of: decoded, into: &changes) {
                    AuditRow.writeCanonical(decision: typed.authorisingDecision, changes: changes, into: &out)
                    return nil
                }
            }
            let row = try row(for: decoded)
            row.writeCanonical(into: &out)
            return row.corrects
        }
    }

    /// Applies `effect`, `decoded`'s, to its stream's state, where the table keeps it or as `loadState`
    /// gives it, and adds what it changed to `changes`; false, with nothing applied, when the stream has
    /// no state.
    private mutating func applied(_ effect: EntityEffect, of decoded: DecodedEvent, into changes: inout EffectChanges) throws -> Bool {
        let stream = decoded.stream
        let found: Void? = try states.withMutableValue(forKey: stream) { state in
            try EntityState.effectChanges(applying: effect, effective: decoded.effective, sequence: decoded.sequence, to: &state, into: &changes)
        }
        if found != nil { return true }
        guard var state = try loadState(stream) else { return false }
        try EntityState.effectChanges(applying: effect, effective: decoded.effective, sequence: decoded.sequence, to: &state, into: &changes)
        states[stream] = consume state
        return true
    }

    /// ``row(for:)`` of an event whose payload decoded to `typed`.
    private mutating func row(for decoded: DecodedEvent, typed: ProgrammeEvent) throws -> AuditRow {
        let stream = decoded.stream
        if case .eventCorrected(let c) = typed {
            // A correction changes an earlier event. Its before and after are the entity just after the
            // corrected event, without and with the correction; the running state is the stream refolded.
            // The history is read whole from the log (the ids name what is corrected), the correction last.
            let history = try loadEvents(stream, decoded.sequence)
            guard let event = history.last, event.sequence == decoded.sequence else {
                throw EventLogError.damaged(sequence: decoded.sequence, reason: "not found in its stream's index")
            }
            let target = history.first { $0.id == c.corrects }
            // The stream through the corrected event, with earlier corrections of that same event.
            let targetSequence = target?.sequence ?? 0
            let upToTarget = history.filter { e in
                if e.sequence <= targetSequence { return true }
                guard e.sequence < event.sequence, case .eventCorrected(let earlier)? = try? ProgrammeEvent.decode(e) else { return false }
                return earlier.corrects == c.corrects
            }
            let corrected = try EntityState.fold(upToTarget), correcting = try EntityState.fold(upToTarget + [event])
            states[stream] = try EntityState.fold(history)
            return AuditRow(decision: typed.authorisingDecision?.description, changes: EntityState.changes(from: corrected, to: correcting),
                            corrects: target?.sequence)
        }
        // An event with an effect (any event after a definition but a correction) changes the state where
        // the table keeps it, and its changes are read from the facet its effect changes
        // (``EntityState/changes(applying:effective:sequence:to:)``): the state before is neither copied
        // nor compared field by field with the state after (Rounds 40 and 52 in docs/BENCHMARKS.md).
        let effect = decoded.effect   // `EntityEffect(typed)`, read with the payload (``DecodedEvent/effect``)
        if let effect {
            var changes = EffectChanges()
            if try applied(effect, of: decoded, into: &changes) {
                return AuditRow(decision: typed.authorisingDecision?.description, changes: changes.facetChanges, corrects: nil)
            }
        }
        let changed = try states.withMutableValue(forKey: stream) { state -> [AuditEntry.Change] in
            var after = state
            try EntityState.apply(typed, effective: decoded.effective, sequence: decoded.sequence, to: &after)
            let changes = EntityState.changes(from: state, to: after)
            state = consume after
            return changes
        }
        if let changed { return AuditRow(decision: typed.authorisingDecision?.description, changes: changed, corrects: nil) }
        let before = try loadState(stream)
        let after = try EntityState.apply(typed, effective: decoded.effective, sequence: decoded.sequence, to: before)
        let changes = EntityState.changes(from: before, to: after)
        // Moved into the table once the changes are known, not copied there first.
        states[stream] = consume after
        return AuditRow(decision: typed.authorisingDecision?.description, changes: changes, corrects: nil)
    }
}
