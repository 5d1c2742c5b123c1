import EventLog
import Foundation

/// A programme event with its typed payload.
public enum ProgrammeEvent: Sendable, Equatable {
    case programmeDefined(ProgrammeDefined)
    case componentDefined(ComponentDefined)
    case indicatorDefined(IndicatorDefined)
    case organisationDefined(OrganisationDefined)
    case decisionRecorded(DecisionRecorded)
    case targetSet(TargetSet)
    case targetChanged(TargetChanged)
    case fundingAllocated(FundingAllocated)
    case fundingRevised(FundingRevised)
    case fundingWithdrawn(FundingWithdrawn)
    case disbursementRecorded(DisbursementRecorded)
    case expenditureRecorded(ExpenditureRecorded)
    case milestoneScheduled(MilestoneScheduled)
    case milestoneRescheduled(MilestoneRescheduled)
    case milestoneAchieved(MilestoneAchieved)
    case milestoneMissed(MilestoneMissed)
    case milestoneCancelled(MilestoneCancelled)
    case indicatorMeasured(IndicatorMeasured)
    case eventCorrected(EventCorrected)

    /// Every payload type, in the order docs/EVENTS.md lists them.
    public static let catalogue: [any ProgrammeEventPayload.Type] = [
        ProgrammeDefined.self, ComponentDefined.self, IndicatorDefined.self, OrganisationDefined.self,
        DecisionRecorded.self, TargetSet.self, TargetChanged.self, FundingAllocated.self, FundingRevised.self,
        FundingWithdrawn.self, DisbursementRecorded.self, ExpenditureRecorded.self, MilestoneScheduled.self,
        MilestoneRescheduled.self, MilestoneAchieved.self, MilestoneMissed.self, MilestoneCancelled.self,
        IndicatorMeasured.self, EventCorrected.self,
    ]

    static let byName = PayloadTypeTable(catalogue)

    /// The payload type named `name`, if the catalogue has one.
    public static func payloadType(named name: String) -> (any ProgrammeEventPayload.Type)? { byName[name] }

    /// The catalogue's name of the type whose name's UTF-8 is `bytes`, a string made once; nil for a
    /// name the catalogue does not have (``EventCodec/withCanonicalPayload(of:knownType:_:)``).
    public static func knownTypeName(_ bytes: UnsafeBufferPointer<UInt8>) -> String? { byName.name(of: bytes) }

    /// The typed payload of a stored event whose envelope `header` describes, read in place from its
    /// payload's members (``EventCodec/withCanonicalPayload(of:knownType:_:)``) when its type is known and it is at
    /// its type's current schema; `nil` otherwise, and for a payload that does not decode:
    /// ``decode(type:schema:payload:)`` of its value tree then gives the same event or says what is wrong.
    public static func decodeInPlace(_ header: EventCodec.StoredHeader, _ fields: JSONObjectBytes) -> ProgrammeEvent? {
        guard let payloadType = byName[header.type], header.schema == payloadType.currentSchema else { return nil }
        return try? make(payloadType, fields)
    }

    /// Decodes a payload of type `type` written with schema `schema`, upcasting it to the current schema.
    public static func decode(type: String, schema: Int, payload: JSONValue) throws(FieldError) -> ProgrammeEvent {
        guard let payloadType = byName[type] else {
            throw FieldError(field: "type", "unknown event type \"\(type.prefix(64))\" (docs/EVENTS.md lists the catalogue)")
        }
        guard (1...payloadType.currentSchema).contains(schema) else {
            throw FieldError(field: "schema", "\(type) has schema versions 1 to \(payloadType.currentSchema); got \(schema)")
        }
        // Nearly every stored payload is at its type's current schema: no upcaster to look up then.
        let current = schema == payloadType.currentSchema ? payload : try Upcasters.upcast(type: type, from: schema, payload: payload)
        let fields = try JSONFields(current, path: "payload")
        return try make(payloadType, fields)
    }

    /// Decodes a recorded event's payload.
    public static func decode(_ event: RecordedEvent) throws(FieldError) -> ProgrammeEvent {
        try decode(type: event.type, schema: event.schema, payload: event.payload)
    }

    /// Decodes the payload of an event read back from the log, where a payload that does not decode
    /// means a damaged log: ``EventLogError/damaged(sequence:reason:)`` names the event.
    public static func decodeStored(_ event: RecordedEvent) throws -> ProgrammeEvent {
        try decodeStored(type: event.type, schema: event.schema, payload: event.payload, sequence: event.sequence)
    }

    /// Decodes a stored event's payload read alone (``EventPayload``); a payload that does not decode is
    /// ``EventLogError/damaged(sequence:reason:)``.
    public static func decodeStored(_ event: EventPayload) throws -> ProgrammeEvent {
        try decodeStored(type: event.type, schema: event.schema, payload: event.payload, sequence: event.sequence)
    }

    private static func decodeStored(type: String, schema: Int, payload: JSONValue, sequence: UInt64) throws -> ProgrammeEvent {
        do { return try decode(type: type, schema: schema, payload: payload) } catch { throw damaged(sequence: sequence, error) }
    }

    /// The error for a stored event whose payload does not decode: the log is damaged.
    static func damaged(sequence: UInt64, _ error: FieldError) -> EventLogError {
        .damaged(sequence: sequence, reason: "\(error)")
    }

