import Foundation

extension EventCodec {
    /// Reads stored canonical bytes back into an event.
    ///
    /// Bytes in canonical form, as the log writes them, are read in one pass that expects each member
    /// in canonical order (``decodeCanonical(_:)``); any other bytes, and any value the rules refuse, go
    /// through the general decoder, which reads members in any order and names what is wrong. Both give
    /// the same event or, through the general decoder, the same error.
    public static func decodeRecorded(_ bytes: some Collection<UInt8>) throws -> RecordedEvent {
        if let canonical = bytes.withContiguousStorageIfAvailable({ decodeCanonical($0) }), let event = canonical {
            return event
        }
        return try decodeAnyOrder(bytes)
    }

    /// Reads a stored event's members in any order, as JSON allows, naming the member and rule an
    /// unacceptable event breaks.
    static func decodeAnyOrder(_ bytes: some Collection<UInt8>) throws -> RecordedEvent {
        let value = try JSONParser.parse(bytes)
        let e = try decodeContent(value, allowing: storedFieldList)
        let stamp = try decodeStamp(try JSONFields(value))
        return RecordedEvent(
            sequence: stamp.sequence, recorded: stamp.recorded, version: stamp.version, id: e.id, stream: e.stream,
            type: e.type, schema: e.schema, effective: e.effective, actor: e.actor, rationale: e.rationale,
            source: e.source, correlation: e.correlation, causation: e.causation, payload: e.payload,
            canonicalBytes: Array(bytes))
    }

    /// The event in `bytes` when its members come in canonical order, each name written as the envelope
    /// writes it, with no white space between, and every value is one that ``decodeAnyOrder(_:)``
    /// accepts; `nil` otherwise, and then the general decoder reads them. Either way the same event.
    ///
    /// Why: every replay, refold and query at a (as-of, known-at) pair decodes stored events, and the
    /// general decoder made a string of each of the fourteen member names, compared it against the
    /// allowed names and then looked each member up by name again: about 42,000 instructions an event
    /// (callgrind, Round 11 in docs/BENCHMARKS.md). The payload is still built as a value tree by the
    /// same parser, with the same nesting limit.
    static func decodeCanonical(_ buffer: UnsafeBufferPointer<UInt8>) -> RecordedEvent? {
        guard let (e, stamp) = canonicalMembers(buffer), let stamp else { return nil }
        return RecordedEvent(
            sequence: stamp.sequence, recorded: stamp.recorded, version: stamp.version, id: e.id, stream: e.stream,
            type: e.type, schema: e.schema, effective: e.effective, actor: e.actor, rationale: e.rationale,
            source: e.source, correlation: e.correlation, causation: e.causation, payload: e.payload,
            canonicalBytes: Array(buffer))
    }

    /// The event in `buffer` when its members come in canonical order, each name written as the envelope
    /// writes it, with no white space between, and every value is one the general decoders accept:
    /// with its stamp when it carries `recorded`, `seq` and `version`, without one when it carries none of
    /// them; `nil` otherwise (one or two of them, any other member, any other order or spacing), and then
    /// a general decoder reads the bytes and names what is wrong.
    ///
    /// Why: stored events (``decodeCanonical(_:)``) and the lines of an export (``decodeLine(_:)``) are
    /// written in this form; read through the general parser, a restored line's members cost 27,000
    /// instructions (parsing 16,671, the fields 10,423; callgrind, Round 31 in docs/BENCHMARKS.md).
    static func canonicalMembers(_ buffer: UnsafeBufferPointer<UInt8>) -> (ProposedEvent, ProposedEvent.Stamp?)? {
        let k = EnvelopeKeys.shared
        var c = JSONParser.Cursor(bytes: buffer)
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
              c.consume(k.payload), c.index < buffer.count, buffer[c.index] == UInt8(ascii: "{"),
              let payload = try? c.value(depth: 1),
              c.consume(k.rationale), let rationale = c.quotedString(), !ProposedEvent.isBlank(rationale)
        else { return nil }
        var recorded: Timestamp?
        if c.consume(k.recorded) {
            guard let time = c.quoted({ Timestamp(canonicalUTF8: $0) }) else { return nil }
            recorded = time
        }
        guard c.consume(k.schema), let schema = c.integer(), schemaVersions.contains(Int(schema)) else { return nil }
        var sequence: Int64?
        if c.consume(k.seq) {
            guard let n = c.integer(), n >= 1 else { return nil }
            sequence = n
        }
        guard c.consume(k.source), let source = c.quotedString(), !ProposedEvent.isBlank(source),
              c.consume(k.stream), let streamText = c.quotedString(), let stream = try? StreamName(validating: streamText),
              c.consume(k.type), let type = c.quotedString(), (try? EventTypeName.validate(type)) != nil
        else { return nil }
        var version: Int64?
        if c.consume(k.version) {
            guard let n = c.integer(), n >= 1 else { return nil }
            version = n
        }
        guard c.index == buffer.count - 1, buffer[c.index] == UInt8(ascii: "}") else { return nil }
        let event = ProposedEvent(
            id: id, stream: stream, type: type, schema: Int(schema), effective: effective, actor: actor,
            rationale: rationale, source: source, correlation: correlation, causation: causation, payload: payload)
        switch (recorded, sequence, version) {
        case let (recorded?, sequence?, version?):
            return (event, .init(sequence: UInt64(sequence), recorded: recorded, version: UInt64(version)))
        case (nil, nil, nil):
            return (event, nil)
        default:
            return nil
        }
    }

