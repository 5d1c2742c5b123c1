/// A 32-byte SHA-256 hash held inline, in four words: no heap storage, nothing to retain or free.
///
/// Why: the appending loop completes about one tree node an event and keeps the last node of each
/// level for the next event's left sibling (``TreeFrontier``). Held as ``MerkleTree/Hash`` arrays,
/// each node was an allocation made and freed on the appending thread, beside the arrays of its
/// hashes' entry (callgrind, Round 19 in docs/BENCHMARKS.md). Proofs and tree heads, which leave the
/// log, stay ``MerkleTree/Hash``.
struct InlineHash {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The 32 bytes of `bytes`; nil when it is not 32 bytes long.
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32 else { return nil }
        Swift.withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
    }

    /// A hash written by `write` into its 32 bytes.
    init(writing write: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        try Swift.withUnsafeMutableBytes(of: &words) { try write($0) }
    }

    /// `body` given the 32 bytes.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words) { try body($0) }
    }
}
