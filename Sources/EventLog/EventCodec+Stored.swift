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
              c.consume(k.rationale), let rationale = c.quotedString(), !ProposedEvent.isBlank(rationale),
              c.consume(k.recorded), let recorded = c.quoted({ Timestamp(canonicalUTF8: $0) }),
              c.consume(k.schema), let schema = c.integer(), schemaVersions.contains(Int(schema)),
              c.consume(k.seq), let sequence = c.integer(), sequence >= 1,
              c.consume(k.source), let source = c.quotedString(), !ProposedEvent.isBlank(source),
              c.consume(k.stream), let streamText = c.quotedString(), let stream = try? StreamName(validating: streamText),
              c.consume(k.type), let type = c.quotedString(), (try? EventTypeName.validate(type)) != nil,
              c.consume(k.version), let version = c.integer(), version >= 1,
              c.index == buffer.count - 1, buffer[c.index] == UInt8(ascii: "}")
        else { return nil }
        return RecordedEvent(
            sequence: UInt64(sequence), recorded: recorded, version: UInt64(version), id: id, stream: stream,
            type: type, schema: Int(schema), effective: effective, actor: actor, rationale: rationale,
            source: source, correlation: correlation, causation: causation, payload: payload,
            canonicalBytes: Array(buffer))
    }

    /// The id member's name as the envelope writes it (`,"id":`), then the string's opening quote.
    private static let storedIDMarker = EnvelopeKeys.shared.id + [UInt8(ascii: "\"")]

    /// The id of a stored event, found without decoding the rest of it.
    ///
    /// Why: the log reads the ids of its newest events back (``RecentIDs``) after a restart. In
    /// canonical bytes the members before `id` (actor, causation, correlation, effective) are strings,
    /// and a string never holds an unescaped `"`, so the first `,"id":"` is the envelope's own. Bytes
    /// where it is not found, or not followed by a UUID and `"`, are decoded in full (and so rejected
    /// as damaged when they do not decode).
    static func storedID(_ bytes: UnsafeRawBufferPointer) throws -> UUID {
        let marker = storedIDMarker
        let limit = bytes.count - marker.count - 37
        var i = 0
        while i <= limit {
            // The first byte alone rules out nearly every position (and keeps debug builds quick).
            if bytes[i] == marker[0], marker.indices.dropFirst().allSatisfy({ bytes[i + $0] == marker[$0] }) {
                let start = i + marker.count
                guard bytes[start + 36] == UInt8(ascii: "\""),
                      let id = bytes.withMemoryRebound(to: UInt8.self, { UUID(utf8: UnsafeBufferPointer(rebasing: $0[start..<(start + 36)])) })
                else { break }
                return id
            }
            i += 1
        }
        return try decodeRecorded(bytes).id
    }
}

extension JSONParser.Cursor {
    /// Moves past `literal` when the input continues with it; otherwise stays and returns false.
    mutating func consume(_ literal: [UInt8]) -> Bool {
        guard bytes.count - index >= literal.count else { return false }
        for i in literal.indices where bytes[index + i] != literal[i] { return false }
        index += literal.count
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
        var end = index + 1
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
