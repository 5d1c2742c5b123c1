import Foundation

/// The canonical encoding of events, and the reading of JSON Lines input. `docs/FORMAT.md` is its specification.
public enum EventCodec {
    /// Names of the members of a canonical event line.
    public static let eventFields: Set<String> = [
        "actor", "causation", "correlation", "effective", "id", "payload", "rationale", "recorded",
        "schema", "seq", "source", "stream", "type", "version",
    ]
    /// Members an input line may carry besides the event's own: the concurrency check.
    public static let inputOnlyFields: Set<String> = ["expect"]

    /// ``eventFields`` as a list, and with ``inputOnlyFields``: what each decoded line is checked against,
    /// made once. Each input line used to build the union of the two sets; checking a stored event's
    /// members costs the same either way (callgrind: about 4,100 instructions an event, in a list or a set).
    static let storedFieldList = eventFields.sorted()
    static let inputFieldList = eventFields.union(inputOnlyFields).sorted()

    /// The schema versions an event may carry: every reader and writer of events checks this one range.
    public static let schemaVersions = 1...1000

    /// The largest canonical event the log accepts, in bytes.
    public static let maximumEventSize = 1 << 20

    /// The canonical bytes of `event` at a position.
    ///
    /// Written straight from the fields in canonical member order, with only the payload going through
    /// ``CanonicalJSON``: every append encodes its event, and building the envelope as a value tree (and
    /// sorting it, since `seq`, `recorded` and `version` do not come last in order) cost about a tenth of
    /// an append. The bytes are those of `CanonicalJSON.encode(.object(members))`; a test holds them equal.
    public static func encode(_ event: ProposedEvent, sequence: UInt64, recorded: Timestamp, version: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(768)
        writeEnvelope(event, stamp: (sequence, recorded, version), into: &out)
        return out
    }

    /// ``encode(_:sequence:recorded:version:)`` appended to `out`: events encoded ahead share one
    /// buffer a chunk (``EncodedAhead``).
    static func encode(_ event: ProposedEvent, sequence: UInt64, recorded: Timestamp, version: UInt64, appendingTo out: inout [UInt8]) {
        writeEnvelope(event, stamp: (sequence, recorded, version), into: &out)
    }

    /// The canonical bytes of the event's content alone, without `seq`, `recorded` and `version`:
    /// what an idempotent retry must match.
    public static func encodeContent(_ event: ProposedEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(768)
        writeEnvelope(event, stamp: nil, into: &out)
        return out
    }

    /// The event's members (and the stamp's, when given) in canonical order:
    /// actor, causation, correlation, effective, id, payload, rationale, recorded, schema, seq, source,
    /// stream, type, version.
    ///
    /// Written in one pass into memory reserved for it (``CanonicalJSON/ReservedWriter``), counting on
    /// its strings needing no escape; when one does, again with escapes, the members before and after
    /// the payload each in memory reserved for them, the payload through ``CanonicalJSON/write(_:into:)``.
    /// Why: appended member by member, each name, string and stamp paid the array's checks and a
    /// generic copy: about 6,000 instructions an event beside the payload, on the thread that encodes a
    /// batch ahead (callgrind, Round 23 in docs/BENCHMARKS.md).
    static func writeEnvelope(_ event: borrowing ProposedEvent, stamp: (sequence: UInt64, recorded: Timestamp, version: UInt64)?, into out: inout [UInt8]) {
        // The event handed to each writing closure, not captured by it: captured, it was copied (a
        // retain of each of its strings and its payload) four times (callgrind, Round 23).
        let plain = event.boundBeforePayload(escaping: false) + CanonicalJSON.ReservedWriter.plainBound(event.payload)
            + event.boundAfterPayload(escaping: false)
        let written = CanonicalJSON.appendIfWritten(bound: plain, to: &out, event) { w, e in
            // A string left out anywhere keeps the writer's `skippedEscapes` set: the last part's result says it.
            _ = e.writeBeforePayload(to: &w, escaping: false)
            w.plainValue(e.payload)
            return e.writeAfterPayload(stamp, to: &w, escaping: false)
        }
        guard !written else { return }
        // A string that needs escapes: the members before and after the payload written with them, the
        // payload through CanonicalJSON.
        CanonicalJSON.appendIfWritten(bound: event.boundBeforePayload(escaping: true), to: &out, event) { $1.writeBeforePayload(to: &$0, escaping: true) }
        CanonicalJSON.write(event.payload, into: &out)
        CanonicalJSON.appendIfWritten(bound: event.boundAfterPayload(escaping: true), to: &out, event) { $1.writeAfterPayload(stamp, to: &$0, escaping: true) }
    }

