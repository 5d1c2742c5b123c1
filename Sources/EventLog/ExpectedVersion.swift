/// What an append expects of a stream's version before its event: the optimistic-concurrency check.
///
/// Versions count a stream's events from 1; a stream with no events has version 0.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must be at exactly this version.
    case exactly(UInt64)

    public func admits(_ actual: UInt64) -> Bool {
        switch self {
        case .any: true
        case .noStream: actual == 0
        case .exactly(let n): actual == n
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .exactly(let n): "version \(n)"
        }
    }
}
