import EventLog

/// The label of a facet an effect can change (``EffectChange``): plain data, its text made only where
/// it is shown (``text``) or written straight into JSON (``writeQuoted(to:)``).
public enum FacetLabel: Sendable, Hashable {
    /// An indicator's target for a year: `target 2027`.
    case target(year: Int)
    /// An indicator's actual for a year: `actual 2027`.
    case actual(year: Int)
    /// An allocation's amount, disbursed and spent figures, a milestone's planned day.
    case amount, disbursed, spent, planned
    /// An allocation's standing or a milestone's status.
    case status

    /// The label as ``EntityState/facets`` shows it.
    public var text: String {
        switch self {
        case .target(let year): EntityState.yearLabel(EntityState.targetLabels, "target ", year)
        case .actual(let year): EntityState.yearLabel(EntityState.actualLabels, "actual ", year)
        case .amount: "amount"
        case .disbursed: "disbursed"
        case .spent: "spent"
        case .planned: "planned"
        case .status: "status"
        }
    }

    /// The most bytes ``writeQuoted(to:)`` writes: `"target ` and a year of at most 20 characters.
    public static let quotedBound = 30

    /// ``text`` in quotes, as canonical JSON writes it (none of these labels needs an escape).
    public func writeQuoted(to w: inout CanonicalJSON.ReservedWriter) {
        switch self {
        case .target(let year): w.token(#""target "#); w.integer(Int64(year)); w.byte(0x22)
        case .actual(let year): w.token(#""actual "#); w.integer(Int64(year)); w.byte(0x22)
        case .amount: w.token(#""amount""#)
        case .disbursed: w.token(#""disbursed""#)
        case .spent: w.token(#""spent""#)
        case .planned: w.token(#""planned""#)
        case .status: w.token(#""status""#)
        }
    }
}
