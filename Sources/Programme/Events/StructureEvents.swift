import EventLog

/// A programme comes into being: its title, period and owner.
public struct ProgrammeDefined: ProgrammeEventPayload {
    public static let typeName = "ProgrammeDefined"
    public static let entityKind: EntityKind? = .programme
    public static let definesEntity = true

    public var title: String
    public var description: String?
    public var start: CalendarDate
    public var end: CalendarDate
    public var owner: EntityReference

    /// The members its reader allows.
    static let memberNames = MemberNames(["title", "description", "start", "end", "owner"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        title = try f.text("title")
        description = try f.optionalString("description")
        start = try f.date("start")
        end = try f.date("end")
        owner = try f.reference("owner", .organisation)
    }

    public var json: JSONValue {
        .members([("title", .string(title)), ("description", description.map(JSONValue.string)), ("start", start.json),
                  ("end", end.json), ("owner", owner.json)])
    }
}

/// A part of a programme's results chain: a direction, an outcome or an output.
public struct ComponentDefined: ProgrammeEventPayload {
    public static let typeName = "ComponentDefined"
    public static let entityKind: EntityKind? = .component
    public static let definesEntity = true

    public var programme: EntityReference
    public var level: ComponentLevel
    public var parent: EntityReference?
    public var title: String
    public var accountable: EntityReference?

    /// The members its reader allows.
    static let memberNames = MemberNames(["programme", "level", "parent", "title", "accountable"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        programme = try f.reference("programme", .programme)
        level = try f.choice("level", ComponentLevel.self)
        parent = try f.optionalReference("parent", .component)
        title = try f.text("title")
        accountable = try f.optionalReference("accountable", .organisation)
    }

    public var json: JSONValue {
        .members([("programme", programme.json), ("level", .string(level.rawValue)), ("parent", parent?.json),
                  ("title", .string(title)), ("accountable", accountable?.json)])
    }
}

/// An indicator that measures a component's progress.
public struct IndicatorDefined: ProgrammeEventPayload {
    public static let typeName = "IndicatorDefined"
    public static let entityKind: EntityKind? = .indicator
    public static let definesEntity = true

    public var component: EntityReference
    public var name: String
    /// What a value counts, such as `percent` or `rooms`.
    public var unit: String
    public var measure: IndicatorMeasure
    public var higherIsBetter: Bool
    public var baseline: Baseline?

    public struct Baseline: Sendable, Equatable {
        public var value: ExactDecimal
        public var year: Int
    }

    /// The members its reader allows.
    static let memberNames = MemberNames(["component", "name", "unit", "measure", "higherIsBetter", "baseline"])

    /// The members of its baseline object.
    static let baselineMemberNames = MemberNames(["value", "year"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        component = try f.reference("component", .component)
        name = try f.text("name")
        unit = try f.text("unit")
        measure = try f.choice("measure", IndicatorMeasure.self)
        higherIsBetter = try f.bool("higherIsBetter")
        if let b = try f.optionalObject("baseline") {
            try b.rejectUnknown(allowing: Self.baselineMemberNames)
            baseline = Baseline(value: try b.decimal("value"), year: try b.year("year"))
        }
    }

    public var json: JSONValue {
        .members([("component", component.json), ("name", .string(name)), ("unit", .string(unit)),
                  ("measure", .string(measure.rawValue)), ("higherIsBetter", .bool(higherIsBetter)),
                  ("baseline", baseline.map { ["value": $0.value.json, "year": .integer(Int64($0.year))] })])
    }
}

/// An organisation taking part in programmes, with its roles.
public struct OrganisationDefined: ProgrammeEventPayload {
    public static let typeName = "OrganisationDefined"
    public static let entityKind: EntityKind? = .organisation
    public static let definesEntity = true

    public var name: String
    public var roles: [OrganisationRole]
    /// Its IATI organisation identifier, such as `XM-DAC-41122`.
    public var iatiIdentifier: String?
    /// Its IATI OrganisationType code, such as `10` (government) or `40` (multilateral).
    public var iatiType: String?

    /// The members its reader allows.
    static let memberNames = MemberNames(["name", "roles", "iatiIdentifier", "iatiType"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        name = try f.text("name")
        var roles: [OrganisationRole] = []
        for (i, v) in try f.array("roles").enumerated() {
            guard case .string(let s) = v, let role = OrganisationRole(rawValue: s) else {
                throw FieldError(field: f.fieldPath("roles") + "[\(i)]", "expected one of \"funder\", \"accountable\", \"implementing\"")
            }
            guard !roles.contains(role) else { throw FieldError(field: f.fieldPath("roles") + "[\(i)]", "role \"\(s)\" is listed twice") }
            roles.append(role)
        }
        guard !roles.isEmpty else { throw FieldError(field: f.fieldPath("roles"), "an organisation has at least one role") }
        self.roles = roles
        iatiIdentifier = try f.optionalString("iatiIdentifier")
        iatiType = try f.optionalString("iatiType")
    }

    public var json: JSONValue {
        .members([("name", .string(name)), ("roles", .array(roles.map { .string($0.rawValue) })),
                  ("iatiIdentifier", iatiIdentifier.map(JSONValue.string)), ("iatiType", iatiType.map(JSONValue.string))])
    }
}

/// A decision by an authority: what other events cite as their authorisation.
public struct DecisionRecorded: ProgrammeEventPayload {
    public static let typeName = "DecisionRecorded"
    public static let entityKind: EntityKind? = .decision
    public static let definesEntity = true

    public var title: String
    public var kind: DecisionKind
    public var authority: EntityReference
    /// A decree number, a document link, or a description of the record.
    public var reference: String
    public var decidedOn: CalendarDate
    /// What the decision authorises.
    public var authorises: String
    public var programme: EntityReference?

    /// The members its reader allows.
    static let memberNames = MemberNames(["title", "kind", "authority", "reference", "decidedOn", "authorises", "programme"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        title = try f.text("title")
        kind = try f.choice("kind", DecisionKind.self)
        authority = try f.reference("authority", .organisation)
        reference = try f.text("reference")
        decidedOn = try f.date("decidedOn")
        authorises = try f.text("authorises")
        programme = try f.optionalReference("programme", .programme)
    }

    public var json: JSONValue {
        .members([("title", .string(title)), ("kind", .string(kind.rawValue)), ("authority", authority.json),
                  ("reference", .string(reference)), ("decidedOn", decidedOn.json), ("authorises", .string(authorises)),
                  ("programme", programme?.json)])
    }
}
