/// Entries to write into one index in bulk, in key order: their keys end to end in one buffer, and
/// each entry's event.
///
/// Why one buffer: a bulk write puts about four entries an appended event (`ids`, `streams`, `types`,
/// `effective`), and a key array each, made and freed on the appending thread, was a twentieth of an
/// append's instructions beside LMDB's own (callgrind, Round 19 in docs/BENCHMARKS.md).
struct IndexEntries {
    /// The keys, end to end.
    private var keys: [UInt8] = []
    /// Where each entry's key ends in ``keys``.
    private var ends: [Int] = []
    /// Each entry's event, in entry order.
    private var sequences: [UInt64] = []

    /// Room for `count` entries whose keys take `keyBytes` bytes together.
    init(reservingCapacity count: Int = 0, keyBytes: Int = 0) {
        keys.reserveCapacity(keyBytes)
        ends.reserveCapacity(count)
        sequences.reserveCapacity(count)
    }

    /// How many entries.
    var count: Int { sequences.count }

    /// Appends an entry of event `sequence` whose key `writeKey` appends to the buffer.
    mutating func append(sequence: UInt64, key writeKey: (inout [UInt8]) -> Void) {
        writeKey(&keys)
        ends.append(keys.count)
        sequences.append(sequence)
    }

    /// `body` given each entry's key, read in place, and its event, in entry order.
    func forEach(_ body: (_ key: UnsafeRawBufferPointer, _ sequence: UInt64) throws -> Void) rethrows {
        try keys.withUnsafeBytes { all in
            var start = 0
            for (end, sequence) in zip(ends, sequences) {
                try body(UnsafeRawBufferPointer(rebasing: all[start ..< end]), sequence)
                start = end
            }
        }
    }

    /// Each entry's key as an array, in entry order (for tests).
    var keyArrays: [[UInt8]] {
        var out: [[UInt8]] = []
        forEach { key, _ in out.append(Array(key)) }
        return out
    }
}
