import EventLog
import Foundation

/// The programme domain's append rules (see ``Rule``), checked against the ledger as it stands.
public struct ProgrammeRules: AppendRules {
    /// The clock used to judge "not in the future" for events without a restore stamp.
    public var now: @Sendable () -> Timestamp
    let cache: EntityStateCache
    let programmes = ComponentProgrammes()

    public init(now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.init(now: now, cacheGenerationSize: 4_096)
    }

    /// Rules whose entity-state cache holds at most `2 × cacheGenerationSize` states (tests use tiny ones).
    init(now: @escaping @Sendable () -> Timestamp, cacheGenerationSize: Int) {
        self.now = now
        self.cache = EntityStateCache(generationSize: cacheGenerationSize)
    }

    public func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws {
        try check(event, prepared: nil, against: ledger)
    }

    /// The event's payload decoded into its typed event (or the error): ahead, for a large batch.
    public func prepare(_ event: ProposedEvent) -> (any AnyObject & Sendable)? { Prepared(Self.decoded(event)) }

    /// What ``prepare(_:)`` hands back. A class: casting the existential back to a class is a pointer
    /// compare, where casting it back to the `Result` enum went through the runtime's generic cast
    /// (about 470 instructions an event: callgrind, Round 18 in docs/BENCHMARKS.md).
    final class Prepared: Sendable {
        let typed: Result<ProgrammeEvent, FieldError>
        init(_ typed: Result<ProgrammeEvent, FieldError>) { self.typed = typed }
    }

    static func decoded(_ event: ProposedEvent) -> Result<ProgrammeEvent, FieldError> {
        do throws(FieldError) {
            return .success(try ProgrammeEvent.decode(type: event.type, schema: event.schema, payload: event.payload))
        } catch {
            return .failure(error)
        }
    }

    public func check(_ event: ProposedEvent, prepared: (any AnyObject & Sendable)?, against ledger: borrowing LedgerSnapshot) throws {
        // Read where the preparation keeps it, not copied out of it first (a retain and a release of each
        // of the typed payload's fields: callgrind, Round 23 in docs/BENCHMARKS.md).
        if let prepared = prepared as? Prepared {
            try withExtendedLifetime(prepared) {
                switch prepared.typed {
                case .success(let typed): try check(event, typed: typed, against: ledger)
                case .failure(let error): throw Self.violation(error)
                }
            }
            return
        }
        switch Self.decoded(event) {
        case .success(let typed): try check(event, typed: typed, against: ledger)
        case .failure(let error): throw Self.violation(error)
        }
    }

    /// The rule a payload that does not decode breaks: a malformed amount or currency, the money rule; a
    /// missing or unknown field, the shape of the type.
    private static func violation(_ error: FieldError) -> RuleViolation {
        let moneyFields = ["payload.amount", "payload.currency", "payload.previousAmount"]
        let shape = error.message.hasPrefix("unknown field") || error.message.hasPrefix("required field")
        return RuleViolation(moneyFields.contains(error.field) && !shape ? .money : .knownType, field: error.field, error.message)
    }