    /// The id member's name as the envelope writes it (`,"id":`), then the string's opening quote.
    private static let storedIDMarker = EnvelopeKeys.shared.id + [UInt8(ascii: "\"")]
    /// The effective member's name as the envelope writes it, then the string's opening quote.
    private static let storedEffectiveMarker = EnvelopeKeys.shared.effective + [UInt8(ascii: "\"")]
    /// The stream member's name as the envelope writes it, then the string's opening quote.
    private static let storedStreamMarker = EnvelopeKeys.shared.stream + [UInt8(ascii: "\"")]
    /// The closing quote of the stream's name, then the type member's name and its opening quote.
    private static let storedTypeMarker = [UInt8(ascii: "\"")] + EnvelopeKeys.shared.type + [UInt8(ascii: "\"")]

    /// What the indexes written in bulk hold of a stored event: its id, stream, version, type and
    /// effective date (`YYYY-MM-DD`).
    struct StoredEntry: Equatable {
        var id: UUID
        var stream: StreamName
        var version: UInt64
        var type: String
        var effective: String
    }

    /// The index entries of a stored event, found without decoding the rest.
    ///
    /// Why: the log reads these back from its newest events (``LogTail``), the ones its bulk-written
    /// indexes do not hold yet, when a process first needs them. In canonical bytes a string never
    /// holds an unescaped `"`, so a member name with its quotes (`,"id":"`) is never inside a string:
    /// the first `,"effective":"` is the envelope's (the members before it are strings), the id follows
    /// the date, and the last `,"stream":"` is the envelope's too (only strings and the version follow it). Bytes
    /// where one is not found as the envelope writes it are decoded in full (and so rejected as damaged
    /// when they do not decode).
    static func storedEntry(_ bytes: UnsafeRawBufferPointer) throws -> StoredEntry {
        if let entry = storedEntryInPlace(bytes) { return entry }
        let e = try decodeRecorded(bytes)
        return StoredEntry(id: e.id, stream: e.stream, version: e.version, type: e.type, effective: e.effective.description)
    }

    /// The index entries as found without decoding; nil when the bytes do not hold them as the
    /// envelope writes them.
    static func storedEntryInPlace(_ bytes: UnsafeRawBufferPointer) -> StoredEntry? {
        guard let (effective, id) = storedEffectiveAndID(bytes), let end = storedEnd(bytes) else { return nil }
        return StoredEntry(id: id, stream: end.stream, version: end.version, type: end.type, effective: effective)
    }

    /// The effective date (as the index writes it) and the id, from the first `,"effective":"`: in
    /// canonical order the id comes right after the date, `,"effective":"YYYY-MM-DD","id":"UUID"`.
    private static func storedEffectiveAndID(_ bytes: UnsafeRawBufferPointer) -> (String, UUID)? {
        guard let date = firstEnd(of: storedEffectiveMarker, in: bytes) else { return nil }
        let id = date + 11 + storedIDMarker.count
        guard id + 37 <= bytes.count, bytes[date + 10] == UInt8(ascii: "\""), matches(storedIDMarker, in: bytes, at: date + 11),
              bytes[id + 36] == UInt8(ascii: "\"") else { return nil }
        return bytes.withMemoryRebound(to: UInt8.self) { utf8 in
            guard let effective = CalendarDate(utf8: UnsafeBufferPointer(rebasing: utf8[date..<(date + 10)])),
                  let uuid = UUID(utf8: UnsafeBufferPointer(rebasing: utf8[id..<(id + 36)])) else { return nil }
            return (effective.description, uuid)
        }
    }

    /// Where the first occurrence of `marker` in `bytes` ends; nil when there is none.
    private static func firstEnd(of marker: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        let limit = bytes.count - marker.count
        var i = 0
        while i <= limit {
            // The first byte alone rules out nearly every position (and keeps debug builds quick).
            if bytes[i] == marker[0], matches(marker, in: bytes, at: i) { return i + marker.count }
            i += 1
        }
        return nil
    }

