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

    /// The summary of `buffer` when its members come in canonical order, each name as the envelope
    /// writes it, with no white space between, and every member read holds what the full decoder
    /// accepts; `nil` otherwise.
    ///
    /// Every envelope member is checked as ``canonicalMembers(_:)`` checks it but three: the payload
    /// must be an object of well-formed JSON within the nesting limit, and the rationale and source
    /// well-formed strings, but none is built, so a payload's values and a blank rationale or source
    /// (which no append stores) are not looked at.
    static func canonicalSummary(_ buffer: UnsafeBufferPointer<UInt8>) -> EventSummary? {
        let k = EnvelopeKeys.shared
        var c = JSONParser.Cursor(bytes: buffer)
        guard c.consume(k.actor), let actor = c.quotedString(), !ProposedEvent.isBlank(actor) else { return nil }
        if c.consume(k.causation) { guard c.quotedUUID() != nil else { return nil } }
        if c.consume(k.correlation) { guard c.quotedUUID() != nil else { return nil } }
        guard c.consume(k.effective), let effective = c.quoted({ CalendarDate(utf8: $0) }),
              c.consume(k.id), c.quotedUUID() != nil,
              c.consume(k.payload), c.index < buffer.count, buffer[c.index] == UInt8(ascii: "{"), c.skippedValue(),
              c.consume(k.rationale), c.skippedString(),
              c.consume(k.recorded), let recorded = c.quoted({ Timestamp(canonicalUTF8: $0) }),
              c.consume(k.schema), let schema = c.integer(), schemaVersions.contains(Int(schema)),
              c.consume(k.seq), let sequence = c.integer(), sequence >= 1,
              c.consume(k.source), c.skippedString(),
              c.consume(k.stream), let stream = c.quoted({ try? StreamName(validatingUTF8: UnsafeRawBufferPointer($0)) }),
              c.consume(k.type), let type = c.quotedString(), (try? EventTypeName.validate(type)) != nil,
              c.consume(k.version), let version = c.integer(), version >= 1,
              c.index == buffer.count - 1, buffer[c.index] == UInt8(ascii: "}")
        else { return nil }
        return EventSummary(sequence: UInt64(sequence), recorded: recorded, version: UInt64(version), stream: stream,
                            type: type, effective: effective, actor: actor)
    }
}

extension JSONParser.Cursor {
    /// Whether a string was passed over (``skipString()``): false when the input holds no string here,
    /// or a bad one.
    mutating func skippedString() -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
        return (try? skipString()) != nil
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
