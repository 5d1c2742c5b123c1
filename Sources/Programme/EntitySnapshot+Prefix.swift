import EventLog

extension EntitySnapshot {
    /// `use` given the bytes ``withEncoded(_:definitionNumber:in:_:)`` makes, after the two numbers of
    /// `prefix`, each in unsigned LEB128 (read back by ``prefix(stored:)``), then `beside`: its length in
    /// unsigned LEB128 and its bytes (read back by ``beside(stored:)``); all written into `buffer`.
    ///
    /// Why: a store may keep beside a state what it needs to know of the state without decoding it. The
    /// current-state projection keeps the bounds of the sequence numbers of the events a snapshot folds,
    /// so that a state known at a past point can start from a snapshot instead of every event before it,
    /// and (`beside`) the effects of the events of its day (``EffectList``), where it kept them under a
    /// key of their own, a put an event (Round 55 in docs/BENCHMARKS.md).
    public static func withEncoded(_ state: EntityState, prefix: (UInt64, UInt64), beside: UnsafeRawBufferPointer, definitionNumber: Int,
                                   in buffer: inout [UInt8], _ use: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let bound = 3 * SnapshotWriter.maximumNumberSize + beside.count + numberedBound(of: state)
        try SnapshotWriter.withBytes(bound: bound, in: &buffer, {
            $0.unsigned(prefix.0)
            $0.unsigned(prefix.1)
            $0.unsigned(UInt64(beside.count))
            $0.bytes(beside)
            $0.numbered(state, definitionNumber: definitionNumber)
        }, use)
    }

    /// What ``withEncoded(_:prefix:beside:definitionNumber:in:_:)`` wrote beside a snapshot, and the
    /// snapshot's bytes after it, given the bytes after the prefix (``prefix(stored:)``'s `snapshot`);
    /// throws ``FieldError`` when the length is cut short or exceeds the bytes.
    public static func beside(stored bytes: UnsafeRawBufferPointer) throws(FieldError)
        -> (beside: UnsafeRawBufferPointer, snapshot: UnsafeRawBufferPointer) {
        var r = SnapshotReader(bytes: bytes)
        let count = try r.unsigned64()
        guard count <= UInt64(bytes.count - r.offset) else {
            throw FieldError(field: "(snapshot)", "\(count) bytes beside the snapshot, \(bytes.count - r.offset) left")
        }
        let beside = try r.take(Int(count))
        return (beside, UnsafeRawBufferPointer(rebasing: bytes[r.offset...]))
    }

    /// The two numbers ``withEncoded(_:prefix:beside:definitionNumber:in:_:)`` wrote first, and the
    /// bytes after them (what was written beside the snapshot, then the snapshot: ``beside(stored:)``); throws ``FieldError`` when a number is cut short or exceeds 64 bits.
    public static func prefix(stored bytes: UnsafeRawBufferPointer) throws(FieldError)
        -> (prefix: (UInt64, UInt64), snapshot: UnsafeRawBufferPointer) {
        var r = SnapshotReader(bytes: bytes)
        let first = try r.unsigned64(), second = try r.unsigned64()
        return ((first, second), UnsafeRawBufferPointer(rebasing: bytes[r.offset...]))
    }
}

extension SnapshotReader {
    /// An unsigned LEB128 number of at most 64 bits, in 64-bit arithmetic (the prefix's numbers are read
    /// on a query's hot path: one a snapshot).
    @inline(__always)
    mutating func unsigned64() throws(FieldError) -> UInt64 {
        var n: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let b = bytes[offset]
            offset += 1
            guard shift < 63 || (shift == 63 && b < 2) else { break }   // the 10th byte holds 1 bit
            n |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return n }
            shift += 7
        }
        throw FieldError(field: "(snapshot)", "a number truncated or longer than 64 bits at byte \(offset)")
    }
}