    /// The stream, type and version, read from the end: `,"stream":"NAME","type":"TYPE","version":N}`;
    /// nil when the bytes do not end so.
    private static func storedEnd(_ bytes: UnsafeRawBufferPointer) -> (stream: StreamName, type: String, version: UInt64)? {
        let versionMarker = EnvelopeKeys.shared.version
        guard let last = bytes.indices.last, bytes[last] == UInt8(ascii: "}") else { return nil }
        // The version's digits, backwards: 1 to 18 of them (within a UInt64), no leading zero.
        var i = last - 1
        while i >= 0, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i -= 1 }
        let digits = UnsafeRawBufferPointer(rebasing: bytes[(i + 1)..<last])
        guard (1...18).contains(digits.count), digits[0] != UInt8(ascii: "0") else { return nil }
        let version = digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
        let versionStart = i + 1 - versionMarker.count
        guard versionStart >= 0, matches(versionMarker, in: bytes, at: versionStart) else { return nil }
        // The type's string just before: no quote or backslash inside, the stream's closing quote before it.
        var typeStart = versionStart - 2
        guard typeStart >= 0, bytes[versionStart - 1] == UInt8(ascii: "\"") else { return nil }
        while typeStart >= 0, bytes[typeStart] != UInt8(ascii: "\""), bytes[typeStart] != UInt8(ascii: "\\") { typeStart -= 1 }
        let typeMarkerStart = typeStart + 1 - storedTypeMarker.count
        guard typeMarkerStart >= 0, matches(storedTypeMarker, in: bytes, at: typeMarkerStart) else { return nil }
        // The stream's name: stream names hold no quote or backslash.
        var nameStart = typeMarkerStart - 1
        while nameStart >= 0, bytes[nameStart] != UInt8(ascii: "\"") { nameStart -= 1 }
        let streamMarkerStart = nameStart + 1 - storedStreamMarker.count
        guard streamMarkerStart >= 0, matches(storedStreamMarker, in: bytes, at: streamMarkerStart),
              let stream = try? StreamName(validatingUTF8: UnsafeRawBufferPointer(rebasing: bytes[(nameStart + 1)..<typeMarkerStart])),
              typeStart + 1 < versionStart - 1
        else { return nil }
        return (stream, String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(typeStart + 1)..<(versionStart - 1)]), as: UTF8.self), version)
    }

    private static func matches(_ literal: [UInt8], in bytes: UnsafeRawBufferPointer, at start: Int) -> Bool {
        guard start >= 0, start + literal.count <= bytes.count else { return false }
        guard let base = bytes.baseAddress else { return literal.isEmpty }
        return literal.withUnsafeBytes { l in
            l.baseAddress.map { JSONParser.Cursor.sameBytes(base + start, $0, count: literal.count) } ?? true
        }
    }
}

extension JSONParser.Cursor {
    /// Moves past `literal` when the input continues with it; otherwise stays and returns false.
    ///
    /// Compared eight bytes at a time: an event's fourteen member names were compared a byte at a time,
    /// about 1,100 instructions an event read (callgrind, Round 18).
    mutating func consume(_ literal: [UInt8]) -> Bool {
        literal.withUnsafeBufferPointer { consume($0) }
    }

    /// ``consume(_:)-([UInt8])`` of a literal's bytes in memory (a `StaticString`'s: ``CanonicalJSON/Reader``).
    mutating func consume(_ literal: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = literal.count
        guard bytes.count - index >= count, let base = bytes.baseAddress else { return false }
        let equal = literal.baseAddress.map { Self.sameBytes(UnsafeRawPointer(base + index), UnsafeRawPointer($0), count: count) } ?? true
        guard equal else { return false }
        index += count
        return true
    }

    /// Whether the `count` bytes at `a` and at `b` are the same, compared eight at a time.
    ///
    /// The last word of a run of at least eight bytes overlaps the one before, rather than its last few
    /// bytes being compared one by one (a member name's `,"name":` is 8 to 15 bytes).
    static func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        while i + 8 <= count {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        if i < count, count >= 8 {
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        while i < count {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    /// A string value, as ``string()`` reads it; `nil` when the input holds no string here or a bad one.
    mutating func quotedString() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        return try? string()
    }

    /// A string value without escapes, read by `parse` from its bytes (between the quotes) without
    /// first making a string; `nil` when there is none here or `parse` refuses it. A string with
    /// escapes is never a canonical date, time or id.
    mutating func quoted<T>(_ parse: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        // Eight bytes at a time to the first quote, backslash or control byte, then byte by byte as before.
        var high: UInt8 = 0
        var end = Self.plainRun(in: bytes, from: index + 1, high: &high)
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\""),
              let value = parse(UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])) else { return nil }
        index = end + 1
        return value
    }

    /// Whether a value was passed over, as the general reader passes over the members it does not
    /// keep (``skipValue(depth:)`` at a top-level member's depth).
    mutating func skippedValue() -> Bool { (try? skipValue(depth: 1)) != nil }

    /// A UUID written as a string.
    mutating func quotedUUID() -> UUID? { quoted { UUID(utf8: $0) } }

    /// An integer value, as ``number()`` reads it; `nil` when there is none here.
    mutating func integer() -> Int64? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]),
              case .integer(let n)? = try? number() else { return nil }
        return n
    }
}
