/// A Bloom filter over one run of an index kept as runs (``RunCatalogue``): over its ids (`ids`), or
/// the names of its streams (`streams`); whether an id or a name may be in the run, answered from
/// memory, so that a lookup reads only the runs that may hold it.
///
/// Why: a log of a million events holds about ten runs an index, and an id looked up in each would
/// cost ten LMDB seeks; an appended event's id is looked up once (the duplicate check), and is nearly
/// always in none. Blocked (Putze, Sanders and Singler, 2007): a key's probes all fall in one 512-bit
/// block, one cache line, placed by its first hash; seven bits of that block, nine bits each of its
/// second hash. Ten bits a key: about one lookup in a hundred reads a run in vain.
///
/// Stored as the value of the run's own key (docs/FORMAT.md): little-endian 64-bit words, eight a
/// block. The hashes mix the key's two 64-bit halves (an id's; a name's fingerprint twice) with the
/// run's seed (``RunCatalogue/Run/seed``), drawn at random when the run is written, so that which keys
/// collide is not known in advance and differs by run.
struct RunFilter: Equatable {
    /// Bits of filter an id: about 1 % false positives with seven probes in a block.
    static let bitsPerID = 10
    /// Bits set (and tested) an id, all in one block.
    static let probes = 7
    /// Words a block: 512 bits.
    static let wordsPerBlock = 8

    /// The filter's words, ``wordsPerBlock`` a block.
    private(set) var words: [UInt64]
    /// The run's seed, mixed into every hash.
    let seed: UInt64

    /// The number of 512-bit blocks for `count` ids.
    static func blockCount(for count: Int) -> Int { max(1, (count * bitsPerID + 511) / 512) }

    /// An empty filter sized for `count` ids.
    init(capacity count: Int, seed: UInt64) {
        self.seed = seed
        words = Array(repeating: 0, count: Self.blockCount(for: count) * Self.wordsPerBlock)
    }

    /// The filter stored as `bytes` (little-endian words), or nil when they are not whole blocks.
    init?(bytes: UnsafeRawBufferPointer, seed: UInt64) {
        guard !bytes.isEmpty, bytes.count % (8 * Self.wordsPerBlock) == 0 else { return nil }
        self.seed = seed
        words = (0 ..< bytes.count / 8).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
    }

    /// The words as stored: little-endian, in order.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 * words.count)
        for w in words { withUnsafeBytes(of: w.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    /// The block (its first word) and the second hash of the id whose big-endian halves are `high` and `low`.
    private func place(_ high: UInt64, _ low: UInt64) -> (first: Int, bits: UInt64) {
        var a = (high ^ seed) &* 0x9E37_79B9_7F4A_7C15
        a ^= low
        a = (a ^ (a >> 32)) &* 0xD6E8_FEB8_6659_FD93
        a ^= a >> 32
        var b = (low ^ seed.byteSwapped) &* 0xC2B2_AE3D_27D4_EB4F
        b ^= high
        b = (b ^ (b >> 29)) &* 0x94D0_49BB_1331_11EB
        b ^= b >> 31
        let blocks = UInt64(words.count / Self.wordsPerBlock)
        return (Int(a.multipliedFullWidth(by: blocks).high) * Self.wordsPerBlock, b)
    }

    /// Adds the id whose big-endian halves are `high` and `low`.
    mutating func insert(_ high: UInt64, _ low: UInt64) {
        let (first, bits) = place(high, low)
        words.withUnsafeMutableBufferPointer { w in
            for i in 0 ..< Self.probes {
                let position = Int(truncatingIfNeeded: bits >> (9 * UInt64(i))) & 511
                w[first + position >> 6] |= 1 << UInt64(position & 63)
            }
        }
    }

    /// Whether the id whose big-endian halves are `high` and `low` may have been added: false means
    /// it was not.
    func mayContain(_ high: UInt64, _ low: UInt64) -> Bool {
        let (first, bits) = place(high, low)
        return words.withUnsafeBufferPointer { w in
            for i in 0 ..< Self.probes {
                let position = Int(truncatingIfNeeded: bits >> (9 * UInt64(i))) & 511
                if w[first + position >> 6] & (1 << UInt64(position & 63)) == 0 { return false }
            }
            return true
        }
    }
}