    /// Each member's name as written before its value: `{"actor":` first (always present), `,"name":`
    /// for the rest. Made once, for the readers of stored events, which look for them.
    final class EnvelopeKeys: Sendable {
        static let shared = EnvelopeKeys()
        let actor = Array(#"{"actor":"#.utf8)
        let causation = key("causation"), correlation = key("correlation"), effective = key("effective")
        let id = key("id"), payload = key("payload"), rationale = key("rationale"), recorded = key("recorded")
        let schema = key("schema"), seq = key("seq"), source = key("source"), stream = key("stream")
        let type = key("type"), version = key("version")
        private static func key(_ name: String) -> [UInt8] { Array(",\"\(name)\":".utf8) }
    }

    /// Reads one line of JSON Lines input into an event to append.
    ///
    /// A line carrying `seq` is a restored event: it must also carry `recorded` and `version`, and its
    /// bytes must already be canonical, since the log keeps them byte for byte.
    ///
    /// A line in canonical member order, as `pledger export` writes them, is read in one pass
    /// (``canonicalMembers(_:)``); any other line, and one that pass refuses, through the general parser,
    /// which reads members in any order and names the member and rule a refused line breaks.
    public static func decodeLine(_ bytes: some Collection<UInt8>) throws -> ProposedEvent {
        if let read = bytes.withContiguousStorageIfAvailable({ canonicalMembers($0) }), let (event, stamp) = read {
            guard let stamp else { return event }
            var restored = event
            restored.stamp = stamp
            guard bytes.withContiguousStorageIfAvailable({ isCanonical(restored, stamp, $0) }) == true else {
                throw notCanonical
            }
            return restored
        }
        return try decodeAnyOrder(line: bytes)
    }

    /// ``decodeLine(_:)`` through the general parser: members in any order, spaces between tokens.
    static func decodeAnyOrder(line bytes: some Collection<UInt8>) throws -> ProposedEvent {
        let value = try JSONParser.parse(bytes)
        var event = try decodeContent(value, allowing: inputFieldList)
        let fields = try JSONFields(value)
        if let e = fields.value("expect") {
            switch e {
            case .string("any"): event.expected = .any
            case .string("none"): event.expected = .noStream
            case .integer(let n) where n >= 0: event.expected = .exactly(UInt64(n))
            default: throw FieldError(field: "expect", "expected \"any\", \"none\" or a stream version (an integer ≥ 0)")
            }
        }
        let stampFields = ["seq", "recorded", "version"].filter(fields.has)
        if !stampFields.isEmpty {
            guard stampFields.count == 3 else {
                let missing = ["seq", "recorded", "version"].first { !fields.has($0) } ?? "seq"
                throw FieldError(field: missing, "a restored line carries seq, recorded and version together")
            }
            let stamp = try decodeStamp(fields)
            event.stamp = stamp
            let same = bytes.withContiguousStorageIfAvailable { isCanonical(event, stamp, $0) }
                ?? encode(event, sequence: stamp.sequence, recorded: stamp.recorded, version: stamp.version).elementsEqual(bytes)
            guard same else { throw notCanonical }
        }
        return event
    }

    /// Whether `line` is the canonical encoding of `event` with `stamp`, byte for byte.
    ///
    /// Compared as two blocks of memory: `elementsEqual` went byte by byte through the generic
    /// collection, a fifth of a restored line's decoding (callgrind, docs/BENCHMARKS.md Round 31).
    private static func isCanonical(_ event: ProposedEvent, _ stamp: ProposedEvent.Stamp, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let canonical = encode(event, sequence: stamp.sequence, recorded: stamp.recorded, version: stamp.version)
        return canonical.withUnsafeBytes { $0.hasSameBytes(as: UnsafeRawBufferPointer(line)) }
    }

    /// The error for a restored line not in canonical form.
    private static var notCanonical: FieldError {
        FieldError(field: "(line)", "a line carrying seq is restored byte for byte and must be in canonical form (docs/FORMAT.md); it is not")
    }

    /// The `seq` member: a position in the log, 1 or more.
    static func decodeSequence(_ fields: JSONFields) throws(FieldError) -> UInt64 {
        let seq = try fields.integer("seq")
        guard seq >= 1 else { throw FieldError(field: "seq", "must be 1 or more") }
        return UInt64(seq)
    }

    /// The error for a schema outside ``schemaVersions``.
    static var schemaOutOfRange: FieldError {
        FieldError(field: "schema", "must be from \(schemaVersions.lowerBound) to \(schemaVersions.upperBound)")
    }

    /// The `type`, `schema` and `payload` members, as every event carries them: a well-formed type
    /// name, a schema in ``schemaVersions``, an object.
    static func decodeTypedPayload(_ f: JSONFields) throws(FieldError) -> (type: String, schema: Int, payload: JSONValue) {
        let type = try f.string("type")
        try EventTypeName.validate(type)
        let schema = try f.integer("schema")
        guard schemaVersions.contains(Int(schema)) else { throw schemaOutOfRange }
        let payload = try f.required("payload")
        guard case .object = payload else { throw FieldError(field: "payload", "expected an object, got \(payload.kindName)") }
        return (type, Int(schema), payload)
    }

