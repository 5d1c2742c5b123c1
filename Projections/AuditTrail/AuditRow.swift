import EventLog
import Programme

/// What the audit trail stores for one event: what the event itself does not say. The authorising
/// decision, the changes (the entity's facts before and after that differ) and the correction links are
/// derived by the projection; who, when, why and from what source are the event's own fields, read from
/// the log when an entry is shown (a row's key is its event's sequence number).
///
/// Why not the whole entry: a replay writes one row per event, and copying the event's fields into it
/// made the rows several times larger than what they add (the rationale alone is often longer than the
/// changes), and wrote each of those strings again as JSON.
public struct AuditRow: Sendable, Equatable {
    /// The decision the event names as its authority (``ProgrammeEvent/authorisingDecision``).
    public var decision: String?
    public var changes: [AuditEntry.Change]
    /// For a correction: the sequence number of the event it corrects.
    public var corrects: UInt64?
    /// The corrections recorded later against this event.
    public var correctedBy: [UInt64]

    public init(decision: String?, changes: [AuditEntry.Change], corrects: UInt64?, correctedBy: [UInt64] = []) {
        self.decision = decision
        self.changes = changes
        self.corrects = corrects
        self.correctedBy = correctedBy
    }

    /// The row as stored: `changes` and `correctedBy` always, `corrects` and `decision` when present.
    public var json: JSONValue {
        .members([
            ("changes", .array(changes.map { c in .members([("facet", .string(c.facet)), ("before", c.before.map(JSONValue.string)), ("after", c.after.map(JSONValue.string))]) })),
            ("corrects", corrects.map { .integer(Int64($0)) }),
            ("correctedBy", .array(correctedBy.map { .integer(Int64($0)) })),
            ("decision", decision.map(JSONValue.string)),
        ])
    }

    public init(json: JSONValue) throws(FieldError) {
        let f = try JSONFields(json)
        decision = try f.optionalString("decision")
        changes = []
        for (i, c) in try f.array("changes").enumerated() {
            let cf = try JSONFields(c, path: "changes[\(i)]")
            changes.append(AuditEntry.Change(facet: try cf.string("facet"), before: try cf.optionalString("before"), after: try cf.optionalString("after")))
        }
        if let n = try f.optionalInteger("corrects") {
            guard n > 0 else { throw FieldError(field: "corrects", "expected a sequence number") }
            corrects = UInt64(n)
        } else {
            corrects = nil
        }
        correctedBy = []
        for (i, n) in try f.array("correctedBy").enumerated() {
            guard case .integer(let s) = n, s > 0 else { throw FieldError(field: "correctedBy[\(i)]", "expected a sequence number") }
            correctedBy.append(UInt64(s))
        }
    }
}