    /// ``check(_:prepared:against:)`` of an event whose payload decoded to `typed`.
    private func check(_ event: ProposedEvent, typed: borrowing ProgrammeEvent, against ledger: borrowing LedgerSnapshot) throws {
        let payloadType = typed.payloadType
        let version = try ledger.version(of: event.stream)
        let reference = EntityReference(stream: event.stream)

        // R02: the stream's kind.
        if let kind = payloadType.entityKind {
            guard let reference, reference.kind == kind else {
                throw RuleViolation(.streamKind, field: "stream", "\(event.type) belongs in a stream named \(kind.rawValue)/CODE, not \(event.stream)")
            }
        } else if reference == nil {
            throw RuleViolation(.streamKind, field: "stream", "a correction belongs in the stream of an entity, such as indicator/IND-01; \(event.stream) is not one")
        }

        // R03: define once; everything else after the definition.
        if payloadType.definesEntity {
            guard version == 0 else {
                throw RuleViolation(.defineOnce, field: "stream", "\(event.stream) already exists (\(version) event\(version == 1 ? "" : "s")); nothing re-defines an entity")
            }
        } else if version == 0 {
            throw RuleViolation(.defineOnce, field: "stream", "\(event.stream) is not defined yet; define it before \(event.type)")
        }

        let context = RuleContext(stream: event.stream, effective: event.effective, now: event.stamp?.recorded ?? now(), cache: cache, programmes: programmes)
        let defined = version > 0
        // The state the checks read is theirs to let go of (``RuleContext/check(_:current:ledger:)``).
        try context.check(typed, current: defined ? try cache.state(of: event.stream, version: version, in: ledger) : nil, ledger: ledger)
        // Remember where the event leads, so the stream's next event starts from it. A correction can
        // change any earlier event, so after one the stream is refolded when next needed.
        guard payloadType != EventCorrected.self else { return }
        // Most events: their effect applied to the state where the cache keeps it
        // (``EntityStateCache/advance(_:from:sequence:id:in:_:)``); else the state read again, as below.
        if defined, let effect = EntityEffect(copy typed), try cache.advance(event.stream, from: version, sequence: ledger.sequence, id: event.id, in: ledger, {
            try EntityState.apply(effect, effective: event.effective, sequence: ledger.sequence, to: &$0)
        }) {
            return
        }
        let current = defined ? try cache.state(of: event.stream, version: version, in: ledger) : nil
        if let after = try EntityState.apply(typed, effective: event.effective, sequence: ledger.sequence, to: current) {
            cache.record(after, of: event.stream, version: version + 1, sequence: ledger.sequence, id: event.id, in: ledger)
        }
    }
}

/// One event's checks, with what they need to read.
///
/// It keeps the event's stream and effective date, what its checks and messages read of the envelope:
/// a copy of the whole event (and its release) was about 360 instructions an append (callgrind, Round 21
/// in docs/BENCHMARKS.md).
struct RuleContext {
    let stream: StreamName
    let effective: CalendarDate
    let now: Timestamp
    let cache: EntityStateCache
    let programmes: ComponentProgrammes

    func entity(_ reference: EntityReference, field: String, _ ledger: borrowing LedgerSnapshot) throws -> EntityState {
        guard let state = try cache.state(of: reference.stream, in: ledger) else {
            throw RuleViolation(.references, field: "payload." + field, "\(reference) does not exist")
        }
        return state
    }

    /// Whether the entity `reference` names exists: whether its stream holds an event. A stream's first
    /// event defines its entity (R03) and no definition is voided, so its version says it without the
    /// entity's state being looked up and copied (about 1,000 instructions a reference: callgrind,
    /// Round 21 in docs/BENCHMARKS.md).
    func exists(_ reference: EntityReference?, field: String, _ ledger: borrowing LedgerSnapshot) throws {
        guard let reference, try ledger.version(of: reference.stream) == 0 else { return }
        throw RuleViolation(.references, field: "payload." + field, "\(reference) does not exist")
    }

    func organisation(_ reference: EntityReference, field: String, role: OrganisationRole?, _ ledger: borrowing LedgerSnapshot) throws {
        guard case .organisation(let org) = try entity(reference, field: field, ledger) else { return }
        if let role, !org.roles.contains(role) {
            throw RuleViolation(.roles, field: "payload." + field, "\(reference) (\(org.name)) does not have the role \"\(role.rawValue)\"")
        }
    }

    /// The period of the programme a component belongs to (``ComponentProgrammes`` keeps it for the
    /// transaction).
    func period(ofComponent reference: EntityReference, field: String, _ ledger: borrowing LedgerSnapshot) throws -> ProgrammePeriod {
        if let known = try programmes.period(of: reference, in: ledger) { return known }
        guard case .component(let c) = try entity(reference, field: field, ledger),
              case .programme(let p) = try entity(c.programme, field: field, ledger) else {
            throw RuleViolation(.references, field: "payload." + field, "\(reference) is not a component of a programme")
        }
        let period = ProgrammePeriod(p)
        try programmes.keep(period, of: c.programme, for: reference, in: ledger)
        return period
    }

