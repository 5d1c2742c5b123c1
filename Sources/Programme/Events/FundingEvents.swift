import EventLog

/// Money set aside for a component in one fiscal year, from one source, by a decision.
///
/// Schema 2 (current) writes the amount as a decimal string. Schema 1 wrote it as an integer count of
/// minor units (`amountMinor`); ``Upcasters`` turns such events into schema 2 when they are read.
public struct FundingAllocated: ProgrammeEventPayload {
    public static let typeName = "FundingAllocated"
    public static let currentSchema = 2
    public static let entityKind: EntityKind? = .allocation
    public static let definesEntity = true

    public var component: EntityReference
    public var money: Money
    public var fiscalYear: Int
    public var source: FundingSource
    public var funder: EntityReference
    public var decision: EntityReference

    /// The members its reader allows.
    static let memberNames = MemberNames(["component", "amount", "currency", "fiscalYear", "source", "funder", "decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        component = try f.reference("component", .component)
        money = try f.money()
        fiscalYear = try f.year("fiscalYear")
        source = try f.choice("source", FundingSource.self)
        funder = try f.reference("funder", .organisation)
        decision = try f.reference("decision", .decision)
    }

    public var json: JSONValue {
        ["component": component.json, "amount": .string(money.amountText), "currency": .string(money.currency.code),
         "fiscalYear": .integer(Int64(fiscalYear)), "source": .string(source.rawValue), "funder": funder.json,
         "decision": decision.json]
    }
}

/// A new amount for an allocation, with the amount it replaces.
public struct FundingRevised: ProgrammeEventPayload {
    public static let typeName = "FundingRevised"
    public static let entityKind: EntityKind? = .allocation

    public var money: Money
    public var previousAmount: ExactDecimal
    public var decision: EntityReference

    /// The members its reader allows.
    static let memberNames = MemberNames(["amount", "previousAmount", "currency", "decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        money = try f.money()
        previousAmount = try f.decimal("previousAmount", integerDigits: 18, fractionDigits: 18)
        decision = try f.reference("decision", .decision)
    }

    public var json: JSONValue {
        ["amount": .string(money.amountText), "previousAmount": previousAmount.json,
         "currency": .string(money.currency.code), "decision": decision.json]
    }
}

/// An allocation taken back whole.
public struct FundingWithdrawn: ProgrammeEventPayload {
    public static let typeName = "FundingWithdrawn"
    public static let entityKind: EntityKind? = .allocation

    public var decision: EntityReference

    /// The members its reader allows.
    static let memberNames = MemberNames(["decision"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        decision = try f.reference("decision", .decision)
    }

    public var json: JSONValue { ["decision": decision.json] }
}

/// Money paid out of an allocation.
public struct DisbursementRecorded: ProgrammeEventPayload {
    public static let typeName = "DisbursementRecorded"
    public static let entityKind: EntityKind? = .allocation

    public var money: Money
    public var recipient: EntityReference?
    public var reference: String?

    /// The members its reader allows.
    static let memberNames = MemberNames(["amount", "currency", "recipient", "reference"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        money = try f.money()
        recipient = try f.optionalReference("recipient", .organisation)
        reference = try f.optionalString("reference")
    }

    public var json: JSONValue {
        .members([("amount", .string(money.amountText)), ("currency", .string(money.currency.code)),
                  ("recipient", recipient?.json), ("reference", reference.map(JSONValue.string))])
    }
}

/// Money spent from an allocation.
public struct ExpenditureRecorded: ProgrammeEventPayload {
    public static let typeName = "ExpenditureRecorded"
    public static let entityKind: EntityKind? = .allocation

    public var money: Money
    public var description: String

    /// The members its reader allows.
    static let memberNames = MemberNames(["amount", "currency", "description"])

    public init(fields f: some JSONObjectFields) throws(FieldError) {
        try f.rejectUnknown(allowing: Self.memberNames)
        money = try f.money()
        description = try f.text("description")
    }

    public var json: JSONValue {
        ["amount": .string(money.amountText), "currency": .string(money.currency.code), "description": .string(description)]
    }
}

extension JSONObjectFields {
    /// `amount` and `currency` together: a positive exact amount below 10^18 with no more fractional
    /// digits than the currency has minor units (trailing zeros aside), held at the currency's scale.
    func money() throws(FieldError) -> Money {
        let currency = try currency("currency")
        let amount = try decimal("amount", integerDigits: 18, fractionDigits: 18)
        guard amount.isPositive else { throw FieldError(field: fieldPath("amount"), "an amount must be greater than zero, got \(amount)") }
        guard let exact = amount.rescaled(to: currency.minorUnits) else {
            throw FieldError(field: fieldPath("amount"), "\(currency.code) has \(currency.minorUnits) minor-unit digits; \(amount) has more")
        }
        return Money(exact, currency)
    }
}
