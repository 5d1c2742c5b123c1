import EventLog
import Foundation

/// A milestone planned for a date.
public struct MilestoneScheduled: ProgrammeEventPayload {
    public static let typeName = "MilestoneScheduled"
    public static let entityKind: EntityKind? = .milestone
    public static let definesEntity = true

    public var component: EntityReference
    public var title: String
    public var plannedDate: CalendarDate
    public var decision: EntityReference?

    /// The members its reader allows.
    static let memberNames = MemberNames(["component", "title", "plannedDate", "decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        component = try f.reference("component", .component)
        title = try f.text("title")
        plannedDate = try f.date("plannedDate")
        decision = try f.optionalReference("decision", .decision)
    }

    public var json: JSONValue {
        .members([("component", component.json), ("title", .string(title)), ("plannedDate", plannedDate.json),
                  ("decision", decision?.json)])
    }
}

/// A milestone moved to a new date.
public struct MilestoneRescheduled: ProgrammeEventPayload {
    public static let typeName = "MilestoneRescheduled"
    public static let entityKind: EntityKind? = .milestone

    public var plannedDate: CalendarDate
    public var previousDate: CalendarDate
    public var decision: EntityReference

    /// The members its reader allows.
    static let memberNames = MemberNames(["plannedDate", "previousDate", "decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        plannedDate = try f.date("plannedDate")
        previousDate = try f.date("previousDate")
        decision = try f.reference("decision", .decision)
    }

    public var json: JSONValue {
        ["plannedDate": plannedDate.json, "previousDate": previousDate.json, "decision": decision.json]
    }
}

/// A milestone reached, with the evidence.
public struct MilestoneAchieved: ProgrammeEventPayload {
    public static let typeName = "MilestoneAchieved"
    public static let entityKind: EntityKind? = .milestone

    public var achievedOn: CalendarDate
    public var evidence: String

    /// The members its reader allows.
    static let memberNames = MemberNames(["achievedOn", "evidence"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        achievedOn = try f.date("achievedOn")
        evidence = try f.text("evidence")
    }

    public var json: JSONValue { ["achievedOn": achievedOn.json, "evidence": .string(evidence)] }
}

/// A milestone not reached by its planned date. It may still be rescheduled and achieved.
public struct MilestoneMissed: ProgrammeEventPayload {
    public static let typeName = "MilestoneMissed"
    public static let entityKind: EntityKind? = .milestone

    /// The members its reader allows.
    static let memberNames = MemberNames([])

    public init(fields f: some JSONObjectFields) throws(FieldError) { try f.rejectUnknown(allowing: Self.memberNames) }
    public init() {}
    public var json: JSONValue { .object([]) }
}

/// A milestone dropped by a decision. Nothing may happen to it afterwards.
public struct MilestoneCancelled: ProgrammeEventPayload {
    public static let typeName = "MilestoneCancelled"
    public static let entityKind: EntityKind? = .milestone

    public var decision: EntityReference

    /// The members its reader allows.
    static let memberNames = MemberNames(["decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        decision = try f.reference("decision", .decision)
    }

    public var json: JSONValue { ["decision": decision.json] }
}

/// A correction of an earlier event of the same stream: it replaces that event's payload or voids it.
/// The corrected event stays in the log, unchanged.
public struct EventCorrected: ProgrammeEventPayload {
    public static let typeName = "EventCorrected"
    public static let entityKind: EntityKind? = nil

    public var corrects: UUID
    public var action: CorrectionAction
    /// The corrected payload, for `replace`: a payload of the corrected event's type, current schema.
    public var replacement: JSONValue?

    /// The members its reader allows.
    static let memberNames = MemberNames(["corrects", "action", "replacement"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        corrects = try f.uuid("corrects")
        action = try f.choice("action", CorrectionAction.self)
        replacement = f.value("replacement")
        switch action {
        case .replace:
            guard case .object? = replacement else { throw FieldError(field: f.fieldPath("replacement"), "a replace correction carries the corrected payload, an object") }
        case .void:
            guard replacement == nil else { throw FieldError(field: f.fieldPath("replacement"), "a void correction carries no replacement") }
        }
    }

    public var json: JSONValue {
        .members([("corrects", .string(corrects.canonicalString)), ("action", .string(action.rawValue)), ("replacement", replacement)])
    }
}