    func within(_ p: ProgrammePeriod, year: Int, field: String) throws {
        guard (p.start.year...p.end.year).contains(year) else {
            throw RuleViolation(.programmePeriod, field: "payload." + field, "\(year) is outside the programme's period \(p.start.year)–\(p.end.year)")
        }
    }

    func percentage(_ value: ExactDecimal, _ indicator: IndicatorDefined, field: String, rule: Rule) throws {
        if indicator.measure == .percentage, value < ExactDecimal(0) || value > ExactDecimal(100) {
            throw RuleViolation(rule, field: "payload." + field, "a percentage lies from 0 to 100, got \(value)")
        }
    }

    /// Checks `typed` against its entity's state before it, `current` (nil before the definition).
    ///
    /// `current` is consumed: each check takes the part it reads out of it rather than a copy of it
    /// (a copy of the state and its release an event, about 5 % of the appending thread's instructions:
    /// callgrind, Round 38 in docs/BENCHMARKS.md).
    func check(_ typed: ProgrammeEvent, current: consuming EntityState?, ledger: borrowing LedgerSnapshot) throws {
        switch typed {
        case .programmeDefined(let p):
            try organisation(p.owner, field: "owner", role: nil, ledger)
            guard p.end >= p.start else {
                throw RuleViolation(.programmePeriod, field: "payload.end", "the programme ends (\(p.end)) before it starts (\(p.start))")
            }
        case .organisationDefined:
            break
        case .decisionRecorded(let d):
            try organisation(d.authority, field: "authority", role: nil, ledger)
            try exists(d.programme, field: "programme", ledger)
        case .componentDefined(let c):
            try checkComponent(c, ledger)
        case .indicatorDefined(let i):
            let period = try self.period(ofComponent: i.component, field: "component", ledger)
            if let b = i.baseline, b.year > period.start.year {
                throw RuleViolation(.programmePeriod, field: "payload.baseline.year", "a baseline year (\(b.year)) is not after the programme's first year (\(period.start.year))")
            }
            if let b = i.baseline { try percentage(b.value, i, field: "baseline.value", rule: .targets) }
        case .targetSet(let t):
            guard case .indicator(let s) = consume current else { return }
            try exists(t.decision, field: "decision", ledger)
            try within(try period(ofComponent: s.definition.component, field: "year", ledger), year: t.year, field: "year")
            try percentage(t.value, s.definition, field: "value", rule: .targets)
            if let existing = s.targets[t.year] {
                throw RuleViolation(.targets, field: "payload.year", "\(stream) already has a \(t.year) target (\(existing)); change it with TargetChanged")
            }
        case .targetChanged(let t):
            guard case .indicator(let s) = consume current else { return }
            try exists(t.decision, field: "decision", ledger)
            try within(try period(ofComponent: s.definition.component, field: "year", ledger), year: t.year, field: "year")
            try percentage(t.value, s.definition, field: "value", rule: .targets)
            guard let existing = s.targets[t.year] else {
                throw RuleViolation(.targets, field: "payload.year", "\(stream) has no \(t.year) target to change; set it with TargetSet")
            }
            guard existing == t.previousValue else {
                throw RuleViolation(.targets, field: "payload.previousValue", "the \(t.year) target is \(existing), not \(t.previousValue)")
            }
            guard t.value != existing else { throw RuleViolation(.targets, field: "payload.value", "the \(t.year) target is already \(existing)") }
        case .indicatorMeasured(let m):
            guard case .indicator(let s) = consume current else { return }
            try within(try period(ofComponent: s.definition.component, field: "year", ledger), year: m.year, field: "year")
            try percentage(m.value, s.definition, field: "value", rule: .targets)
        case .fundingAllocated(let a):
            try within(try period(ofComponent: a.component, field: "component", ledger), year: a.fiscalYear, field: "fiscalYear")
            try organisation(a.funder, field: "funder", role: .funder, ledger)
            try exists(a.decision, field: "decision", ledger)
        case .fundingRevised(let r):
            guard case .allocation(let s) = consume current else { return }
            try exists(r.decision, field: "decision", ledger)
            try allocationOpen(s, currency: r.money.currency)
            guard r.previousAmount == s.amount else {
                throw RuleViolation(.fundingLifecycle, field: "payload.previousAmount", "the allocation's amount is \(s.amount), not \(r.previousAmount)")
            }
            guard r.money.amount != s.amount else { throw RuleViolation(.fundingLifecycle, field: "payload.amount", "the allocation is already \(s.amount)") }
        case .fundingWithdrawn(let w):
            guard case .allocation(let s) = consume current else { return }
            try exists(w.decision, field: "decision", ledger)
            try allocationOpen(s, currency: nil)
        case .disbursementRecorded(let d):
            guard case .allocation(let s) = consume current else { return }
            try allocationOpen(s, currency: d.money.currency)
            if let r = d.recipient { try organisation(r, field: "recipient", role: nil, ledger) }
        case .expenditureRecorded(let e):
            guard case .allocation(let s) = consume current else { return }
            try allocationOpen(s, currency: e.money.currency)
        case .milestoneScheduled(let m):
            let period = try self.period(ofComponent: m.component, field: "component", ledger)
            try exists(m.decision, field: "decision", ledger)
            try plannedWithin(period, m.plannedDate, field: "plannedDate")
        case .milestoneRescheduled(let r):
            guard case .milestone(let s) = consume current else { return }
            try milestoneOpen(s)
            try exists(r.decision, field: "decision", ledger)
            guard r.previousDate == s.plannedDate else {
                throw RuleViolation(.milestoneLifecycle, field: "payload.previousDate", "the milestone is planned for \(s.plannedDate), not \(r.previousDate)")
            }
            guard r.plannedDate != s.plannedDate else { throw RuleViolation(.milestoneLifecycle, field: "payload.plannedDate", "the milestone is already planned for \(s.plannedDate)") }
            try plannedWithin(try period(ofComponent: s.definition.component, field: "plannedDate", ledger), r.plannedDate, field: "plannedDate")
        case .milestoneAchieved(let a):
            guard case .milestone(let s) = consume current else { return }
            try milestoneOpen(s)
            guard a.achievedOn <= now.date else {
                throw RuleViolation(.milestoneLifecycle, field: "payload.achievedOn", "\(a.achievedOn) is in the future of the day the event is recorded (\(now.date))")
            }
        case .milestoneMissed:
            guard case .milestone(let s) = consume current else { return }
            try milestoneOpen(s)
            if case .missed = s.status { throw RuleViolation(.milestoneLifecycle, field: "type", "the milestone is already missed; reschedule it first") }
            guard effective >= s.plannedDate else {
                throw RuleViolation(.milestoneLifecycle, field: "effective", "a milestone planned for \(s.plannedDate) cannot be missed on \(effective)")
            }
        case .milestoneCancelled(let c):
            guard case .milestone(let s) = consume current else { return }
            try milestoneOpen(s)
            try exists(c.decision, field: "decision", ledger)
        case .eventCorrected(let c):
            try checkCorrection(c, ledger)
        }
    }

