import EventLog

/// What a facet of an entity shows, kept as the value its text is made from: a year's target or actual,
/// an allocation's amount, a milestone's planned day or status, an allocation's standing. Plain data
/// (no reference in it): copied as bytes.
///
/// Why not the text: the audit trail writes the facets each event changes, two values an event, into
/// its rows' JSON. Made as strings first, each value's text was written into a string and then copied
/// into the row, and the strings and the array holding them freed: about 2,400 instructions a row
/// (callgrind, Round 56 in docs/BENCHMARKS.md). A value writes its text straight into the row
/// (``writeQuoted(to:currency:)``), and ``text(currency:)`` makes the same text as a string where one
/// is shown.
public enum FacetValue: Sendable, Equatable {
    /// A year's target or actual: the decimal as written (`12.50`).
    case decimal(ExactDecimal)
    /// An amount in the allocation's currency (given beside it, ``EffectChanges/currency``), shown with
    /// the currency's minor-unit digits and grouped: `KZT 1,300,000.00`.
    case money(ExactDecimal)
    /// A day: `2027-03-15`.
    case date(CalendarDate)
    /// A milestone's status and the day it took effect: `scheduled`, `achieved 2027-03-14`.
    case status(MilestoneStatus)
    /// An allocation's standing: `withdrawn` or `standing`.
    case withdrawn(Bool)

    /// The text a facet shows, an amount in `currency`: what ``EntityState/facets`` shows of the same
    /// value.
    public func text(currency: Currency?) -> String {
        switch self {
        case .decimal(let d): d.description
        case .money(let amount): currency.map { Money(amount, $0).description } ?? amount.description
        case .date(let d): d.description
        case .status(let s): EntityState.statusText(s)
        case .withdrawn(let w): EntityState.statusText(withdrawn: w)
        }
    }

    /// Whether the two values show the same text, amounts in `currency`: as ``text(currency:)``
    /// compares, without making either.
    ///
    /// An amount's text has its currency's minor-unit digits, so `12.5` and `12.50` in tenge show the
    /// same text where, as decimals, they do not (`12.5` and `12.50` are equal numbers, not the same text).
    public func hasSameText(as other: FacetValue, currency: Currency?) -> Bool {
        switch (self, other) {
        case let (.decimal(a), .decimal(b)): a.hasSameText(as: b)
        case let (.money(a), .money(b)):
            if let currency { Money(a, currency).inMinorUnits.hasSameText(as: Money(b, currency).inMinorUnits) } else { a.hasSameText(as: b) }
        case let (.date(a), .date(b)): a == b
        case let (.status(a), .status(b)): a == b
        case let (.withdrawn(a), .withdrawn(b)): a == b
        default: text(currency: currency) == other.text(currency: currency)
        }
    }

    /// The most bytes ``writeQuoted(to:currency:)`` writes.
    public func quotedBound(currency: Currency?) -> Int {
        switch self {
        case .decimal: 2 + ExactDecimal.textBound
        case .money: 3 + (currency?.code.utf8.count ?? 0) + ExactDecimal.textBound
        case .date: CalendarDate.quotedBound
        case .status: 12 + CalendarDate.quotedBound   // `cancelled ` and the day, in quotes
        case .withdrawn: 11
        }
    }

    /// ``text(currency:)`` in quotes, as canonical JSON writes it, written from the value: no string
    /// made. None of these texts needs an escape (digits, a point, a comma, a dash, a space, ASCII
    /// letters; a currency's code is one of ISO 4217's, ``Currency/init(code:)``).
    public func writeQuoted(to w: inout CanonicalJSON.ReservedWriter, currency: Currency?) {
        switch self {
        case .decimal(let d):
            w.byte(0x22)
            d.writeText(grouped: false, to: &w)
            w.byte(0x22)
        case .money(let amount):
            guard let currency else { return FacetValue.decimal(amount).writeQuoted(to: &w, currency: nil) }
            w.byte(0x22)
            var code = currency.code
            code.withUTF8 { w.unescaped($0) }
            w.byte(UInt8(ascii: " "))
            Money(amount, currency).inMinorUnits.writeText(grouped: true, to: &w)
            w.byte(0x22)
        case .date(let d):
            d.writeQuoted(to: &w)
        case .status(let s):
            switch s {
            case .scheduled: w.token(#""scheduled"#)
            case .achieved(let d): w.token(#""achieved "#); d.writeText(to: &w)
            case .missed(let d): w.token(#""missed "#); d.writeText(to: &w)
            case .cancelled(let d): w.token(#""cancelled "#); d.writeText(to: &w)
            }
            w.byte(0x22)
        case .withdrawn(let withdrawn):
            w.token(withdrawn ? #""withdrawn""# : #""standing""#)
        }
    }
}

extension ExactDecimal {
    /// ``text(grouped:prefix:)`` with no prefix, written where `w` writes next (at most ``textBound``
    /// bytes) rather than made a string.
    func writeText(grouped: Bool, to w: inout CanonicalJSON.ReservedWriter) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.textBound) { out in
            let at = writeDigits(grouped: grouped, endingAt: out)
            w.unescaped(UnsafeBufferPointer(rebasing: out[at...]))
        }
    }
}
