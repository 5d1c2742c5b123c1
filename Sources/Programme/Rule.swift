/// The rules every programme event is checked against when it is appended. They live here, in one
/// place; docs/EVENTS.md lists them with the same identifiers.
public enum Rule: String, CaseIterable, Sendable {
    case knownType = "R01"
    case streamKind = "R02"
    case defineOnce = "R03"
    case references = "R04"
    case money = "R05"
    case programmePeriod = "R06"
    case resultsChain = "R07"
    case roles = "R08"
    case targets = "R09"
    case fundingLifecycle = "R10"
    case milestoneLifecycle = "R11"
    case corrections = "R12"
    case accountability = "R13"

    /// A short name, used in error messages.
    public var name: String {
        switch self {
        case .knownType: "known type"
        case .streamKind: "stream kind"
        case .defineOnce: "define once"
        case .references: "references exist"
        case .money: "exact money"
        case .programmePeriod: "programme period"
        case .resultsChain: "results chain"
        case .roles: "organisation roles"
        case .targets: "targets"
        case .fundingLifecycle: "funding lifecycle"
        case .milestoneLifecycle: "milestone lifecycle"
        case .corrections: "corrections"
        case .accountability: "actor and rationale"
        }
    }

    /// What the rule requires.
    public var summary: String {
        switch self {
        case .knownType:
            "The event's type is in the catalogue, with a schema version from 1 to the type's current one, and its payload has exactly the type's fields with the right JSON types."
        case .streamKind:
            "Each type lives in streams of one kind, named `<kind>/<code>` (TargetSet in `indicator/…`); a correction lives in the stream of the event it corrects."
        case .defineOnce:
            "A defining event (ProgrammeDefined, ComponentDefined, IndicatorDefined, OrganisationDefined, DecisionRecorded, FundingAllocated, MilestoneScheduled) starts a new stream: nothing re-defines an entity that exists. Every other event needs its entity defined first."
        case .references:
            "Every reference in a payload names an entity that exists and is of the kind the field calls for."
        case .money:
            "Amounts are positive exact decimals in an active ISO 4217 currency, with no more fractional digits than the currency's minor units (trailing zeros aside); every later event of an allocation is in the allocation's currency."
        case .programmePeriod:
            "A programme ends on or after its start. Target, measurement and fiscal years lie within the programme's period, planned milestone dates too, and a baseline year is not after the programme's first year."
        case .resultsChain:
            "A direction has no parent; an output has one; a parent is a component of the same programme, and a component's level is below its parent's."
        case .roles:
            "An allocation's funder has the role `funder`; a component's accountable organisation has the role `accountable`."
        case .targets:
            "TargetSet is for a year with no target yet; TargetChanged is for a year with one, names it as `previousValue`, and changes it. Percentage targets and measurements lie from 0 to 100."
        case .fundingLifecycle:
            "A revision names the allocation's current amount as `previousAmount` and changes it; a withdrawn allocation takes no further revision, withdrawal, disbursement or expenditure."
        case .milestoneLifecycle:
            "An achieved or cancelled milestone takes no further event (no achieving a cancelled milestone). A reschedule names the current planned date as `previousDate` and moves it; a milestone is missed only on or after its planned date, and not twice without a reschedule between; `achievedOn` is not after the day the event is recorded."
        case .corrections:
            "A correction points at an earlier event of the same stream that is not itself a correction and is not already void; a defining event can be replaced but not voided; a replacement is a valid payload of the corrected event's type whose references exist."
        case .accountability:
            "Every event carries a non-empty actor, rationale and source (enforced by the event format itself)."
        }
    }
}

/// An event refused by a programme rule: which rule, which field, and why.
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public let rule: Rule
    public let field: String
    public let message: String

    public init(_ rule: Rule, field: String, _ message: String) {
        self.rule = rule
        self.field = field
        self.message = message
    }

    public var description: String { "field '\(field)': \(message) (rule \(rule.rawValue), \(rule.name))" }
}