    func checkComponent(_ c: ComponentDefined, _ ledger: borrowing LedgerSnapshot) throws {
        try exists(c.programme, field: "programme", ledger)
        if let a = c.accountable { try organisation(a, field: "accountable", role: .accountable, ledger) }
        switch (c.level, c.parent) {
        case (.direction, .some):
            throw RuleViolation(.resultsChain, field: "payload.parent", "a direction has no parent")
        case (.output, nil):
            throw RuleViolation(.resultsChain, field: "payload.parent", "an output needs a parent component")
        case (_, .some(let parent)):
            guard case .component(let p) = try entity(parent, field: "parent", ledger) else { return }
            guard p.programme == c.programme else {
                throw RuleViolation(.resultsChain, field: "payload.parent", "\(parent) belongs to \(p.programme), not \(c.programme)")
            }
            let order: [ComponentLevel] = [.direction, .outcome, .output]
            guard let pi = order.firstIndex(of: p.level), let ci = order.firstIndex(of: c.level), pi < ci else {
                throw RuleViolation(.resultsChain, field: "payload.parent", "a \(c.level.rawValue) cannot sit under a \(p.level.rawValue)")
            }
        default:
            break
        }
    }

    func plannedWithin(_ p: ProgrammePeriod, _ date: CalendarDate, field: String) throws {
        guard date >= p.start, date <= p.end else {
            throw RuleViolation(.programmePeriod, field: "payload." + field, "\(date) is outside the programme's period \(p.start) to \(p.end)")
        }
    }

