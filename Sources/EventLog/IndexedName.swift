/// A name that keys entries of an index written in bulk, which knows its range (``IndexWatermarks``).
protocol IndexedName: FingerprintedName, Comparable {
    /// ``IndexWatermarks/range(ofName:)`` of the name.
    var indexRange: Int { get }
}

extension StreamName: IndexedName {}
