/// The names of the members an object's reader allows, made once (a `static let` of the reader's type),
/// with what a reader in place compares first: each name's length and first sixteen bytes.
///
/// Why: every payload's reader checks its members against its list of names first (a typo must not
/// pass silently), and ``JSONObjectBytes`` compared each member with each name as a string: about 420
/// instructions an event in a replay, 250 this way (callgrind, Round 53 in docs/BENCHMARKS.md).
public struct MemberNames: Sendable {
    /// The names, in the order given (an unknown member's error lists them sorted).
    public let names: [String]
    let keys: [NameKey]

    public init(_ names: [String]) {
        self.names = names
        keys = names.map(NameKey.init)
    }
}

/// A name's length in bytes and its first sixteen bytes, zero-padded, read as two little-endian words:
/// equal for equal names, and for names of at most sixteen bytes (every payload member's) equal only
/// for them.
struct NameKey: Equatable {
    let count: Int
    let low: UInt64
    let high: UInt64

    /// The most bytes a key holds whole.
    static let whole = 16

    /// The key of the `count` bytes at `start` in `bytes`, read in two loads where sixteen bytes are there.
    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, count: Int) {
        self.count = count
        guard let base = bytes.baseAddress, start + 16 <= bytes.count else {
            var words: (UInt64, UInt64) = (0, 0)
            for i in 0..<min(count, 16) {
                let b = UInt64(bytes[start + i]) << UInt64(8 * (i % 8))
                if i < 8 { words.0 |= b } else { words.1 |= b }
            }
            (low, high) = words
            return
        }
        let l = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
        let h = UnsafeRawPointer(base + start + 8).loadUnaligned(as: UInt64.self)
        if count < 8 {
            low = l & ((1 << UInt64(8 * count)) &- 1)
            high = 0
        } else {
            low = l
            high = count >= 16 ? h : h & ((1 << UInt64(8 * (count - 8))) &- 1)
        }
    }

    init(_ name: String) {
        let bytes = Array(name.utf8)
        self = bytes.withUnsafeBufferPointer { NameKey($0, at: 0, count: $0.count) }
    }
}
