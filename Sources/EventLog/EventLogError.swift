/// Why the log refused an append or could not open. Nothing is written when an append fails.
public enum EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream's version is not the one the append expected.
    case conflict(stream: StreamName, expected: ExpectedVersion, actual: UInt64)
    /// The event id is already in the log, at `sequence`, with other content.
    case idReusedWithOtherContent(id: String, sequence: UInt64)
    /// A restored line (carrying `seq` and `recorded`) does not continue the log.
    case restoreOutOfOrder(String)
    /// An event's canonical encoding is larger than the log accepts.
    case eventTooLarge(bytes: Int, limit: Int)
    /// The directory holds no ledger.
    case noLedger(path: String)
    /// The ledger was written by an incompatible format version.
    case unsupportedFormat(found: String)
    /// A stored event could not be decoded: the log is damaged.
    case damaged(sequence: UInt64, reason: String)

    public var description: String {
        switch self {
        case let .conflict(stream, expected, actual):
            "version conflict on stream '\(stream)': expected \(expected), but the stream is at version \(actual)"
        case let .idReusedWithOtherContent(id, seq):
            "field 'id': event id \(id) is already in the log at seq \(seq) with other content"
        case let .restoreOutOfOrder(reason): reason
        case let .eventTooLarge(bytes, limit): "the event's canonical encoding is \(bytes) bytes; the limit is \(limit)"
        case let .noLedger(path): "no ledger at \(path) (create one with `pledger init`)"
        case let .unsupportedFormat(found): "the ledger's format is '\(found)', which this pledger cannot read"
        case let .damaged(seq, reason): "stored event \(seq) cannot be read: \(reason)"
        }
    }
}

/// An append failed at one event of a batch; the whole batch was rolled back.
public struct AppendError: Error, Sendable, CustomStringConvertible {
    /// Position of the failing event in the batch, from 0.
    public let index: Int
    public let underlying: any Error & Sendable

    public init(index: Int, underlying: any Error & Sendable) {
        self.index = index
        self.underlying = underlying
    }

    public var description: String { "event \(index + 1) of the batch: \(underlying)" }
}