    /// The typed event of payload type `t` read from `f`. Types are told apart by identity: a chain of
    /// `is` casts cost a runtime cast for each type tried before the right one (callgrind, Round 16).
    private static func make(_ t: any ProgrammeEventPayload.Type, _ f: some JSONObjectFields) throws(FieldError) -> ProgrammeEvent {
        switch ObjectIdentifier(t) {
        case ObjectIdentifier(ProgrammeDefined.self): .programmeDefined(try .init(fields: f))
        case ObjectIdentifier(ComponentDefined.self): .componentDefined(try .init(fields: f))
        case ObjectIdentifier(IndicatorDefined.self): .indicatorDefined(try .init(fields: f))
        case ObjectIdentifier(OrganisationDefined.self): .organisationDefined(try .init(fields: f))
        case ObjectIdentifier(DecisionRecorded.self): .decisionRecorded(try .init(fields: f))
        case ObjectIdentifier(TargetSet.self): .targetSet(try .init(fields: f))
        case ObjectIdentifier(TargetChanged.self): .targetChanged(try .init(fields: f))
        case ObjectIdentifier(FundingAllocated.self): .fundingAllocated(try .init(fields: f))
        case ObjectIdentifier(FundingRevised.self): .fundingRevised(try .init(fields: f))
        case ObjectIdentifier(FundingWithdrawn.self): .fundingWithdrawn(try .init(fields: f))
        case ObjectIdentifier(DisbursementRecorded.self): .disbursementRecorded(try .init(fields: f))
        case ObjectIdentifier(ExpenditureRecorded.self): .expenditureRecorded(try .init(fields: f))
        case ObjectIdentifier(MilestoneScheduled.self): .milestoneScheduled(try .init(fields: f))
        case ObjectIdentifier(MilestoneRescheduled.self): .milestoneRescheduled(try .init(fields: f))
        case ObjectIdentifier(MilestoneAchieved.self): .milestoneAchieved(try .init(fields: f))
        case ObjectIdentifier(MilestoneMissed.self): .milestoneMissed(try .init(fields: f))
        case ObjectIdentifier(MilestoneCancelled.self): .milestoneCancelled(try .init(fields: f))
        case ObjectIdentifier(IndicatorMeasured.self): .indicatorMeasured(try .init(fields: f))
        default: .eventCorrected(try .init(fields: f))
        }
    }

    /// The typed payload.
    public var payload: any ProgrammeEventPayload {
        switch self {
        case .programmeDefined(let p): p
        case .componentDefined(let p): p
        case .indicatorDefined(let p): p
        case .organisationDefined(let p): p
        case .decisionRecorded(let p): p
        case .targetSet(let p): p
        case .targetChanged(let p): p
        case .fundingAllocated(let p): p
        case .fundingRevised(let p): p
        case .fundingWithdrawn(let p): p
        case .disbursementRecorded(let p): p
        case .expenditureRecorded(let p): p
        case .milestoneScheduled(let p): p
        case .milestoneRescheduled(let p): p
        case .milestoneAchieved(let p): p
        case .milestoneMissed(let p): p
        case .milestoneCancelled(let p): p
        case .indicatorMeasured(let p): p
        case .eventCorrected(let p): p
        }
    }

    /// The payload's type, without the payload: ``payload`` boxes the payload in an existential (an
    /// allocation, and its release), which the rules paid for every event only to read its type's
    /// static facts (about 700 instructions an event: callgrind, Round 19 in docs/BENCHMARKS.md).
    public var payloadType: any ProgrammeEventPayload.Type {
        switch self {
        case .programmeDefined: ProgrammeDefined.self
        case .componentDefined: ComponentDefined.self
        case .indicatorDefined: IndicatorDefined.self
        case .organisationDefined: OrganisationDefined.self
        case .decisionRecorded: DecisionRecorded.self
        case .targetSet: TargetSet.self
        case .targetChanged: TargetChanged.self
        case .fundingAllocated: FundingAllocated.self
        case .fundingRevised: FundingRevised.self
        case .fundingWithdrawn: FundingWithdrawn.self
        case .disbursementRecorded: DisbursementRecorded.self
        case .expenditureRecorded: ExpenditureRecorded.self
        case .milestoneScheduled: MilestoneScheduled.self
        case .milestoneRescheduled: MilestoneRescheduled.self
        case .milestoneAchieved: MilestoneAchieved.self
        case .milestoneMissed: MilestoneMissed.self
        case .milestoneCancelled: MilestoneCancelled.self
        case .indicatorMeasured: IndicatorMeasured.self
        case .eventCorrected: EventCorrected.self
        }
    }

    public var typeName: String { payloadType.typeName }

    /// The decision that authorised this event, when it names one.
    public var authorisingDecision: EntityReference? {
        switch self {
        case .targetSet(let p): p.decision
        case .targetChanged(let p): p.decision
        case .fundingAllocated(let p): p.decision
        case .fundingRevised(let p): p.decision
        case .fundingWithdrawn(let p): p.decision
        case .milestoneScheduled(let p): p.decision
        case .milestoneRescheduled(let p): p.decision
        case .milestoneCancelled(let p): p.decision
        default: nil
        }
    }
}

extension ProposedEvent {
    /// A new programme event with its payload at the current schema.
    public init<P: ProgrammeEventPayload>(
        _ payload: P, stream: StreamName, effective: CalendarDate, actor: String, rationale: String, source: String,
        id: UUID = UUID(), correlation: UUID? = nil, causation: UUID? = nil, expected: ExpectedVersion = .any
    ) {
        self.init(id: id, stream: stream, type: P.typeName, schema: P.currentSchema, effective: effective, actor: actor,
                  rationale: rationale, source: source, correlation: correlation, causation: causation,
                  payload: payload.json, expected: expected)
    }
}
