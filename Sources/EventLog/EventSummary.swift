/// What a listing of the log shows of an event: its position, when it was recorded, its stream and
/// version, its type, its effective date and its actor, read from its stored bytes without building
/// its payload, rationale or source.
///
/// Why: `pledger log` lists events as a table of these members, and decoded each event whole, payload
/// included, in both of its passes (one sizes the columns, one writes the rows): about 13,500
/// instructions an event a pass (docs/BENCHMARKS.md, Round 33). A full decode (``RecordedEvent``)
/// stays the way to read what an event says; `pledger verify` the way to check every byte of every
/// event against its hash.
public struct EventSummary: Sendable, Equatable {
    /// Global position: 1, 2, 3, … in commit order.
    public var sequence: UInt64
    /// When the ledger recorded it.
    public var recorded: Timestamp
    /// Position within its stream, from 1.
    public var version: UInt64
    public var stream: StreamName
    public var type: String
    public var effective: CalendarDate
    public var actor: String

    public init(sequence: UInt64, recorded: Timestamp, version: UInt64, stream: StreamName, type: String,
                effective: CalendarDate, actor: String) {
        self.sequence = sequence
        self.recorded = recorded
        self.version = version
        self.stream = stream
        self.type = type
        self.effective = effective
        self.actor = actor
    }

    /// The same members of a fully decoded event.
    public init(_ event: RecordedEvent) {
        self.init(sequence: event.sequence, recorded: event.recorded, version: event.version, stream: event.stream,
                  type: event.type, effective: event.effective, actor: event.actor)
    }
}

extension EventCodec {
    /// Reads an event's ``EventSummary`` from its stored bytes.
    ///
    /// Canonical bytes are read in one pass in canonical member order (``canonicalSummary(_:)``), the
    /// payload, rationale and source passed over as JSON, not built; any other bytes are decoded whole
    /// (``decodeRecorded(_:)``), which names the member and rule a refused event breaks.
    public static func decodeSummary(_ bytes: UnsafeRawBufferPointer) throws -> EventSummary {
        if let summary = canonicalSummary(bytes.assumingMemoryBound(to: UInt8.self)) { return summary }
        return EventSummary(try decodeRecorded(bytes))
    }

    /// The summary of `buffer` when it is read in one pass (``canonicalEnvelope(_:readingReasons:)``,
    /// the rationale and source passed over, not made: a table shows neither); `nil` otherwise.
    static func canonicalSummary(_ buffer: UnsafeBufferPointer<UInt8>) -> EventSummary? {
        canonicalEnvelope(buffer, readingReasons: false).map { e in
            EventSummary(sequence: e.sequence, recorded: e.recorded, version: e.version, stream: e.stream, type: e.type,
                         effective: e.effective, actor: e.actor)
        }
    }
}

extension EventLog {
    /// Calls `body` with the ``EventSummary`` of each matching event from sequence `start` in
    /// `direction`, in one consistent snapshot, until `body` returns false: what ``scan(from:direction:filter:_:)``
    /// gives, without building each event's payload, rationale and source. Bytes that do not read as an
    /// event are ``EventLogError/damaged(sequence:reason:)``.
    @available(*, noasync, message: "a scan holds a read transaction")
    public func scanSummaries(
        from start: UInt64 = 1, direction: Direction = .forward, filter: Filter = .init(),
        _ body: (EventSummary) throws -> Bool
    ) throws {
        try scanCanonical(from: start, direction: direction, filter: filter) { sequence, bytes in
            try body(try Self.decodeStored(bytes, sequence: sequence, EventCodec.decodeSummary))
        }
    }
}
