import EventLog
import Foundation

/// What one entity's stream says now: its definition and what has happened to it since, with
/// corrections applied. The append rules check new events against it.
///
/// Events are applied in sequence order (the order they were recorded). A correction that replaces an
/// event's payload applies the replacement in the corrected event's place; a voided event is skipped.
public enum EntityState: Sendable, Equatable {
    case programme(ProgrammeDefined)
    case component(ComponentDefined)
    case indicator(IndicatorState)
    case organisation(OrganisationDefined)
    case decision(DecisionRecorded)
    case allocation(AllocationState)
    case milestone(MilestoneState)

    /// Folds a stream's events, oldest first. `nil` for an empty stream.
    public static func fold(_ events: [RecordedEvent]) throws -> EntityState? {
        var state: EntityState?
        for (recorded, event) in try effectiveEvents(events) { try apply(event, at: recorded, to: &state) }
        return state
    }

    /// The stream's events as typed payloads, with corrections applied and corrections themselves removed.
    public static func effectiveEvents(_ events: [RecordedEvent]) throws -> [(RecordedEvent, ProgrammeEvent)] {
        var typed: [(RecordedEvent, ProgrammeEvent)] = []
        var corrections: [UUID: EventCorrected] = [:]
        for event in events {
            let decoded = try ProgrammeEvent.decodeStored(event)
            if case .eventCorrected(let c) = decoded { corrections[c.corrects] = c } else { typed.append((event, decoded)) }
        }
        return try typed.compactMap { event, decoded in
            guard let correction = corrections[event.id] else { return (event, decoded) }
            switch correction.action {
            case .void: return nil
            case .replace:
                do {
                    return (event, try ProgrammeEvent.decode(type: event.type, schema: ProgrammeEvent.payloadType(named: event.type)?.currentSchema ?? event.schema,
                                                             payload: correction.replacement ?? .object([])))
                } catch {
                    throw EventLogError.damaged(sequence: event.sequence, reason: "correction replacement: \(error)")
                }
            }
        }
    }

    public static func apply(_ event: ProgrammeEvent, at recorded: RecordedEvent, to state: EntityState?) throws -> EntityState? {
        try apply(event, effective: recorded.effective, sequence: recorded.sequence, to: state)
    }

    /// ``apply(_:at:to:)`` changing `state` where it is: a defined state is taken out of the optional
    /// while the event applies, so that its storage is not shared with the optional and is not copied
    /// for the change (see ``apply(_:effective:sequence:to:)`` of an `inout` state); on a throw `state`
    /// is left as it was. What a fold of a stream's events calls for each of them.
    public static func apply(_ event: ProgrammeEvent, at recorded: RecordedEvent, to state: inout EntityState?) throws {
        guard var defined = state else {
            state = try apply(event, at: recorded, to: nil)
            return
        }
        state = nil
        defer { state = defined }
        try apply(event, effective: recorded.effective, sequence: recorded.sequence, to: &defined)
    }

    /// Applies one event, given its effective date and (for error messages) its sequence number.
    public static func apply(_ event: ProgrammeEvent, effective: CalendarDate, sequence: UInt64, to state: EntityState?) throws -> EntityState? {
        guard var state else {
            if let defined = defined(by: event) { return defined }
            throw cannotFollow(event.typeName, sequence: sequence)
        }
        try apply(event, effective: effective, sequence: sequence, to: &state)
        return state
    }

    /// ``apply(_:effective:sequence:to:)`` of an event that follows the entity's definition, changing
    /// `state` where it is (see ``apply(_:effective:sequence:to:)`` of an effect); on a throw `state`
    /// is left as it was.
    ///
    /// Why: a fold that assigned each event's result back to its state held the state twice while the
    /// event was applied, so the state's storage was copied for every event, and the copy and the
    /// optional around it released after (7 % of a replay's applying thread's instructions; callgrind,
    /// Round 38 in docs/BENCHMARKS.md).
    public static func apply(_ event: ProgrammeEvent, effective: CalendarDate, sequence: UInt64, to state: inout EntityState) throws {
        // A definition or correction here has no effect of its own: the state stays as it is.
        guard let effect = EntityEffect(event) else {
            if state.changes { return }
            throw cannotFollow(event.typeName, sequence: sequence)
        }
        try apply(effect, effective: effective, sequence: sequence, to: &state)
    }

    /// Applies one event's effect (``EntityEffect``) to the state of an entity that has one: an
    /// indicator, an allocation or a milestone take the effects of their kind and pass over the others;
    /// the other kinds take none. Every event after a definition applies through here.
    public static func apply(_ effect: EntityEffect, effective: CalendarDate, sequence: UInt64, to state: EntityState) throws -> EntityState {
        var changed = state
        try apply(effect, effective: effective, sequence: sequence, to: &changed)
        return changed
    }

    /// ``apply(_:effective:sequence:to:)`` changing `state` where it is: its parts are moved out of the
    /// enumeration and back, so storage that only `state` holds is changed without a copy. A state that
    /// takes no effect is left as it was.
    public static func apply(_ effect: EntityEffect, effective: CalendarDate, sequence: UInt64, to state: inout EntityState) throws {
        switch consume state {
        case .indicator(var s):
            s.apply(effect)
            state = .indicator(s)
        case .allocation(var s):
            s.apply(effect)
            state = .allocation(s)
        case .milestone(var s):
            s.apply(effect, effective: effective)
            state = .milestone(s)
        case let other:   // a programme, a component, an organisation, a decision: no effect of their own
            state = other
            throw cannotFollow("\(effect)", sequence: sequence)
        }
    }

