import Foundation

/// An event offered to the log for appending.
///
/// The log assigns its sequence number, its stream version and its `recorded` time, unless the event
/// carries a ``Stamp``: then it is a restored event from an export, and the log keeps the stamp only
/// where it continues the log exactly.
public struct ProposedEvent: Sendable, Equatable {
    /// Unique across the whole log; appending the same id again with the same content is a no-op.
    public var id: UUID
    public var stream: StreamName
    public var type: String
    /// The schema version of the payload for `type`, from 1.
    public var schema: Int
    /// When the event takes effect in the programme's world; may lie in the past or the future.
    public var effective: CalendarDate
    /// Who did it: a person, office or system.
    public var actor: String
    /// Why.
    public var rationale: String
    /// On what document or authority: a decree number, a document link, `illustrative`.
    public var source: String
    public var correlation: UUID?
    public var causation: UUID?
    /// The type's own fields: always a JSON object.
    public var payload: JSONValue
    /// The optimistic-concurrency check; not part of the event.
    public var expected: ExpectedVersion
    /// Present for events restored from an export.
    public var stamp: Stamp?

    /// The position and time a restored event had in the log it was exported from.
    public struct Stamp: Sendable, Equatable {
        public var sequence: UInt64
        public var recorded: Timestamp
        public var version: UInt64
        public init(sequence: UInt64, recorded: Timestamp, version: UInt64) {
            self.sequence = sequence
            self.recorded = recorded
            self.version = version
        }
    }

    public init(
        id: UUID = UUID(), stream: StreamName, type: String, schema: Int = 1, effective: CalendarDate,
        actor: String, rationale: String, source: String, correlation: UUID? = nil, causation: UUID? = nil,
        payload: JSONValue = .object([]), expected: ExpectedVersion = .any, stamp: Stamp? = nil
    ) {
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
        self.payload = payload
        self.expected = expected
        self.stamp = stamp
    }
}

extension ProposedEvent {
    /// Checks what the log requires of every event, however it was built: a valid type name, a
    /// schema version from 1 to 1000, a JSON object as payload, and a non-empty actor, rationale and source.
    public func validateEnvelope() throws(FieldError) {
        try EventTypeName.validate(type)
        guard EventCodec.schemaVersions.contains(schema) else { throw EventCodec.schemaOutOfRange }
        guard case .object = payload else { throw FieldError(field: "payload", "expected an object, got \(payload.kindName)") }
        if Self.isBlank(actor) { throw FieldError(field: "actor", "must not be empty") }
        if Self.isBlank(rationale) { throw FieldError(field: "rationale", "must not be empty") }
        if Self.isBlank(source) { throw FieldError(field: "source", "must not be empty") }
    }

    /// Whether `text` is empty or white space only (as `Character.isWhitespace` has it). Decided from
    /// the first byte that is neither ASCII white space nor beyond ASCII, without breaking the text
    /// into characters (which cost about 400 instructions a field, callgrind); text beyond ASCII is
    /// judged character by character.
    @usableFromInline static func isBlank(_ text: String) -> Bool {
        for byte in text.utf8 {
            if byte >= 0x80 { return text.allSatisfy(\.isWhitespace) }
            if byte != 0x20, !(0x09...0x0D).contains(byte) { return false }
        }
        return true
    }
}

/// An event as the log holds it: its canonical bytes and what they say.
public struct RecordedEvent: Sendable, Equatable {
    /// Global position: 1, 2, 3, … in commit order, with no gaps.
    public var sequence: UInt64
    /// When the ledger recorded it; strictly increasing with `sequence`.
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
    public var payload: JSONValue
    /// The exact stored bytes: one line of an export, without its newline.
    public var canonicalBytes: [UInt8]

    /// The RFC 9162 leaf hash of this event: SHA-256(0x00 ‖ canonical bytes).
    public var leafHash: [UInt8] { LeafHash.of(canonicalBytes) }

    /// The event as it would be proposed again: the same content, without its position.
    public var proposal: ProposedEvent {
        ProposedEvent(id: id, stream: stream, type: type, schema: schema, effective: effective, actor: actor,
                      rationale: rationale, source: source, correlation: correlation, causation: causation,
                      payload: payload)
    }
}