    static func decodeStamp(_ fields: JSONFields) throws(FieldError) -> ProposedEvent.Stamp {
        let seq = try decodeSequence(fields)
        let version = try fields.integer("version")
        guard version >= 1 else { throw FieldError(field: "version", "must be 1 or more") }
        let text = try fields.string("recorded")
        guard let recorded = Timestamp(canonical: text) else {
            throw FieldError(field: "recorded", "expected a UTC time YYYY-MM-DDTHH:MM:SS.ffffffZ, got \"\(text.prefix(40))\"")
        }
        return .init(sequence: seq, recorded: recorded, version: UInt64(version))
    }

    static func decodeContent(_ value: JSONValue, allowing allowed: [String]) throws(FieldError) -> ProposedEvent {
        let f = try JSONFields(value)
        try f.rejectUnknown(allowing: allowed)
        let stream = try StreamName(validating: try f.string("stream"))
        let (type, schema, payload) = try decodeTypedPayload(f)
        return ProposedEvent(
            id: try f.uuid("id"), stream: stream, type: type, schema: schema, effective: try f.date("effective"),
            actor: try f.text("actor"), rationale: try f.text("rationale"), source: try f.text("source"),
            correlation: try f.optionalUUID("correlation"), causation: try f.optionalUUID("causation"),
            payload: payload)
    }
}

extension ProposedEvent {
    /// The most bytes ``writeBeforePayload(to:escaping:)`` writes.
    fileprivate func boundBeforePayload(escaping: Bool) -> Int {
        typealias Writer = CanonicalJSON.ReservedWriter
        return 9 + (escaping ? Writer.stringBound(actor) : Writer.plainStringBound(actor)) + (13 + Writer.uuidBound)
            + (15 + Writer.uuidBound) + (13 + CalendarDate.quotedBound) + (6 + Writer.uuidBound) + 11
    }

    /// The envelope's members up to the payload's name: actor, causation, correlation, effective, id.
    /// False when, not `escaping`, a string needed escapes and was left out: what was written is then
    /// not to be kept.
    @inline(__always)
    fileprivate func writeBeforePayload(to w: inout CanonicalJSON.ReservedWriter, escaping: Bool) -> Bool {
        w.token(#"{"actor":"#); if escaping { w.string(actor) } else { w.plainString(actor) }
        if let c = causation { w.token(#","causation":"#); w.uuid(c) }
        if let c = correlation { w.token(#","correlation":"#); w.uuid(c) }
        w.token(#","effective":"#); effective.writeQuoted(to: &w)
        w.token(#","id":"#); w.uuid(id)
        w.token(#","payload":"#)
        return !w.skippedEscapes
    }

    /// The most bytes ``writeAfterPayload(_:to:escaping:)`` writes.
    fileprivate func boundAfterPayload(escaping: Bool) -> Int {
        typealias Writer = CanonicalJSON.ReservedWriter
        let strings = escaping
            ? Writer.stringBound(rationale) + Writer.stringBound(source) + Writer.stringBound(stream.rawValue) + Writer.stringBound(type)
            : Writer.plainStringBound(rationale) + Writer.plainStringBound(source) + Writer.plainStringBound(stream.rawValue) + Writer.plainStringBound(type)
        return strings + 13 + (12 + Timestamp.quotedBound) + (10 + Writer.integerBound) + (7 + Writer.integerBound)
            + 10 + 10 + 8 + (11 + Writer.integerBound) + 1
    }

    /// The envelope's members after the payload: rationale, recorded, schema, seq, source, stream, type,
    /// version, and the closing brace (`stamp`'s members when given). False when, not `escaping`, a
    /// string needed escapes and was left out (here or before, in the same writer): what was written is
    /// then not to be kept.
    @inline(__always)
    fileprivate func writeAfterPayload(_ stamp: (sequence: UInt64, recorded: Timestamp, version: UInt64)?,
                                       to w: inout CanonicalJSON.ReservedWriter, escaping: Bool) -> Bool {
        func string(_ s: String) { if escaping { w.string(s) } else { w.plainString(s) } }
        w.token(#","rationale":"#); string(rationale)
        if let stamp { w.token(#","recorded":"#); stamp.recorded.writeQuoted(to: &w) }
        w.token(#","schema":"#); w.integer(Int64(schema))
        if let stamp { w.token(#","seq":"#); w.integer(Int64(stamp.sequence)) }
        w.token(#","source":"#); string(source)
        w.token(#","stream":"#); string(stream.rawValue)
        w.token(#","type":"#); string(type)
        if let stamp { w.token(#","version":"#); w.integer(Int64(stamp.version)) }
        w.byte(UInt8(ascii: "}"))
        return !w.skippedEscapes
    }
}
