import EventLog

extension EntityState {
    /// Applies `effect` to `state` where it is (``apply(_:effective:sequence:to:)-(EntityEffect,_,_,_)``)
    /// and returns the facets it changed: the same changes as ``changes(from:to:)`` between the state
    /// before and after, found from the one facet (or two) the effect can change. On a throw `state` is
    /// left as it was.
    ///
    /// Why: the audit trail lists every event's changes, and comparing the state before with the state
    /// after meant keeping both: a copy of the state an event, whose year lists or amounts the event
    /// then changed in a copy of their storage, and a walk over every field of the two to find the one
    /// that differed (Round 52 in docs/BENCHMARKS.md). An effect names what it changes (``EntityEffect``):
    /// its facet's value is read before and after, the state changed in place. `FacetChangeTests` holds
    /// the answer to ``changes(from:to:)``'s for every effect on every kind of state.
    public static func changes(applying effect: EntityEffect, effective: CalendarDate, sequence: UInt64,
                               to state: inout EntityState) throws -> [FacetChange] {
        var changes = EffectChanges()
        try effectChanges(applying: effect, effective: effective, sequence: sequence, to: &state, into: &changes)
        return changes.facetChanges
    }

    /// ``changes(applying:effective:sequence:to:)`` with each facet's label and values as they are, their
    /// texts not made (``FacetLabel``, ``FacetValue``), added to `out` (empty: ``EffectChanges``). On a
    /// throw `state` and `out` are left as they were.
    ///
    /// Why: the audit trail writes each event's changes into its row straight from the values, and
    /// the changes are written where the caller keeps them rather than returned: about 200 bytes,
    /// copied each time they moved (Round 56 in docs/BENCHMARKS.md).
    public static func effectChanges(applying effect: EntityEffect, effective: CalendarDate, sequence: UInt64,
                                     to state: inout EntityState, into out: inout EffectChanges) throws {
        switch effect {
        case .target(let year, _):
            let before = state.year(year, target: true)
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            if let before { changedYear(.target(year: year), before, state.year(year, target: true) ?? nil, into: &out) }
        case .measured(let year, _):
            let before = state.year(year, target: false)
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            if let before { changedYear(.actual(year: year), before, state.year(year, target: false) ?? nil, into: &out) }
        case .revised, .disbursed, .spent, .withdrawn:
            let before = state.funding
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            guard let before, let after = state.funding else { break }
            switch effect {
            case .revised: out.currency = before.currency; out.appendDiffering(.amount, .money(before.amount), .money(after.amount))
            case .disbursed: out.currency = before.currency; out.appendDiffering(.disbursed, .money(before.disbursed), .money(after.disbursed))
            case .spent: out.currency = before.currency; out.appendDiffering(.spent, .money(before.spent), .money(after.spent))
            case .withdrawn: out.appendDiffering(.status, .withdrawn(before.withdrawn), .withdrawn(after.withdrawn))
            default: break
            }
        case .rescheduled, .achieved, .missed, .cancelled:
            let before = state.plan
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            guard let before, let after = state.plan else { break }
            out.appendDiffering(.planned, .date(before.date), .date(after.date))
            out.appendDiffering(.status, .status(before.status), .status(after.status))
        }
    }

    /// An indicator's target (or actual) for `year`, as stored; `.none` for any other kind of entity.
    private func year(_ year: Int, target: Bool) -> ExactDecimal?? {
        guard case .indicator(let s) = self else { return .none }
        return .some(target ? s.targets[year] : s.measurements[year])
    }

    /// An allocation's figures, as stored; `nil` for any other kind of entity.
    private var funding: (amount: ExactDecimal, disbursed: ExactDecimal, spent: ExactDecimal, withdrawn: Bool, currency: Currency)? {
        guard case .allocation(let a) = self else { return nil }
        return (a.amount, a.disbursed, a.spent, a.withdrawn, a.currency)
    }

    /// A milestone's planned date and status; `nil` for any other kind of entity.
    private var plan: (date: CalendarDate, status: MilestoneStatus)? {
        guard case .milestone(let m) = self else { return nil }
        return (m.plannedDate, m.status)
    }

    /// A year's value before and after, as ``yearChange(_:_:)`` finds a change of it.
    static func changedYear(_ label: FacetLabel, _ x: ExactDecimal?, _ y: ExactDecimal?, into out: inout EffectChanges) {
        guard let c = yearChange(x, y) else { return }
        out.append(EffectChange(facet: label, before: c.before, after: c.after))
    }
}
