import EventLog

/// A target for an indicator in one programme year.
public struct TargetSet: ProgrammeEventPayload {
    public static let typeName = "TargetSet"
    public static let entityKind: EntityKind? = .indicator

    public var year: Int
    public var value: ExactDecimal
    public var decision: EntityReference?

    /// The members its reader allows.
    static let memberNames = MemberNames(["year", "value", "decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        year = try f.year("year")
        value = try f.decimal("value")
        decision = try f.optionalReference("decision", .decision)
    }

    public var json: JSONValue {
        .members([("year", .integer(Int64(year))), ("value", value.json), ("decision", decision?.json)])
    }
}

/// A change to an existing target, with the value it replaces and the decision that authorised it.
public struct TargetChanged: ProgrammeEventPayload {
    public static let typeName = "TargetChanged"
    public static let entityKind: EntityKind? = .indicator

    public var year: Int
    public var value: ExactDecimal
    public var previousValue: ExactDecimal
    public var reason: String
    public var decision: EntityReference

    /// The members its reader allows.
    static let memberNames = MemberNames(["year", "value", "previousValue", "reason", "decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        year = try f.year("year")
        value = try f.decimal("value")
        previousValue = try f.decimal("previousValue")
        reason = try f.text("reason")
        decision = try f.reference("decision", .decision)
    }

    public var json: JSONValue {
        ["year": .integer(Int64(year)), "value": value.json, "previousValue": previousValue.json,
         "reason": .string(reason), "decision": decision.json]
    }
}

/// An actual value of an indicator for a year.
public struct IndicatorMeasured: ProgrammeEventPayload {
    public static let typeName = "IndicatorMeasured"
    public static let entityKind: EntityKind? = .indicator

    public var year: Int
    public var value: ExactDecimal

    /// The members its reader allows.
    static let memberNames = MemberNames(["year", "value"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        year = try f.year("year")
        value = try f.decimal("value")
    }

    public var json: JSONValue { ["year": .integer(Int64(year)), "value": value.json] }
}