    func allocationOpen(_ s: AllocationState, currency: Currency?) throws {
        guard !s.withdrawn else { throw RuleViolation(.fundingLifecycle, field: "stream", "\(stream) was withdrawn") }
        if let currency, currency != s.currency {
            throw RuleViolation(.money, field: "payload.currency", "\(stream) is in \(s.currency.code), not \(currency.code)")
        }
    }

    func milestoneOpen(_ s: MilestoneState) throws {
        switch s.status {
        case .achieved(let on): throw RuleViolation(.milestoneLifecycle, field: "stream", "\(stream) was achieved on \(on); it takes no further event")
        case .cancelled: throw RuleViolation(.milestoneLifecycle, field: "stream", "\(stream) was cancelled; it takes no further event")
        default: break
        }
    }

    func checkCorrection(_ c: EventCorrected, _ ledger: borrowing LedgerSnapshot) throws {
        guard let target = try ledger.event(id: c.corrects) else {
            throw RuleViolation(.corrections, field: "payload.corrects", "no event \(c.corrects.canonicalString) in the log")
        }
        guard target.stream == stream else {
            throw RuleViolation(.corrections, field: "stream", "the corrected event is in \(target.stream); a correction goes in the same stream")
        }
        if c.action == .void, ProgrammeEvent.payloadType(named: target.type)?.definesEntity == true {
            throw RuleViolation(.corrections, field: "payload.action", "a defining event cannot be voided; correct it with \"replace\"")
        }
        guard target.type != EventCorrected.typeName else {
            throw RuleViolation(.corrections, field: "payload.corrects", "a correction cannot be corrected; correct the original event again")
        }
        for earlier in try ledger.events(in: stream) where earlier.type == EventCorrected.typeName {
            if case .eventCorrected(let e)? = try? ProgrammeEvent.decode(earlier), e.corrects == c.corrects, e.action == .void {
                throw RuleViolation(.corrections, field: "payload.corrects", "event \(c.corrects.canonicalString) is already void (seq \(earlier.sequence))")
            }
        }
        guard c.action == .replace, let replacement = c.replacement, let payloadType = ProgrammeEvent.payloadType(named: target.type) else { return }
        let typed: ProgrammeEvent
        do {
            typed = try ProgrammeEvent.decode(type: target.type, schema: payloadType.currentSchema, payload: replacement)
        } catch {
            throw RuleViolation(.corrections, field: "payload.replacement" + error.field.dropFirst("payload".count), error.message)
        }
        for (field, reference) in Self.references(in: typed) { try exists(reference, field: "replacement." + field, ledger) }
    }

    /// Every entity reference a payload holds, with its field name.
    static func references(in event: ProgrammeEvent) -> [(String, EntityReference)] {
        let mirror = Mirror(reflecting: event.payload)
        return mirror.children.compactMap { child in
            if let r = child.value as? EntityReference { return (child.label ?? "", r) }
            if let r = child.value as? EntityReference?, let r { return (child.label ?? "", r) }
            return nil
        }
    }
}
