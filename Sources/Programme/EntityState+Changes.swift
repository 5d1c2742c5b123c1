import EventLog

/// One facet an event changed: its label and its text before and after (`nil` where the entity had no
/// such facet, or no state).
public struct FacetChange: Sendable, Equatable {
    public var facet: String
    public var before: String?
    public var after: String?

    public init(facet: String, before: String?, after: String?) {
        self.facet = facet
        self.before = before
        self.after = after
    }
}

extension EntityState {
    /// The facets that differ between two states of an entity, as ``facets`` shows them: for each label
    /// in the order labels first appear (`before`'s, then `after`'s new ones), the label's first value
    /// before and after, where their texts differ.
    ///
    /// Why not always compare ``facets``: the audit trail lists every event's changes, and writing a
    /// dozen decimals and amounts out twice per event to find the one that changed was a tenth of a
    /// replay. Indicators, allocations and milestones (most events) are compared as stored, field by
    /// field, and only values that differ are written out and compared as text; other kinds compare their
    /// facets.
    /// The answer is the same either way (`FacetChangeTests` checks it against the rule on facets below).
    public static func changes(from before: EntityState?, to after: EntityState?) -> [FacetChange] {
        switch (before, after) {
        case (.indicator(let a)?, .indicator(let b)?): indicatorChanges(a, b)
        case (.allocation(let a)?, .allocation(let b)?): allocationChanges(a, b)
        case (.milestone(let a)?, .milestone(let b)?): milestoneChanges(a, b)
        default: changes(from: before?.facets ?? [], to: after?.facets ?? [])
        }
    }

    /// The changes between two lists of facets: for each label in the order labels first appear (`old`'s,
    /// then `new`'s new ones), the label's first value in each, where they differ.
    public static func changes(from old: [(String, String)], to new: [(String, String)]) -> [FacetChange] {
        var changes: [FacetChange] = []
        // Mostly an event changes values, not labels: with the same labels in the same order, only the
        // values that differ are looked at (each, when its label is the first of that name, is a change).
        if old.count == new.count, zip(old, new).allSatisfy({ $0.0 == $1.0 }) {
            for (i, (k, v)) in old.enumerated() where new[i].1 != v && !old[..<i].contains(where: { $0.0 == k }) {
                changes.append(FacetChange(facet: k, before: v, after: new[i].1))
            }
            return changes
        }
        // A state has about a dozen facets: linear searches beat building two dictionaries per event.
        for (i, (k, v)) in old.enumerated() where !old[..<i].contains(where: { $0.0 == k }) {
            let after = new.first { $0.0 == k }?.1
            if after != v { changes.append(FacetChange(facet: k, before: v, after: after)) }
        }
        for (i, (k, v)) in new.enumerated()
        where !old.contains(where: { $0.0 == k }) && !new[..<i].contains(where: { $0.0 == k }) {
            changes.append(FacetChange(facet: k, before: nil, after: v))
        }
        return changes
    }

    /// An indicator's facets are its name, its baseline, then one per target year and one per measured
    /// year (each year once, ascending): every label appears once, in that order.
    static func indicatorChanges(_ a: IndicatorState, _ b: IndicatorState) -> [FacetChange] {
        var out: [FacetChange] = []
        // States of one definition share it (most pairs): then name and baseline are the same.
        if a.shared !== b.shared {
            if a.definition.name != b.definition.name {
                out.append(FacetChange(facet: "name", before: a.definition.name, after: b.definition.name))
            }
            let (x, y) = (a.definition.baseline, b.definition.baseline)
            let sameBaseline = switch (x, y) {
            case (nil, nil): true
            case let (x?, y?): x.year == y.year && x.value.hasSameText(as: y.value)
            default: false
            }
            if !sameBaseline { differing("baseline", baselineText(x), baselineText(y), into: &out) }
        }
        // Labels of `a`'s years first (targets, then actuals), changed or gone; then `b`'s new years. A
        // list the event left as it was (the same storage) has neither.
        let targets = !a.targets.sharesStorage(with: b.targets), measurements = !a.measurements.sharesStorage(with: b.measurements)
        if targets { changedOrGone(a.targets, b.targets, targetLabels, "target ", into: &out) }
        if measurements { changedOrGone(a.measurements, b.measurements, actualLabels, "actual ", into: &out) }
        if targets { added(b.targets, a.targets, targetLabels, "target ", into: &out) }
        if measurements { added(b.measurements, a.measurements, actualLabels, "actual ", into: &out) }
        return out
    }

    /// A change for each year of `old` whose value's text differs in `new`, or that `new` lacks.
    private static func changedOrGone(_ old: YearValues, _ new: YearValues, _ labels: [String], _ prefix: String, into out: inout [FacetChange]) {
        for e in old {
            let other = new[e.year]
            if let other, e.value.hasSameText(as: other) { continue }
            changedYear(yearLabel(labels, prefix, e.year), e.value, other, into: &out)
        }
    }

