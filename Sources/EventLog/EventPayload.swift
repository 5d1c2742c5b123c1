/// What folding a stored event into a state needs: its position, effective date, type, schema and
/// payload, read without the rest of its envelope.
///
/// Rebuilding an entity's snapshots after a back-dated event re-reads the entity's later events; at a
/// million events that is tens of events per back-dated one, and decoding each whole builds its id,
/// actor, rationale and source strings and checks its envelope, none of which the fold reads. A full
/// decode (``RecordedEvent``) stays the way to read an event for anything else.
public struct EventPayload: Sendable, Equatable {
    public var sequence: UInt64
    public var effective: CalendarDate
    public var type: String
    public var schema: Int
    public var payload: JSONValue

    public init(sequence: UInt64, effective: CalendarDate, type: String, schema: Int, payload: JSONValue) {
        self.sequence = sequence
        self.effective = effective
        self.type = type
        self.schema = schema
        self.payload = payload
    }

    /// The same fields of a fully decoded event.
    public init(_ event: RecordedEvent) {
        self.init(sequence: event.sequence, effective: event.effective, type: event.type, schema: event.schema, payload: event.payload)
    }
}

extension EventCodec {
    static let payloadFields: Set<String> = ["effective", "payload", "schema", "seq", "type"]

    /// Reads an event's ``EventPayload`` from its stored canonical bytes, passing over the other members.
    ///
    /// Canonical bytes are read in one pass in canonical member order (``decodeCanonicalPayload(_:)``);
    /// anything else by name (``decodePayloadAnyOrder(_:)``). Either way the same payload, or that
    /// reader's error.
    public static func decodePayload(_ bytes: UnsafeRawBufferPointer) throws -> EventPayload {
        let buffer = bytes.assumingMemoryBound(to: UInt8.self)
        if let payload = decodeCanonicalPayload(buffer) { return payload }
        return try decodePayloadAnyOrder(bytes)
    }

    /// The payload of `buffer` when its members come in canonical order, each name as the envelope
    /// writes it, with no white space between, and the members read are ones ``decodePayloadAnyOrder(_:)``
    /// accepts (the others passed over as it passes over them); `nil` otherwise.
    ///
    /// Why: a back-dated event makes the current state re-read the payloads of its entity's later
    /// events; at 1,000,000 events a replay re-reads about 776,000 of them (Round 7, docs/BENCHMARKS.md),
    /// and reading members by name made a string of each of the fourteen names and hashed it into a set.
    static func decodeCanonicalPayload(_ buffer: UnsafeBufferPointer<UInt8>) -> EventPayload? {
        let k = EnvelopeKeys.shared
        var c = JSONParser.Cursor(bytes: buffer)
        guard c.consume(k.actor), c.skippedValue() else { return nil }
        if c.consume(k.causation) { guard c.skippedValue() else { return nil } }
        if c.consume(k.correlation) { guard c.skippedValue() else { return nil } }
        guard c.consume(k.effective), let effective = c.quoted({ CalendarDate(utf8: $0) }),
              c.consume(k.id), c.skippedValue(),
              c.consume(k.payload), c.index < buffer.count, buffer[c.index] == UInt8(ascii: "{"),
              let payload = try? c.value(depth: 1),
              c.consume(k.rationale), c.skippedValue(),
              c.consume(k.recorded), c.skippedValue(),
              c.consume(k.schema), let schema = c.integer(), schemaVersions.contains(Int(schema)),
              c.consume(k.seq), let sequence = c.integer(), sequence >= 1,
              c.consume(k.source), c.skippedValue(),
              c.consume(k.stream), c.skippedValue(),
              c.consume(k.type), let type = c.quotedString(), (try? EventTypeName.validate(type)) != nil,
              c.consume(k.version), c.skippedValue(),
              c.index == buffer.count - 1, buffer[c.index] == UInt8(ascii: "}")
        else { return nil }
        return EventPayload(sequence: UInt64(sequence), effective: effective, type: type, schema: Int(schema), payload: payload)
    }

    /// Reads an event's ``EventPayload`` with its members in any order, naming the member and rule an
    /// unacceptable one breaks.
    static func decodePayloadAnyOrder(_ bytes: UnsafeRawBufferPointer) throws -> EventPayload {
        let members = try JSONParser.members(of: bytes.assumingMemoryBound(to: UInt8.self)) { payloadFields.contains($0) }
        let f = try JSONFields(.object(members))
        let sequence = try decodeSequence(f)
        let (type, schema, payload) = try decodeTypedPayload(f)
        return EventPayload(sequence: sequence, effective: try f.date("effective"), type: type, schema: schema, payload: payload)
    }
}

extension EventLog {
    /// The ``EventPayload``s of the events at these sequence numbers, in the order given, read in one
    /// snapshot; missing ones are left out. Bytes that do not decode are
    /// ``EventLogError/damaged(sequence:reason:)``.
    public func payloads(at sequences: [UInt64]) throws -> [EventPayload] {
        try environment.read { txn in try sequences.compactMap { try stored(at: $0, in: txn, EventCodec.decodePayload) } }
    }
}
