/// One facet an effect changed, with its values before and after: a ``FacetChange`` whose label and
/// texts are not made yet (``FacetLabel``, ``FacetValue``). Plain data: copied as bytes.
public struct EffectChange: Sendable, Equatable {
    public var facet: FacetLabel
    public var before: FacetValue?
    public var after: FacetValue?

    public init(facet: FacetLabel, before: FacetValue?, after: FacetValue?) {
        self.facet = facet
        self.before = before
        self.after = after
    }
}

/// The facets one effect changed (``EntityState/effectChanges(applying:effective:sequence:to:)``): at most
/// two (a milestone's planned day and its status), kept in place rather than in an array, with the
/// currency of the amounts among them.
///
/// Why: an array of changes with their texts was an allocation and a free an event on the audit
/// trail's computing thread, and each text a string made, copied into the row and released (Round 56
/// in docs/BENCHMARKS.md).
public struct EffectChanges: Sendable, Equatable, RandomAccessCollection {
    private var first = EffectChange(facet: .status, before: nil, after: nil)
    private var second = EffectChange(facet: .status, before: nil, after: nil)
    public private(set) var count = 0
    /// The allocation's currency, in which ``FacetValue/money(_:)`` values are shown; `nil` where
    /// none changed.
    public internal(set) var currency: Currency?

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> EffectChange {
        precondition(position >= 0 && position < count, "index out of range")
        return position == 0 ? first : second
    }

    /// The changes with their labels' and values' texts, as audit entries show them.
    public var facetChanges: [FacetChange] {
        map { c in FacetChange(facet: c.facet.text, before: c.before?.text(currency: currency), after: c.after?.text(currency: currency)) }
    }

    /// Adds `change` after those added before: an effect changes at most two facets, and a third is a
    /// programming error.
    mutating func append(_ change: EffectChange) {
        switch count {
        case 0: first = change
        case 1: second = change
        default: preconditionFailure("an effect changes at most two facets")
        }
        count += 1
    }

    /// `facet`'s change from `before` to `after` when their texts differ.
    mutating func appendDiffering(_ facet: FacetLabel, _ before: FacetValue, _ after: FacetValue) {
        if !before.hasSameText(as: after, currency: currency) { append(EffectChange(facet: facet, before: before, after: after)) }
    }

    public static func == (a: EffectChanges, b: EffectChanges) -> Bool { a.currency == b.currency && a.elementsEqual(b) }
}