    /// A year's value before and after, as ``yearChange(_:_:)`` finds a change of it, with their texts.
    static func changedYear(_ label: String, _ x: ExactDecimal?, _ y: ExactDecimal?, into out: inout [FacetChange]) {
        guard let c = yearChange(x, y) else { return }
        out.append(FacetChange(facet: label, before: c.before?.text(currency: nil), after: c.after?.text(currency: nil)))
    }

    /// A year's value before and after when ``indicatorChanges(_:_:)`` words a change of it (gained,
    /// lost, or a value whose text differs), as the values to show; `nil` when it is no change. Both
    /// the changes found by comparing states and those an effect makes (into ``EffectChanges``) follow it.
    static func yearChange(_ x: ExactDecimal?, _ y: ExactDecimal?) -> (before: FacetValue?, after: FacetValue?)? {
        switch (x, y) {
        case let (x?, y?): x.hasSameText(as: y) ? nil : (.decimal(x), .decimal(y))
        case (nil, nil): nil
        default: (x.map(FacetValue.decimal), y.map(FacetValue.decimal))
        }
    }

    /// A change for each year of `new` that `old` lacks.
    private static func added(_ new: YearValues, _ old: YearValues, _ labels: [String], _ prefix: String, into out: inout [FacetChange]) {
        for e in new where old[e.year] == nil { changedYear(yearLabel(labels, prefix, e.year), nil, e.value, into: &out) }
    }

    /// An allocation's facets are always amount, status, disbursed and spent, in that order.
    static func allocationChanges(_ a: AllocationState, _ b: AllocationState) -> [FacetChange] {
        var out: [FacetChange] = []
        let sameCurrency = a.currency == b.currency
        func money(_ label: String, _ x: ExactDecimal, _ y: ExactDecimal) {
            if sameCurrency, x.hasSameText(as: y) { return }
            differing(label, Money(x, a.currency).description, Money(y, b.currency).description, into: &out)
        }
        money("amount", a.amount, b.amount)
        differing(.status, .withdrawn(a.withdrawn), .withdrawn(b.withdrawn), into: &out)
        money("disbursed", a.disbursed, b.disbursed)
        money("spent", a.spent, b.spent)
        return out
    }

    /// A milestone's facets are always title, planned and status, in that order. Equal fields have equal
    /// texts, so only fields that differ are written out (and kept where their texts differ too).
    ///
    /// Why: a milestone's facets wrote its title, dates and status out twice an event, two arrays of
    /// strings for one rescheduled date (about 870 instructions a reschedule on the audit trail's
    /// computing thread: callgrind, Round 52 in docs/BENCHMARKS.md).
    static func milestoneChanges(_ a: MilestoneState, _ b: MilestoneState) -> [FacetChange] {
        var out: [FacetChange] = []
        if a.shared !== b.shared, a.definition.title != b.definition.title {
            out.append(FacetChange(facet: "title", before: a.definition.title, after: b.definition.title))
        }
        differing(.planned, .date(a.plannedDate), .date(b.plannedDate), into: &out)
        differing(.status, .status(a.status), .status(b.status), into: &out)
        return out
    }

    /// `label`'s change from `before` to `after`, with their texts, when those differ: the rule an
    /// effect's changes follow too (``EffectChanges``, ``FacetValue/hasSameText(as:currency:)``).
    static func differing(_ label: FacetLabel, _ before: FacetValue, _ after: FacetValue, into out: inout [FacetChange]) {
        if !before.hasSameText(as: after, currency: nil) {
            out.append(FacetChange(facet: label.text, before: before.text(currency: nil), after: after.text(currency: nil)))
        }
    }

    /// An allocation's status as its facet shows it: `withdrawn` or `standing`.
    static func statusText(withdrawn: Bool) -> String { withdrawn ? "withdrawn" : "standing" }

    /// A milestone's status as its facet shows it: `achieved 2027-03-01`.
    static func statusText(_ status: MilestoneStatus) -> String {
        status.name + (status.date.map { " \($0)" } ?? "")
    }

    static func baselineText(_ b: IndicatorDefined.Baseline?) -> String {
        b.map { $0.value.description + " (" + String($0.year) + ")" } ?? "—"
    }

    static func differing(_ label: String, _ before: String, _ after: String, into out: inout [FacetChange]) {
        if before != after { out.append(FacetChange(facet: label, before: before, after: after)) }
    }
}

extension ExactDecimal {
    /// The same digits at the same scale: the same text (`12.50` and `12.5` are equal, not the same text).
    func hasSameText(as other: ExactDecimal) -> Bool { significand == other.significand && scale == other.scale }
}
