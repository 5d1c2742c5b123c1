/// One decimal per year — an indicator's targets, or its latest measurements — kept in year order.
///
/// Why not a `[Int: ExactDecimal]`: an indicator has a handful of years, and "the programme as of a
/// date" makes hundreds of indicator states per query. A sorted array is one allocation (none when
/// empty), is read in year order without sorting, and compares and copies as plainly as its elements;
/// a dictionary costs a hashed storage per state and a sort wherever years are shown or stored.
public struct YearValues: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// A year and its value.
    ///
    /// The significand is held as two 64-bit halves: an `Int128` field would make every array of
    /// elements a 16-byte-aligned allocation, a slower path of `malloc` taken per indicator state read.
    public struct Element: Sendable, Equatable {
        public let year: Int
        private var low: UInt64
        private var high: Int64
        private var scale: Int

        public init(year: Int, value: ExactDecimal) {
            self.year = year
            low = UInt64(truncatingIfNeeded: value.significand)
            high = Int64(truncatingIfNeeded: value.significand >> 64)
            scale = value.scale
        }

        /// A value whose significand fits 64 bits (the usual case, read from a snapshot without 128-bit
        /// arithmetic); `scale` is not checked here.
        init(year: Int, significand: Int64, scale: Int) {
            self.year = year
            low = UInt64(bitPattern: significand)
            high = significand >> 63
            self.scale = scale
        }

        public var value: ExactDecimal {
            get { ExactDecimal(significand: Int128(high) << 64 | Int128(low), scale: scale) }
            set { self = Element(year: year, value: newValue) }
        }

        public static func == (a: Element, b: Element) -> Bool { a.year == b.year && a.value == b.value }
    }

    /// The years and values, in ascending year order, each year once.
    public private(set) var elements: [Element] = []

    public init() {}

    public init(dictionaryLiteral pairs: (Int, ExactDecimal)...) {
        for (year, value) in pairs { self[year] = value }
    }

    /// Years already in ascending order, each once (a reader of stored years checks that).
    init(ascending elements: [Element]) {
        self.elements = elements
    }

    /// The value for `year`, or `nil`; setting `nil` removes the year.
    public subscript(year: Int) -> ExactDecimal? {
        get {
            let i = index(of: year)
            return i < elements.count && elements[i].year == year ? elements[i].value : nil
        }
        set {
            if let newValue, elements.last.map({ $0.year < year }) ?? true {
                elements.append(Element(year: year, value: newValue))   // the common case: a later year
                return
            }
            let i = index(of: year)
            let present = i < elements.count && elements[i].year == year
            switch (newValue, present) {
            case (let value?, true): elements[i].value = value
            case (let value?, false): elements.insert(Element(year: year, value: value), at: i)
            case (nil, true): elements.remove(at: i)
            case (nil, false): break
            }
        }
    }

    /// Whether `other` holds this list's very storage (one list copied, neither changed since): then both
    /// hold the same years and values, without a comparison. An event changes at most one of an
    /// indicator's two lists, and the audit trail's changes pass over the other (callgrind, Round 22 in
    /// docs/BENCHMARKS.md).
    func sharesStorage(with other: YearValues) -> Bool {
        elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count }
        }
    }

    /// The years that have a value, ascending.
    public var years: [Int] { elements.map(\.year) }

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }

    /// Each year of `a` or `b`, ascending, once, with its value in each (`nil` where it has none): an
    /// indicator's targets beside its measurements, found in one walk of both lists, not a search per year.
    public static func aligned(_ a: YearValues, _ b: YearValues) -> [(year: Int, first: ExactDecimal?, second: ExactDecimal?)] {
        var out: [(year: Int, first: ExactDecimal?, second: ExactDecimal?)] = []
        out.reserveCapacity(Swift.max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let x = i < a.count ? a.elements[i].year : nil, y = j < b.count ? b.elements[j].year : nil
            let year = Swift.min(x ?? Int.max, y ?? Int.max)
            let first = x == year ? a.elements[i].value : nil, second = y == year ? b.elements[j].value : nil
            out.append((year, first, second))
            if first != nil { i += 1 }
            if second != nil { j += 1 }
        }
        return out
    }

    /// The first position whose year is not below `year` (binary search; the arrays are short).
    private func index(of year: Int) -> Int {
        var low = 0, high = elements.count
        while low < high {
            let mid = (low + high) / 2
            if elements[mid].year < year { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

extension YearValues: Sequence {
    public func makeIterator() -> IndexingIterator<[Element]> { elements.makeIterator() }
}
