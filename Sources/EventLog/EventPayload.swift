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
    public static func decodePayload(_ bytes: UnsafeRawBufferPointer) throws -> EventPayload {
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
