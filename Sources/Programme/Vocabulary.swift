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
        var name = stream.rawValue
        guard let kind = name.withUTF8({ Self.kind(ofName: UnsafeRawBufferPointer($0)) }) else { return nil }
        self.init(kind: kind, stream: stream)
    }

    /// The reference to `stream`, whose name's kind (``kind(ofName:)``) is `kind`.
    init(kind: EntityKind, stream: StreamName) {
        self.kind = kind
        self.stream = stream
    }

    /// The kind a stream name's UTF-8 `bytes` begin with (`<kind>/` and at least one byte after it), or
    /// `nil` when they begin with none.
    ///
    /// Bytes, not Characters: stream names are ASCII (``StreamName``), and the rules make several
    /// references per appended event. The name's first byte picks the candidate kinds (each kind's name
    /// begins with a different letter today), and its bytes must match up to the `/`.
    static func kind(ofName bytes: UnsafeRawBufferPointer) -> EntityKind? {
        guard let first = bytes.first else { return nil }
        for candidate in kindsByFirstByte[Int(first)] {
            let count = candidate.name.count
            if bytes.count > count + 1, bytes[count] == UInt8(ascii: "/"),
               candidate.name.withUnsafeBytes({ UnsafeRawBufferPointer(rebasing: bytes[..<count]).hasSameBytes(as: $0) }) {
                return candidate.kind
            }
        }
        return nil
    }

    /// The kinds, with their names' bytes, listed under their names' first byte.
    private static let kindsByFirstByte: [[(kind: EntityKind, name: [UInt8])]] = {
        var table = [[(kind: EntityKind, name: [UInt8])]](repeating: [], count: 256)
        for kind in EntityKind.allCases {
            let name = Array(kind.rawValue.utf8)
            table[Int(name[0])].append((kind, name))
        }
        return table
    }()

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
