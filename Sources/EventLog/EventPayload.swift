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

    /// ``decodePayload(_:)`` of the stored bytes of event `sequence`, as a scan of the log reads them:
    /// bytes that do not decode are ``EventLogError/damaged(sequence:reason:)``.
    public static func decodeStoredPayload(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) throws -> EventPayload {
        try EventLog.decodeStored(bytes, sequence: sequence, decodePayload)
    }

    /// The payload of `buffer` when its members come in canonical order, each name as the envelope
    /// writes it, with no white space between, and the members read are ones ``decodePayloadAnyOrder(_:)``
    /// accepts (the others passed over as it passes over them); `nil` otherwise.
    ///
    /// Why: a replay reads every event this way, and reading members by name made a string of each of
    /// the fourteen names and hashed it into a set.
    static func decodeCanonicalPayload(_ buffer: UnsafeBufferPointer<UInt8>) -> EventPayload? {
        guard let header = canonicalHeader(of: buffer) else { return nil }
        var c = JSONParser.Cursor(bytes: UnsafeBufferPointer(rebasing: buffer[header.payload]))
        guard let payload = try? c.value(depth: 1), c.index == header.payload.count else { return nil }
        return EventPayload(sequence: header.sequence, stream: header.stream, effective: header.effective, type: header.type,
                            schema: header.schema, payload: payload)
    }

    /// What ``decodeCanonicalPayload(_:)`` reads of stored canonical bytes, with the payload left as
    /// bytes (`payload`: where its object lies in `buffer`, passed over as the general reader passes
    /// over a value, not built); `nil` when `buffer` is not read in one pass.
    public static func canonicalHeader(of buffer: UnsafeBufferPointer<UInt8>) -> StoredHeader? {
        header(of: buffer) { $0.skippedValue() }
    }

    /// Calls `body` with ``canonicalHeader(of:)`` of `buffer` and, when the payload is a flat object
    /// that can be read in place, its members (``JSONObjectBytes``, at path `payload`); false, without
    /// calling it, when `buffer` is not read in one pass.
    ///
    /// Why: a fold reads nearly every stored payload in place, without its value tree; the payload's
    /// bytes are scanned once, for both. Not generic over what `body` makes (the caller keeps that):
    /// called across modules, a generic function asked the runtime for its result's types on every
    /// event, and copied the result through their witnesses (about 700 instructions an event:
    /// callgrind, Round 40 in docs/BENCHMARKS.md).
    ///
    /// `knownType`, where given, gives the reader's own `String` for the bytes of a type name it knows
    /// (nil for any other): that string is the header's `type`, neither checked again nor made anew.
    /// Most type names are longer than a string holds inline: one was allocated and freed an event.
    @discardableResult
    public static func withCanonicalPayload(of buffer: UnsafeBufferPointer<UInt8>, knownType: ((UnsafeBufferPointer<UInt8>) -> String?)? = nil,
                                            _ body: (StoredHeader, JSONObjectBytes?) throws -> Void) rethrows -> Bool {
        try withUnsafeTemporaryAllocation(of: JSONObjectBytes.Member.self, capacity: JSONObjectBytes.maximumMembers) { storage -> Bool in
            var fields: JSONObjectBytes?
            let found = header(of: buffer, knownType: knownType) { c in
                if let (count, end) = JSONObjectBytes.scan(buffer, from: c.index, into: storage) {
                    fields = JSONObjectBytes(path: "payload", bytes: buffer, members: storage, count: count)
                    c.index = end
                    return true
                }
                return c.skippedValue()
            }
            guard let found else { return false }
            try body(found, fields)
            return true
        }
    }

    /// The header of `buffer` in canonical member order, `passPayload` moving the cursor past the
    /// payload's object (false when it cannot); its type's string from `knownType` where that knows it.
    ///
    /// A type name is read from its bytes, which hold no escape in canonical JSON (a name with one is
    /// left to the general reader, as any other member that is not in canonical form).
    private static func header(of buffer: UnsafeBufferPointer<UInt8>, knownType: ((UnsafeBufferPointer<UInt8>) -> String?)? = nil,
                               passingPayload passPayload: (inout JSONParser.Cursor) -> Bool) -> StoredHeader? {
        let k = EnvelopeKeys.shared
        var c = JSONParser.Cursor(bytes: buffer)
        guard c.consume(k.actor), c.skippedValue() else { return nil }
        if c.consume(k.causation) { guard c.skippedValue() else { return nil } }
        if c.consume(k.correlation) { guard c.skippedValue() else { return nil } }
        guard c.consume(k.effective), let effective = c.quoted({ CalendarDate(utf8: $0) }),
              c.consume(k.id), c.skippedValue(),
              c.consume(k.payload), c.index < buffer.count, buffer[c.index] == UInt8(ascii: "{")
        else { return nil }
        let payloadStart = c.index
        guard passPayload(&c) else { return nil }
        let payload = payloadStart..<c.index
        guard c.consume(k.rationale), c.skippedValue(),
              c.consume(k.recorded), c.skippedValue(),
              c.consume(k.schema), let schema = c.integer(), schemaVersions.contains(Int(schema)),
              c.consume(k.seq), let sequence = c.integer(), sequence >= 1,
              c.consume(k.source), c.skippedValue(),
              c.consume(k.stream), let stream = c.quoted({ try? StreamName(validatingUTF8: UnsafeRawBufferPointer($0)) }),
              c.consume(k.type), let type = c.quoted({ name in
                  knownType?(name) ?? (EventTypeName.isValid(UnsafeRawBufferPointer(name)) ? String(decoding: name, as: UTF8.self) : nil)
              }),
              c.consume(k.version), c.skippedValue(),
              c.index == buffer.count - 1, buffer[c.index] == UInt8(ascii: "}")
        else { return nil }
        return StoredHeader(sequence: UInt64(sequence), stream: stream, effective: effective, type: type, schema: Int(schema), payload: payload)
    }

    /// A stored event's ``EventPayload`` fields but the payload, which is where its object lies in the
    /// event's bytes (``canonicalHeader(of:)``).
    public struct StoredHeader: Sendable, Equatable {
        public var sequence: UInt64
        public var stream: StreamName
        public var effective: CalendarDate
        public var type: String
        public var schema: Int
        public var payload: Range<Int>
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
}
