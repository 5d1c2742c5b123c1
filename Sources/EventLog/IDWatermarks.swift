import Foundation

/// How far the `ids` index reaches: for each of 16 ranges of ids (by the id's first hexadecimal digit),
/// the last sequence number whose id in that range the index holds.
///
/// Why ranges: ids are indexed in bulk (docs/FORMAT.md), and one transaction that wrote every waiting id
/// into a large index would dirty nearly all of its leaves at once — tens of megabytes at a million
/// events, which LMDB keeps allocated for the writer's life. One range at a time dirties a sixteenth.
public struct IDWatermarks: Sendable, Equatable {
    /// How many ranges the ids are split into.
    public static let rangeCount = 16

    /// The last indexed sequence number of each range, in range order.
    public private(set) var through: [UInt64]

    /// Every range indexed through `sequence`: a new log (0), or one of `pledger-log/1`, which indexed each
    /// id as it was appended (its head).
    public init(allThrough sequence: UInt64) {
        through = Array(repeating: sequence, count: Self.rangeCount)
    }

    /// The range of `id`: its first hexadecimal digit.
    public static func range(of id: UUID) -> Int { Int(id.uuid.0 >> 4) }

    /// Whether the index holds `id`, the id of event `sequence`.
    public func covers(_ id: UUID, at sequence: UInt64) -> Bool { sequence <= through[Self.range(of: id)] }

    /// The lowest watermark: every event after it may have an id the index does not hold yet.
    public var lowest: UInt64 { through.min() ?? 0 }

    /// The range whose watermark is lowest (the first such).
    var stalest: Int { through.indices.min { through[$0] < through[$1] } ?? 0 }

    mutating func move(_ range: Int, to sequence: UInt64) { through[range] = sequence }

    /// Sixteen big-endian 8-byte sequence numbers, in range order.
    var bytes: [UInt8] { through.flatMap { Key.sequence($0) } }

    /// Reads ``bytes``; 8 bytes (one number) are every range at that number.
    init?(bytes: [UInt8]) {
        switch bytes.count {
        case 8:
            self.init(allThrough: bytes.withUnsafeBytes { Key.decodeSequence($0) })
        case 8 * Self.rangeCount:
            self.init(allThrough: 0)
            through = stride(from: 0, to: bytes.count, by: 8).map { start in
                bytes[start..<(start + 8)].withUnsafeBytes { Key.decodeSequence($0) }
            }
        default:
            return nil
        }
    }
}
