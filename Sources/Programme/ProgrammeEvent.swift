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
    /// its type's current schema, with its effect (``ProgrammeEventPayload/effect``); `nil` otherwise,
    /// and for a payload that does not decode: ``decode(type:schema:payload:)`` of its value tree then
    /// gives the same event or says what is wrong.
    public static func decodeInPlace(_ header: EventCodec.StoredHeader, _ fields: JSONObjectBytes) -> (event: ProgrammeEvent, effect: EntityEffect?)? {
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
        return try make(payloadType, fields).event
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

    /// The typed event of payload type `t` read from `f`, and its effect (``ProgrammeEventPayload/effect``).
    /// Types are told apart by identity: a chain of `is` casts cost a runtime cast for each type tried
    /// before the right one (callgrind, Round 16).
    private static func make(_ t: any ProgrammeEventPayload.Type, _ f: some JSONObjectFields) throws(FieldError)
        -> (event: ProgrammeEvent, effect: EntityEffect?) {
        switch ObjectIdentifier(t) {
        case ObjectIdentifier(ProgrammeDefined.self): try read(f, ProgrammeEvent.programmeDefined)
        case ObjectIdentifier(ComponentDefined.self): try read(f, ProgrammeEvent.componentDefined)
        case ObjectIdentifier(IndicatorDefined.self): try read(f, ProgrammeEvent.indicatorDefined)
        case ObjectIdentifier(OrganisationDefined.self): try read(f, ProgrammeEvent.organisationDefined)
        case ObjectIdentifier(DecisionRecorded.self): try read(f, ProgrammeEvent.decisionRecorded)
        case ObjectIdentifier(TargetSet.self): try read(f, ProgrammeEvent.targetSet)
        case ObjectIdentifier(TargetChanged.self): try read(f, ProgrammeEvent.targetChanged)
        case ObjectIdentifier(FundingAllocated.self): try read(f, ProgrammeEvent.fundingAllocated)
        case ObjectIdentifier(FundingRevised.self): try read(f, ProgrammeEvent.fundingRevised)
        case ObjectIdentifier(FundingWithdrawn.self): try read(f, ProgrammeEvent.fundingWithdrawn)
        case ObjectIdentifier(DisbursementRecorded.self): try read(f, ProgrammeEvent.disbursementRecorded)
        case ObjectIdentifier(ExpenditureRecorded.self): try read(f, ProgrammeEvent.expenditureRecorded)
        case ObjectIdentifier(MilestoneScheduled.self): try read(f, ProgrammeEvent.milestoneScheduled)
        case ObjectIdentifier(MilestoneRescheduled.self): try read(f, ProgrammeEvent.milestoneRescheduled)
        case ObjectIdentifier(MilestoneAchieved.self): try read(f, ProgrammeEvent.milestoneAchieved)
        case ObjectIdentifier(MilestoneMissed.self): try read(f, ProgrammeEvent.milestoneMissed)
        case ObjectIdentifier(MilestoneCancelled.self): try read(f, ProgrammeEvent.milestoneCancelled)
        case ObjectIdentifier(IndicatorMeasured.self): try read(f, ProgrammeEvent.indicatorMeasured)
        default: try read(f, ProgrammeEvent.eventCorrected)
        }
    }

    /// A payload of type `P` read from `f`, as the event `wrap` makes of it, with its effect read from
    /// the payload's own fields before it is wrapped.
    ///
    /// Why: both projections take every event's effect, and taking it from the wrapped event copied
    /// the payload out of it, retaining each of its strings, about 500 instructions an event (Round 53
    /// in docs/BENCHMARKS.md); read here, it is a few loads.
    @inline(__always)
    private static func read<P: ProgrammeEventPayload>(_ f: some JSONObjectFields, _ wrap: (P) -> ProgrammeEvent) throws(FieldError)
        -> (event: ProgrammeEvent, effect: EntityEffect?) {
        let payload = try P(fields: f)
        let effect = payload.effect
        return (wrap(payload), effect)
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
