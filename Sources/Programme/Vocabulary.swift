import EventLog

/// The kinds of programme entity, each the first segment of its streams' names (`indicator/IND-03`).
public enum EntityKind: String, Sendable, CaseIterable {
    case programme, component, indicator, organisation, decision, allocation, milestone
}

/// A reference from one event to an entity: the entity's stream name, such as `decision/GOV-2026-01`.
public struct EntityReference: Sendable, Hashable, CustomStringConvertible {
    public let kind: EntityKind
    public let stream: StreamName

    /// The reference for a stream named `<kind>/<code>`, or `nil` when the name has no known kind.
    public init?(stream: StreamName) {
        // Stream names are ASCII (``StreamName``): bytes, not Characters, and no String made for the
        // kind (the rules make several references per appended event).
        let utf8 = stream.rawValue.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")), utf8.index(after: slash) < utf8.endIndex,
              let kind = Self.kinds.first(where: { $0.name.elementsEqual(utf8[..<slash]) })?.kind else { return nil }
        self.kind = kind
        self.stream = stream
    }

    private static let kinds = EntityKind.allCases.map { (kind: $0, name: Array($0.rawValue.utf8)) }

    public var description: String { stream.rawValue }
    /// The code after the kind, such as `IND-03`.
    public var code: String { String(stream.rawValue.dropFirst(kind.rawValue.count + 1)) }
}

/// Levels of the results chain.
public enum ComponentLevel: String, Sendable, CaseIterable { case direction, outcome, output }

/// What an organisation does for a programme.
public enum OrganisationRole: String, Sendable, CaseIterable { case funder, accountable, implementing }

/// Where money comes from.
public enum FundingSource: String, Sendable, CaseIterable {
    case stateBudget = "state-budget"
    case localBudget = "local-budget"
    case unicefRegular = "unicef-regular-resources"
    case unicefOther = "unicef-other-resources"
    case donor
}

/// What a decision does.
public enum DecisionKind: String, Sendable, CaseIterable {
    case agreement, approval, review, budget, target, schedule, amendment
}

/// How an indicator is measured (the IATI IndicatorMeasure code list: 1 unit, 2 percentage,
/// 3 nominal, 4 ordinal, 5 qualitative).
public enum IndicatorMeasure: String, Sendable, CaseIterable {
    case unit, percentage, nominal, ordinal, qualitative
}

/// What a correction does to the event it points at.
public enum CorrectionAction: String, Sendable, CaseIterable {
    /// The corrected event's payload is replaced by `replacement`, from the correction's effective date.
    case replace
    /// The corrected event is void: it is treated as if it had never happened.
    case void
}
