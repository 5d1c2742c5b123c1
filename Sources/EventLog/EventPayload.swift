/// What folding a stored event into a state needs: its position, stream, effective date, type, schema
/// and payload, read without the rest of its envelope.
///
/// A replay folds every event into the projections, and decoding each whole built its id, recorded
/// time, actor, rationale and source, and copied its canonical bytes, none of which a fold reads: about
/// a third of the reading thread's instructions (callgrind, Round 18 in docs/BENCHMARKS.md). A full
/// decode (``RecordedEvent``) stays the way to read an event for anything else, and `pledger verify`
/// the way to check every member of every event.
public struct EventPayload: Sendable, Equatable {
    public var sequence: UInt64
    public var stream: StreamName
    public var effective: CalendarDate
    public var type: String
    public var schema: Int
    public var payload: JSONValue

    public init(sequence: UInt64, stream: StreamName, effective: CalendarDate, type: String, schema: Int, payload: JSONValue) {
        self.sequence = sequence
        self.stream = stream
        self.effective = effective
        self.type = type
        self.schema = schema
        self.payload = payload
    }

    /// The same fields of a fully decoded event.
    public init(_ event: RecordedEvent) {
        self.init(sequence: event.sequence, stream: event.stream, effective: event.effective, type: event.type, schema: event.schema,
                  payload: event.payload)
    }
}

extension EventCodec {
    static let payloadFields: Set<String> = ["effective", "payload", "schema", "seq", "stream", "type"]

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
    /// Why: a replay reads every event this way, and reading members by name made a string of each of
    /// the fourteen names and hashed it into a set.
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
              c.consume(k.stream), let stream = c.quoted({ try? StreamName(validatingUTF8: UnsafeRawBufferPointer($0)) }),
              c.consume(k.type), let type = c.quotedString(), (try? EventTypeName.validate(type)) != nil,
              c.consume(k.version), c.skippedValue(),
              c.index == buffer.count - 1, buffer[c.index] == UInt8(ascii: "}")
        else { return nil }
        return EventPayload(sequence: UInt64(sequence), stream: stream, effective: effective, type: type, schema: Int(schema), payload: payload)
    }

    /// Reads an event's ``EventPayload`` with its members in any order, naming the member and rule an
    /// unacceptable one breaks.
    static func decodePayloadAnyOrder(_ bytes: UnsafeRawBufferPointer) throws -> EventPayload {
        let members = try JSONParser.members(of: bytes.assumingMemoryBound(to: UInt8.self)) { payloadFields.contains($0) }
        let f = try JSONFields(.object(members))
        let sequence = try decodeSequence(f)
        let (type, schema, payload) = try decodeTypedPayload(f)
        return EventPayload(sequence: sequence, stream: try StreamName(validating: try f.string("stream")), effective: try f.date("effective"),
                            type: type, schema: schema, payload: payload)
    }
}

extension EventLog {
    /// The ``EventPayload``s of the events at these sequence numbers, in the order given, read in one
    /// snapshot; missing ones are left out. Bytes that do not decode are
    /// ``EventLogError/damaged(sequence:reason:)``.
    public func payloads(at sequences: [UInt64]) throws -> [EventPayload] {
        try environment.read { txn in try sequences.compactMap { try stored(at: $0, in: txn, EventCodec.decodePayload) } }
    }

    /// Calls `body` with the ``EventPayload`` of each event from sequence `start` on, in sequence order
    /// and one consistent snapshot, until `body` returns false: ``scan(from:direction:filter:_:)``
    /// reading only what a fold needs. Bytes that do not decode are
    /// ``EventLogError/damaged(sequence:reason:)``.
    @available(*, noasync, message: "a scan holds a read transaction")
    public func scanPayloads(from start: UInt64 = 1, _ body: (EventPayload) throws -> Bool) throws {
        try scanCanonical(from: start) { sequence, bytes in
            try body(try decodeStored(bytes, sequence: sequence, EventCodec.decodePayload))
        }
    }
}