    /// Whether events after the definition change this kind of entity (indicators, allocations,
    /// milestones); anything after the definition of another kind was refused at append.
    public var changes: Bool {
        switch self {
        case .indicator, .allocation, .milestone: true
        case .programme, .component, .organisation, .decision: false
        }
    }

    /// Anything else on a stream was refused at append; a stored one means a damaged log.
    static func cannotFollow(_ what: String, sequence: UInt64) -> EventLogError {
        .damaged(sequence: sequence, reason: "\(what) cannot follow the stream's earlier events")
    }

    /// Whether `event` defines an entity: whether ``defined(by:)`` gives a state for it.
    ///
    /// Why: read from the case alone, where ``defined(by:)`` takes the payload out of the event, a copy
    /// of its 160 bytes and of its strings' references; a replay asks it of every event it decodes, and
    /// nine in ten define nothing (Round 52 in docs/BENCHMARKS.md).
    public static func isDefinition(_ event: borrowing ProgrammeEvent) -> Bool {
        switch event {
        case .programmeDefined, .componentDefined, .indicatorDefined, .organisationDefined, .decisionRecorded, .fundingAllocated,
             .milestoneScheduled: true
        default: false
        }
    }

    /// The state an entity's defining event alone leads to; `nil` for an event that defines no entity
    /// (it follows a definition).
    public static func defined(by event: ProgrammeEvent) -> EntityState? {
        switch event {
        case .programmeDefined(let p): .programme(p)
        case .componentDefined(let p): .component(p)
        case .indicatorDefined(let p): .indicator(IndicatorState(definition: p))
        case .organisationDefined(let p): .organisation(p)
        case .decisionRecorded(let p): .decision(p)
        case .fundingAllocated(let p): .allocation(AllocationState(definition: p))
        case .milestoneScheduled(let p): .milestone(MilestoneState(definition: p))
        default: nil
        }
    }

    public var kind: EntityKind {
        switch self {
        case .programme: .programme
        case .component: .component
        case .indicator: .indicator
        case .organisation: .organisation
        case .decision: .decision
        case .allocation: .allocation
        case .milestone: .milestone
        }
    }
}

/// An indicator's targets and latest measurements per year.
public struct IndicatorState: Sendable, Equatable {
    @usableFromInline var shared: Shared<IndicatorDefined>
    public var targets = YearValues()
    public var measurements = YearValues()

    public init(definition: IndicatorDefined) { shared = Shared(definition) }

    /// A state with no targets or measurements yet, of the same definition as `other` (shared).
    init(definitionOf other: IndicatorState) { shared = other.shared }

    /// What the indicator is: shared by every state of it (``Shared``).
    @inlinable public var definition: IndicatorDefined {
        _read { yield shared.value }
        set { shared = Shared(newValue) }
    }

    mutating func apply(_ effect: EntityEffect) {
        switch effect {
        case .target(let year, let value): targets[year] = value
        case .measured(let year, let value): measurements[year] = value
        default: break
        }
    }
}

/// An allocation's current amount and execution.
public struct AllocationState: Sendable, Equatable {
    @usableFromInline var shared: Shared<FundingAllocated>
    public var amount: ExactDecimal
    public var withdrawn = false
    public var disbursed = ExactDecimal.zero
    public var spent = ExactDecimal.zero

    public init(definition: FundingAllocated) {
        shared = Shared(definition)
        amount = definition.money.amount
    }

    /// The state the allocation's definition alone leads to, of the same definition as `other` (shared).
    init(definitionOf other: AllocationState) {
        shared = other.shared
        amount = other.definition.money.amount
    }

    /// The allocation as made: shared by every state of it (``Shared``).
    @inlinable public var definition: FundingAllocated {
        _read { yield shared.value }
        set { shared = Shared(newValue) }
    }

    public var currency: Currency { definition.money.currency }

    mutating func apply(_ effect: EntityEffect) {
        switch effect {
        case .revised(let value): amount = value
        case .withdrawn: withdrawn = true
        case .disbursed(let value): disbursed = disbursed + value
        case .spent(let value): spent = spent + value
        default: break
        }
    }
}

/// Where a milestone stands.
public enum MilestoneStatus: Sendable, Equatable {
    case scheduled
    case achieved(on: CalendarDate)
    case missed(on: CalendarDate)
    case cancelled(on: CalendarDate)

    public var name: String {
        switch self {
        case .scheduled: "scheduled"
        case .achieved: "achieved"
        case .missed: "missed"
        case .cancelled: "cancelled"
        }
    }
}

/// A milestone's plan and status.
public struct MilestoneState: Sendable, Equatable {
    @usableFromInline var shared: Shared<MilestoneScheduled>
    public var plannedDate: CalendarDate
    public var status: MilestoneStatus = .scheduled
    public var reschedules = 0

    public init(definition: MilestoneScheduled) {
        shared = Shared(definition)
        plannedDate = definition.plannedDate
    }

    /// The state the milestone's definition alone leads to, of the same definition as `other` (shared).
    init(definitionOf other: MilestoneState) {
        shared = other.shared
        plannedDate = other.definition.plannedDate
    }

    /// The milestone as scheduled: shared by every state of it (``Shared``).
    @inlinable public var definition: MilestoneScheduled {
        _read { yield shared.value }
        set { shared = Shared(newValue) }
    }

    mutating func apply(_ effect: EntityEffect, effective: CalendarDate) {
        switch effect {
        case .rescheduled(let day):
            plannedDate = day
            reschedules += 1
            status = .scheduled
        case .achieved(let day): status = .achieved(on: day)
        case .missed: status = .missed(on: effective)
        case .cancelled: status = .cancelled(on: effective)
        default: break
        }
    }
}
