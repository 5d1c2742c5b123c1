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

    public struct Change: Sendable, Equatable {
        public var facet: String
        public var before: String?
        public var after: String?
        public init(facet: String, before: String?, after: String?) {
            self.facet = facet
            self.before = before
            self.after = after
        }
    }

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

    public init(json: JSONValue) throws(FieldError) {
        let f = try JSONFields(json)
        sequence = UInt64(try f.integer("seq"))
        guard let r = Timestamp(canonical: try f.string("recorded")) else { throw FieldError(field: "recorded", "not a time") }
        recorded = r
        effective = try f.date("effective")
        stream = try StreamName(validating: try f.string("stream"))
        type = try f.string("type")
        actor = try f.string("actor")
        rationale = try f.string("rationale")
        source = try f.string("source")
        decision = try f.optionalString("decision")
        changes = []
        for (i, c) in try f.array("changes").enumerated() {
            let cf = try JSONFields(c, path: "changes[\(i)]")
            changes.append(Change(facet: try cf.string("facet"), before: try cf.optionalString("before"), after: try cf.optionalString("after")))
        }
        corrects = try f.optionalInteger("corrects").map { UInt64($0) }
        correctedBy = try f.array("correctedBy").compactMap { if case .integer(let n) = $0 { UInt64(n) } else { nil } }
    }

    init(event: RecordedEvent, decision: String?, before: EntityState?, after: EntityState?, corrects: UInt64?) {
        self.init(event: event, decision: decision, before: before?.facets ?? [], after: after?.facets ?? [], corrects: corrects)
    }

    /// An entry from the entity's ``EntityState/facets`` before and after the event: a change for each
    /// label whose value differs, in the order labels first appear (before's, then after's new ones).
    init(event: RecordedEvent, decision: String?, before old: [(String, String)], after new: [(String, String)], corrects: UInt64?) {
        sequence = event.sequence
        recorded = event.recorded
        effective = event.effective
        stream = event.stream
        type = event.type
        actor = event.actor
        rationale = event.rationale
        source = event.source
        self.decision = decision
        self.corrects = corrects
        correctedBy = []
        changes = []
        // Mostly an event changes values, not labels: with the same labels in the same order, only the
        // values that differ are looked at (each, when its label is the first of that name, is a change).
        if old.count == new.count, zip(old, new).allSatisfy({ $0.0 == $1.0 }) {
            for (i, (k, v)) in old.enumerated() where new[i].1 != v && !old[..<i].contains(where: { $0.0 == k }) {
                changes.append(Change(facet: k, before: v, after: new[i].1))
            }
            return
        }
        // A state has about a dozen facets: linear searches beat building two dictionaries per event.
        for (i, (k, v)) in old.enumerated() where !old[..<i].contains(where: { $0.0 == k }) {
            let after = new.first { $0.0 == k }?.1
            if after != v { changes.append(Change(facet: k, before: v, after: after)) }
        }
        for (i, (k, v)) in new.enumerated()
        where !old.contains(where: { $0.0 == k }) && !new[..<i].contains(where: { $0.0 == k }) {
            changes.append(Change(facet: k, before: nil, after: v))
        }
    }
}

/// Builds audit entries in sequence order, keeping each stream's state as recorded so far.
struct AuditBuilder {
    /// The state of each stream after its events so far, and those events (needed when a correction
    /// changes an earlier one).
    var states: [StreamName: EntityState] = [:]
    /// The facets of `states`, where made already: an event's facets after are the next one's before.
    var facets: [StreamName: [(String, String)]] = [:]
    var loadState: (StreamName) throws -> EntityState?
    var loadEvents: (StreamName, UInt64) throws -> [RecordedEvent]

    /// The entry of `decoded`, the next event in sequence order; an event whose payload does not decode
    /// is entered with no change.
    mutating func entry(for decoded: DecodedEvent) throws -> AuditEntry {
        let event = decoded.recorded
        let before = try states[event.stream] ?? loadState(event.stream)
        let typed = decoded.event
        if case .eventCorrected(let c)? = typed {
            // A correction changes an earlier event. Its before and after are the entity just after the
            // corrected event, without and with the correction; the running state is the stream refolded.
            let history = try loadEvents(event.stream, event.sequence)
            let target = history.first { $0.id == c.corrects }
            // The stream through the corrected event, with earlier corrections of that same event.
            let targetSequence = target?.sequence ?? 0
            let upToTarget = history.filter { e in
                if e.sequence <= targetSequence { return true }
                guard e.sequence < event.sequence, case .eventCorrected(let earlier)? = try? ProgrammeEvent.decode(e) else { return false }
                return earlier.corrects == c.corrects
            }
            let corrected = try EntityState.fold(upToTarget), correcting = try EntityState.fold(upToTarget + [event])
            states[event.stream] = try EntityState.fold(history)
            facets[event.stream] = nil
            return AuditEntry(event: event, decision: typed?.authorisingDecision?.description, before: corrected, after: correcting,
                              corrects: target?.sequence)
        }
        let after = try typed.map { try EntityState.apply($0, at: event, to: before) } ?? before
        states[event.stream] = after
        let facetsBefore = facets[event.stream] ?? before?.facets ?? []
        let facetsAfter = after?.facets ?? []
        facets[event.stream] = facetsAfter
        return AuditEntry(event: event, decision: typed?.authorisingDecision?.description, before: facetsBefore, after: facetsAfter, corrects: nil)
    }
}
