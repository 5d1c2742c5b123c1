import EventLog
import Foundation
import TestSupport

/// A log in a fresh directory, with a clock that ticks one second per append.
struct LogFixture {
    let directory: TemporaryDirectory
    let log: EventLog

    init(mapSize: Int = 1 << 26) throws {
        directory = try TemporaryDirectory()
        log = try openLog(directory.path + "/log", mapSize: mapSize, clock: TickingClock.ticking())
    }
}

final class TickingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64 = 1_769_472_000_000_000 // 2026-01-27T00:00:00Z
    func tick() -> Timestamp {
        lock.lock(); defer { lock.unlock() }
        now += 1_000_000
        return Timestamp(microsecondsSinceEpoch: now)
    }

    /// A new clock's `tick`, as a log's configuration takes it.
    static func ticking() -> @Sendable () -> Timestamp {
        let clock = TickingClock()
        return { clock.tick() }
    }
}

func event(_ stream: String, _ type: String = "IndicatorMeasured", expected: ExpectedVersion = .any,
           id: UUID = UUID(), value: Int64 = 1, effective: String = "2026-03-01") -> ProposedEvent {
    event(StreamName(stringLiteral: stream), type, expected: expected, id: id, value: value, effective: effective)
}

func event(_ stream: StreamName, _ type: String = "IndicatorMeasured", expected: ExpectedVersion = .any,
           id: UUID = UUID(), value: Int64 = 1, effective: String = "2026-03-01") -> ProposedEvent {
    ProposedEvent(id: id, stream: stream, type: type, effective: CalendarDate(effective) ?? CalendarDate(daysSinceEpoch: 0),
                  actor: "tester", rationale: "because", source: "test",
                  payload: .object([("value", .integer(value))]), expected: expected)
}

/// Every event's canonical bytes, in order: the log's whole observable content.
func exportLines(_ log: EventLog) throws -> [[UInt8]] {
    var lines: [[UInt8]] = []
    try log.scanCanonical { _, bytes in lines.append(Array(bytes)); return true }
    return lines
}

/// Appends from async test code: the log's append is synchronous and must not be called across an await.
@discardableResult
func appendBlocking(_ log: EventLog, _ batch: [ProposedEvent]) throws -> [AppendedPosition] {
    try log.append(batch)
}

/// A number as the log's keys write it (sequence numbers, versions, tree indexes): 8 bytes, big-endian.
func bigEndianBytes(_ n: UInt64) -> [UInt8] { withUnsafeBytes(of: n.bigEndian, Array.init) }

/// The number big-endian `bytes` write (``bigEndianBytes(_:)`` read back).
func fromBigEndian(_ bytes: some Sequence<UInt8>) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }

/// The log at `path` (created when missing, unless read-only): its map `mapSize` (64 MiB), its bulk-index
/// limit `limit` and merge step `step` (the configuration's own when nil), and its clock `clock` (the
/// system's when nil; ``TickingClock/ticking()`` moves a second an append, so that each test run writes
/// the same stamps).
func openLog(_ path: String, limit: Int? = nil, step: Int? = nil, mapSize: Int = 1 << 26, clock: (@Sendable () -> Timestamp)? = nil,
             readOnly: Bool = false) throws -> EventLog {
    var configuration = EventLog.Configuration()
    configuration.mapSize = mapSize
    if let limit { configuration.bulkIndexLimit = limit }
    if let step { configuration.mergeStepEntries = step }
    if let clock { configuration.clock = clock }
    configuration.readOnly = readOnly
    return readOnly ? try EventLog(path: path, configuration: configuration) : try EventLog.create(at: path, configuration: configuration)
}
