import Foundation

/// A stored event without its payload: its position and every member of its envelope (who, when, why,
/// on what source, in which stream, of what type and schema, effective when, linked to what), read
/// from its stored bytes without building its payload.
///
/// Why: `pledger audit` shows each change with its event's envelope and the changes its audit row
/// holds, never the payload; decoding each event whole built the payload's value tree for nothing
/// (callgrind, Round 34 in docs/BENCHMARKS.md). A full decode (``RecordedEvent``) stays the way to read
/// what an event says.
public struct EventEnvelope: Sendable, Equatable {
    /// Global position: 1, 2, 3, … in commit order.
    public var sequence: UInt64
    /// When the ledger recorded it.
    public var recorded: Timestamp
    /// Position within its stream, from 1.
    public var version: UInt64
    public var id: UUID
    public var stream: StreamName
    public var type: String
    public var schema: Int
    public var effective: CalendarDate
    public var actor: String
    public var rationale: String
    public var source: String
    public var correlation: UUID?
    public var causation: UUID?

    /// The envelope of a fully decoded event.
    public init(_ event: RecordedEvent) {
        self.init(sequence: event.sequence, recorded: event.recorded, version: event.version, id: event.id, stream: event.stream,
                  type: event.type, schema: event.schema, effective: event.effective, actor: event.actor,
                  rationale: event.rationale, source: event.source, correlation: event.correlation, causation: event.causation)
    }

    init(sequence: UInt64, recorded: Timestamp, version: UInt64, id: UUID, stream: StreamName, type: String, schema: Int,
         effective: CalendarDate, actor: String, rationale: String, source: String, correlation: UUID?, causation: UUID?) {
        self.sequence = sequence
        self.recorded = recorded
        self.version = version
        self.id = id
        self.stream = stream
        self.type = type
        self.schema = schema
        self.effective = effective
        self.actor = actor
        self.rationale = rationale
        self.source = source
        self.correlation = correlation
        self.causation = causation
    }
}

extension EventCodec {
    /// Reads an event's ``EventEnvelope`` from its stored bytes.
    ///
    /// Canonical bytes are read in one pass in canonical member order (``canonicalEnvelope(_:readingReasons:)``),
    /// the payload passed over as JSON, not built; any other bytes are decoded whole
    /// (``decodeRecorded(_:)``), which names the member and rule a refused event breaks.
    public static func decodeEnvelope(_ bytes: UnsafeRawBufferPointer) throws -> EventEnvelope {
        if let envelope = canonicalEnvelope(bytes.assumingMemoryBound(to: UInt8.self), readingReasons: true) { return envelope }
        return EventEnvelope(try decodeRecorded(bytes))
    }

    /// The envelope of `buffer` when its members come in canonical order, each name as the envelope
    /// writes it, with no white space between, and every member read holds what the full decoder
    /// accepts; `nil` otherwise.
    ///
    /// Every member is checked as ``canonicalMembers(_:)`` checks it but the payload, which must be an
    /// object of well-formed JSON within the nesting limit but is not built: its values are not looked
    /// at. Without `readingReasons` (for a reader that shows neither, as ``EventSummary`` does) the
    /// rationale and source are passed over as well-formed strings, not made, and are empty in the
    /// envelope returned: a blank one (which no append stores) is not looked at either.
    static func canonicalEnvelope(_ buffer: UnsafeBufferPointer<UInt8>, readingReasons: Bool) -> EventEnvelope? {
        let k = EnvelopeKeys.shared
        var c = JSONParser.Cursor(bytes: buffer)
        /// A rationale or source: made and checked, or passed over ("").
        func reason() -> String? {
            guard readingReasons else { return c.skippedString() ? "" : nil }
            guard let text = c.quotedString(), !ProposedEvent.isBlank(text) else { return nil }
            return text
        }
        guard c.consume(k.actor), let actor = c.quotedString(), !ProposedEvent.isBlank(actor) else { return nil }
        var causation: UUID?, correlation: UUID?
        if c.consume(k.causation) {
            guard let id = c.quotedUUID() else { return nil }
            causation = id
        }
        if c.consume(k.correlation) {
            guard let id = c.quotedUUID() else { return nil }
            correlation = id
        }
        guard c.consume(k.effective), let effective = c.quoted({ CalendarDate(utf8: $0) }),
              c.consume(k.id), let id = c.quotedUUID(),
              c.consume(k.payload), c.index < buffer.count, buffer[c.index] == UInt8(ascii: "{"), c.skippedValue(),
              c.consume(k.rationale), let rationale = reason(),
              c.consume(k.recorded), let recorded = c.quoted({ Timestamp(canonicalUTF8: $0) }),
              c.consume(k.schema), let schema = c.integer(), schemaVersions.contains(Int(schema)),
              c.consume(k.seq), let sequence = c.integer(), sequence >= 1,
              c.consume(k.source), let source = reason(),
              c.consume(k.stream), let stream = c.quoted({ try? StreamName(validatingUTF8: UnsafeRawBufferPointer($0)) }),
              c.consume(k.type), let type = c.quotedString(), (try? EventTypeName.validate(type)) != nil,
              c.consume(k.version), let version = c.integer(), version >= 1,
              c.index == buffer.count - 1, buffer[c.index] == UInt8(ascii: "}")
        else { return nil }
        return EventEnvelope(sequence: UInt64(sequence), recorded: recorded, version: UInt64(version), id: id, stream: stream,
                             type: type, schema: Int(schema), effective: effective, actor: actor, rationale: rationale,
                             source: source, correlation: correlation, causation: causation)
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
    /// The ``EventEnvelope``s of the events at these sequence numbers, in the order given, read in one
    /// snapshot; missing ones are left out. Bytes that do not read as an event are
    /// ``EventLogError/damaged(sequence:reason:)``.
    public func envelopes(at sequences: [UInt64]) throws -> [EventEnvelope] {
        try environment.read { txn in try sequences.compactMap { try stored(at: $0, in: txn, EventCodec.decodeEnvelope) } }
    }

    /// The ``EventEnvelope``s of `stream`'s events with sequence numbers up to `last`, in sequence order,
    /// read in one snapshot: ``events(in:through:)`` without their payloads.
    ///
    /// Why: an entity's audit trail from the projection store shows each event's envelope beside its
    /// stored row, and never its payload; each event's payload was parsed into a value tree and dropped.
    public func envelopes(in stream: StreamName, through last: UInt64 = .max) throws -> [EventEnvelope] {
        try environment.read { try stored(in: stream, through: last, transaction: $0, EventCodec.decodeEnvelope) }
    }
}
