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
        var out: [FacetChange] = []
        switch effect {
        case .target(let year, _):
            let before = state.year(year, target: true)
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            if let before { changedYear(yearLabel(targetLabels, "target ", year), before, state.year(year, target: true) ?? nil, into: &out) }
        case .measured(let year, _):
            let before = state.year(year, target: false)
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            if let before { changedYear(yearLabel(actualLabels, "actual ", year), before, state.year(year, target: false) ?? nil, into: &out) }
        case .revised, .disbursed, .spent, .withdrawn:
            let before = state.funding
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            guard let before, let after = state.funding else { break }
            switch effect {
            case .revised: changedMoney("amount", before.amount, after.amount, before.currency, into: &out)
            case .disbursed: changedMoney("disbursed", before.disbursed, after.disbursed, before.currency, into: &out)
            case .spent: changedMoney("spent", before.spent, after.spent, before.currency, into: &out)
            case .withdrawn: changedWithdrawn(before.withdrawn, after.withdrawn, into: &out)
            default: break
            }
        case .rescheduled, .achieved, .missed, .cancelled:
            let before = state.plan
            try apply(effect, effective: effective, sequence: sequence, to: &state)
            guard let before, let after = state.plan else { break }
            changedPlan(before.date, before.status, after.date, after.status, into: &out)
        }
        return out
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

    /// A year's value before and after, as ``indicatorChanges(_:_:)`` words a change of it: gained,
    /// lost, or a value whose text differs.
    static func changedYear(_ label: String, _ x: ExactDecimal?, _ y: ExactDecimal?, into out: inout [FacetChange]) {
        switch (x, y) {
        case let (x?, y?): if !x.hasSameText(as: y) { differing(label, x.description, y.description, into: &out) }
        case let (x?, nil): out.append(FacetChange(facet: label, before: x.description, after: nil))
        case let (nil, y?): out.append(FacetChange(facet: label, before: nil, after: y.description))
        case (nil, nil): break
        }
    }

    /// An amount before and after, in one currency, as ``allocationChanges(_:_:)`` words a change of it.
    private static func changedMoney(_ label: String, _ x: ExactDecimal, _ y: ExactDecimal, _ currency: Currency, into out: inout [FacetChange]) {
        if !x.hasSameText(as: y) { differing(label, Money(x, currency).description, Money(y, currency).description, into: &out) }
    }
}
