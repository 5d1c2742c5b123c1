import EventLog

/// What an event that follows an entity's definition does to the entity's state: the few fields
/// ``EntityState`` reads from it, and nothing else. Every such event applies to a state through its
/// effect (`EntityState.apply`), so a typed event and its stored effect cannot disagree.
///
/// Stored form (``encode()``): a tag byte, then the effect's fields as in ``EntitySnapshot`` (decimals
/// and dates as zigzag LEB128, a decimal's scale as a byte): a target or a measurement is 1 + 2 + 3
/// bytes or so. The current-state projection keeps it beside each event in its `state-events` index.
///
/// Why: a back-dated event makes the current state apply the entity's later events again, and at a
/// million events a replay read about 776,000 of them back from the log and decoded their payloads
/// (random reads of a 1 GB log, a JSON parse and a typed decode each). Their effects are in the index
/// the redo already walks.
public enum EntityEffect: Sendable, Equatable {
    /// An indicator's target for a year (``TargetSet``, ``TargetChanged``).
    case target(year: Int, value: ExactDecimal)
    /// An indicator's measured value for a year (``IndicatorMeasured``).
    case measured(year: Int, value: ExactDecimal)
    /// An allocation's new amount (``FundingRevised``).
    case revised(ExactDecimal)
    /// An allocation withdrawn (``FundingWithdrawn``).
    case withdrawn
    /// An amount disbursed from an allocation (``DisbursementRecorded``).
    case disbursed(ExactDecimal)
    /// An amount spent from an allocation (``ExpenditureRecorded``).
    case spent(ExactDecimal)
    /// A milestone's new planned date (``MilestoneRescheduled``).
    case rescheduled(CalendarDate)
    /// A milestone achieved on a day (``MilestoneAchieved``).
    case achieved(CalendarDate)
    /// A milestone missed, as of the event's effective date (``MilestoneMissed``).
    case missed
    /// A milestone cancelled, as of the event's effective date (``MilestoneCancelled``).
    case cancelled

    /// The effect of `event`'s payload (``ProgrammeEventPayload/effect``); `nil` for a definition or a
    /// correction, which have none of their own.
    public init?(_ event: ProgrammeEvent) {
        let effect: EntityEffect? = switch event {
        case .targetSet(let t): t.effect
        case .targetChanged(let t): t.effect
        case .indicatorMeasured(let m): m.effect
        case .fundingRevised(let r): r.effect
        case .fundingWithdrawn(let w): w.effect
        case .disbursementRecorded(let d): d.effect
        case .expenditureRecorded(let e): e.effect
        case .milestoneRescheduled(let r): r.effect
        case .milestoneAchieved(let a): a.effect
        case .milestoneMissed(let m): m.effect
        case .milestoneCancelled(let c): c.effect
        case .programmeDefined, .componentDefined, .indicatorDefined, .organisationDefined, .decisionRecorded,
             .fundingAllocated, .milestoneScheduled, .eventCorrected:
            nil
        }
        guard let effect else { return nil }
        self = effect
    }

    /// The stored form (see above).
    public func encode() -> [UInt8] {
        SnapshotWriter.bytes(bound: Self.maximumSize) { $0.effect(self) }
    }

    /// `use` given the bytes ``encode()`` makes, written into `buffer`: scratch memory that a writer of
    /// many effects in turn passes to each (a replay stores an effect an event).
    public func withEncoded(in buffer: inout [UInt8], _ use: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try SnapshotWriter.withBytes(bound: Self.maximumSize, in: &buffer, { $0.effect(self) }, use)
    }

    /// The most bytes an effect takes: a kind byte, a year and a decimal.
    static let maximumSize = 1 + SnapshotWriter.maximumNumberSize + SnapshotWriter.maximumDecimalSize

    /// Reads the stored form; throws ``FieldError`` for bytes that are not one whole effect.
    public init(stored bytes: UnsafeRawBufferPointer) throws(FieldError) {
        var r = SnapshotReader(bytes: bytes)
        func year() throws(FieldError) -> Int {
            let at = r.offset
            guard let y = Int(exactly: try r.integer()) else { throw FieldError(field: "(effect)", "a year out of range at byte \(at)") }
            return y
        }
        func day() throws(FieldError) -> CalendarDate { CalendarDate(daysSinceEpoch: try r.integer()) }
        switch try r.byte() {
        case 1: self = .target(year: try year(), value: try r.decimal())
        case 2: self = .measured(year: try year(), value: try r.decimal())
        case 3: self = .revised(try r.decimal())
        case 4: self = .withdrawn
        case 5: self = .disbursed(try r.decimal())
        case 6: self = .spent(try r.decimal())
        case 7: self = .rescheduled(try day())
        case 8: self = .achieved(try day())
        case 9: self = .missed
        case 10: self = .cancelled
        case let tag: throw FieldError(field: "(effect)", "unknown effect \(tag)")
        }
        guard r.atEnd else { throw FieldError(field: "(effect)", "\(bytes.count - r.offset) bytes after the effect") }
    }
}

extension SnapshotWriter {
    /// `effect` in the stored form of ``EntityEffect``; at most ``EntityEffect/maximumSize`` bytes.
    mutating func effect(_ effect: EntityEffect) {
        switch effect {
        case .target(let year, let value): byte(1); signed(Int128(year)); decimal(value)
        case .measured(let year, let value): byte(2); signed(Int128(year)); decimal(value)
        case .revised(let amount): byte(3); decimal(amount)
        case .withdrawn: byte(4)
        case .disbursed(let amount): byte(5); decimal(amount)
        case .spent(let amount): byte(6); decimal(amount)
        case .rescheduled(let day): byte(7); signed(Int128(day.daysSinceEpoch))
        case .achieved(let day): byte(8); signed(Int128(day.daysSinceEpoch))
        case .missed: byte(9)
        case .cancelled: byte(10)
        }
    }
}

// Each payload that follows a definition names its effect, read from the payload's own fields: where a
// catch-up decodes the payload, before it is wrapped in a ``ProgrammeEvent`` (``ProgrammeEvent/decodeInPlace(_:_:)``).

extension TargetSet {
    /// The indicator's target for the year.
    public var effect: EntityEffect? { .target(year: year, value: value) }
}

extension TargetChanged {
    /// The indicator's target for the year.
    public var effect: EntityEffect? { .target(year: year, value: value) }
}

extension IndicatorMeasured {
    /// The indicator's measured value for the year.
    public var effect: EntityEffect? { .measured(year: year, value: value) }
}

extension FundingRevised {
    /// The allocation's new amount.
    public var effect: EntityEffect? { .revised(money.amount) }
}

extension FundingWithdrawn {
    /// The allocation withdrawn.
    public var effect: EntityEffect? { .withdrawn }
}

extension DisbursementRecorded {
    /// The amount disbursed.
    public var effect: EntityEffect? { .disbursed(money.amount) }
}

extension ExpenditureRecorded {
    /// The amount spent.
    public var effect: EntityEffect? { .spent(money.amount) }
}

extension MilestoneRescheduled {
    /// The milestone's new planned date.
    public var effect: EntityEffect? { .rescheduled(plannedDate) }
}

extension MilestoneAchieved {
    /// The milestone achieved on its day.
    public var effect: EntityEffect? { .achieved(achievedOn) }
}

extension MilestoneMissed {
    /// The milestone missed.
    public var effect: EntityEffect? { .missed }
}

extension MilestoneCancelled {
    /// The milestone cancelled.
    public var effect: EntityEffect? { .cancelled }
}
