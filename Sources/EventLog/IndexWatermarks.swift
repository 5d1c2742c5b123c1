import Foundation

/// How far an index written in bulk reaches: for each of 16 ranges of its entries, the last sequence
/// number whose entry in that range the index holds. The `ids` index is split by the id's first
/// hexadecimal digit, the `streams`, `types` and `effective` indexes by a hash of the name their keys
/// begin with (``range(ofName:)``).
///
/// Why ranges: both indexes are written in bulk (docs/FORMAT.md), and one transaction that wrote every
/// waiting entry into a large index would dirty nearly all of its leaves at once — tens of megabytes at a
/// million events, which LMDB keeps allocated for the writer's life. One range at a time dirties a sixteenth.
public struct IndexWatermarks: Sendable, Equatable {
    /// How many ranges the entries are split into.
    public static let rangeCount = 16

    /// The last indexed sequence number of each range, in range order.
    public private(set) var through: [UInt64]

    /// Every range indexed through `sequence`: a new log (0), or an index that an earlier format wrote
    /// as each event was appended (its head).
    public init(allThrough sequence: UInt64) {
        through = Array(repeating: sequence, count: Self.rangeCount)
    }

    private init(through: [UInt64]) { self.through = through }

    /// The range of `id`: its first hexadecimal digit.
    public static func range(of id: UUID) -> Int { Int(id.uuid.0 >> 4) }

    /// The range of `stream`: ``range(ofName:)`` of its name, kept in its fingerprint.
    public static func range(of stream: StreamName) -> Int { stream.indexRange }

    /// The range of an entry of an index keyed by a name (a stream's, a type's, a date's): the 32-bit
    /// FNV-1a hash of the name's bytes, modulo 16. Every entry of a name falls in one range, so a
    /// range's bulk write puts a name's waiting entries side by side.
    public static func range(ofName name: String) -> Int {
        var name = name
        return range(ofFingerprint: name.withUTF8 { fingerprint(ofName: UnsafeRawBufferPointer($0)) })
    }

    /// A name's fingerprint, made in one pass over its bytes: the 64-bit FNV-1a hash of the bytes, its
    /// lowest four bits replaced by the name's range (``range(ofName:)``).
    ///
    /// Why: the ranges of a stream, type and date were worked out from their text at each event an
    /// append recorded, and their entries kept in dictionaries that hashed the text again with SipHash
    /// (about 1,500 instructions an event of the appending thread: callgrind, Round 21 in
    /// docs/BENCHMARKS.md). A name now carries both, made once (``StreamName``, ``IndexName``).
    static func fingerprint(ofName bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var r: UInt32 = 2_166_136_261
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3
            r = (r ^ UInt32(b)) &* 16_777_619
        }
        return h & ~rangeMask | UInt64(r % UInt32(rangeCount))
    }

    /// The bits of a fingerprint that hold the range: ``rangeCount`` is 16.
    static let rangeMask: UInt64 = 0xF

    /// The range kept in a fingerprint made by ``fingerprint(ofName:)``.
    static func range(ofFingerprint fingerprint: UInt64) -> Int { Int(truncatingIfNeeded: fingerprint & rangeMask) }

    /// Whether the index holds `id`, the id of event `sequence`.
    public func covers(_ id: UUID, at sequence: UInt64) -> Bool { sequence <= through[Self.range(of: id)] }

    /// Whether the index holds the entry of event `sequence`, an event of `stream`.
    public func covers(_ stream: StreamName, at sequence: UInt64) -> Bool { sequence <= through[Self.range(of: stream)] }

    /// Whether an index keyed by names holds the entry of event `sequence` under `name`.
    public func covers(ofName name: String, at sequence: UInt64) -> Bool { sequence <= through[Self.range(ofName: name)] }

    /// The lowest watermark: every event after it may have an entry the index does not hold yet.
    public var lowest: UInt64 { through.min() ?? 0 }

    /// The range whose watermark is lowest (the first such).
    var stalest: Int { through.indices.min { through[$0] < through[$1] } ?? 0 }

    /// Whether no range of this is past the same range of `other`: what an index reaching this far
    /// leaves waiting includes everything one reaching `other` leaves waiting.
    func isNotPast(_ other: IndexWatermarks) -> Bool { zip(through, other.through).allSatisfy { $0 <= $1 } }

    mutating func move(_ range: Int, to sequence: UInt64) { through[range] = sequence }

    /// Sixteen big-endian 8-byte sequence numbers, in range order.
    var bytes: [UInt8] { through.flatMap { Key.sequence($0) } }

    /// Reads ``bytes``, where they are stored; 8 bytes (one number) are every range at that number.
    ///
    /// Read four times at every append: into one array, made once (reading into an array and replacing
    /// another made all at 0 was about 700 instructions a read: callgrind, Round 25 in docs/BENCHMARKS.md).
    init?(bytes: UnsafeRawBufferPointer) {
        switch bytes.count {
        case 8:
            self.init(allThrough: Key.decodeSequence(bytes))
        case 8 * Self.rangeCount:
            let n = IndexWatermarks.rangeCount
            let read = [UInt64](unsafeUninitializedCapacity: n) { out, count in
                for i in 0..<n { out[i] = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
                count = n
            }
            self.init(through: read)
        default:
            return nil
        }
    }
}
