import Foundation
@testable import EventLog
import PropertyBased
import Testing

/// The one-pass reading of canonical stored events (`EventCodec.decodeCanonical`, and of their payloads
/// alone, `decodeCanonicalPayload`) against the general readers that take members in any order
/// (`decodeAnyOrder`, `decodePayloadAnyOrder`): the same answer for every canonical event, and for
/// anything else the general reader's answer, error included.
@Suite struct StoredEventDecodingTests {
    /// Free text: half of its characters any Unicode scalar, half quotes, backslashes, controls and
    /// white space.
    static let text = Gen.int(in: 0...(2 * 0x10FFFF)).map { i in
        i > 0x10FFFF ? ["\"", "\\", "\n", "\u{1}", " ", "\u{2028}", "é"][i % 7] : Unicode.Scalar(UInt32(i)).map(String.init) ?? "?"
    }.array(of: 1...8).map { $0.joined() }

    static func event(_ texts: [String], shape: Int) -> (ProposedEvent, [UInt8]) {
        let event = ProposedEvent(
            id: UUID(), stream: shape & 4 == 0 ? "indicator/IND-07" : "decision/D-2027:01", type: shape & 8 == 0 ? "IndicatorMeasured" : "Funding2",
            schema: 1 + shape * 37 % 1000, effective: CalendarDate(daysSinceEpoch: Int64(-719_162 + shape * 14_591 % 3_652_058)),
            actor: texts[0], rationale: texts[1], source: texts[2],
            correlation: shape & 1 == 0 ? nil : UUID(), causation: shape & 2 == 0 ? nil : UUID(),
            payload: .object([("nested", .array([.object([("k", .integer(Int64(shape) - 50))]), .null, .bool(true)])), ("note", .string(texts[3])),
                              ("value", .string("12.5"))]))
        let recorded = Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000 + Int64(shape) * 86_399_999_999)
        return (event, EventCodec.encode(event, sequence: UInt64(1 + shape * 1_000_003), recorded: recorded, version: UInt64(1 + shape)))
    }

    /// The two readers agree: the same event, or both refuse (the one pass by giving way).
    static func agree(_ bytes: [UInt8]) -> Bool {
        let general = Result { try EventCodec.decodeAnyOrder(bytes) }
        let canonical = bytes.withUnsafeBufferPointer { EventCodec.decodeCanonical($0) }
        switch general {
        case .success(let event): return canonical == nil || canonical == event
        case .failure: return canonical == nil
        }
    }

    @Test func everyCanonicalEventIsReadInOnePassAsTheGeneralDecoderReadsIt() async {
        // Now and then actor, rationale or source is white space only, which no stored event may hold.
        await propertyCheck(count: 300, input: Self.text.array(of: 4...4), Gen.int(in: 0...999), Gen.int(in: 0...11)) { texts, shape, blank in
            var texts = texts
            if blank < 3 { texts[blank] = String(repeating: " \t", count: shape % 3) }
            let (event, bytes) = Self.event(texts, shape: shape)
            let general = Result { try EventCodec.decodeAnyOrder(bytes) }
            let canonical = bytes.withUnsafeBufferPointer { EventCodec.decodeCanonical($0) }
            // The payload reader passes over actor, rationale and source, blank or not.
            let payload = bytes.withUnsafeBufferPointer { EventCodec.decodeCanonicalPayload($0) }
            #expect(payload != nil)
            #expect(payload == (try? bytes.withUnsafeBytes { try EventCodec.decodePayloadAnyOrder($0) }))
            let blank = texts[0...2].contains { $0.allSatisfy(\.isWhitespace) }
            if blank {
                #expect(canonical == nil)
                #expect(throws: FieldError.self) { try general.get() }
            } else {
                #expect(canonical != nil)
                #expect(canonical == (try? general.get()))
                #expect(canonical?.proposal == event)
                #expect(canonical?.canonicalBytes == bytes)
                #expect(payload == canonical.map(EventPayload.init))
            }
        }
    }

    /// The event the tests of changed bytes change (these and `LineDecodingTests`' of changed lines), and
    /// its canonical bytes at seq 7, version 1, recorded 2027-03-02T10:00:00Z: their changes are written
    /// against these bytes.
    static func changeable() throws -> (event: ProposedEvent, canonical: String) {
        let event = ProposedEvent(
            id: try #require(UUID(text: "0f8fad5b-d9cb-469f-a165-70867728950e")), stream: "indicator/IND-07", type: "IndicatorMeasured",
            schema: 1, effective: try #require(CalendarDate("2027-03-01")), actor: "ministry", rationale: "quarterly figure",
            source: "decree", correlation: UUID(), causation: nil, payload: .object([("value", .string("1"))]))
        let recorded = try #require(Timestamp(canonical: "2027-03-02T10:00:00.000000Z"))
        return (event, String(decoding: EventCodec.encode(event, sequence: 7, recorded: recorded, version: 1), as: UTF8.self))
    }

    /// Bytes that are not canonical, each a small change to a canonical event: `decodeRecorded` gives
    /// the general decoder's event, or its error word for word, and the one pass never disagrees.
    @Test(arguments: [
        ("white space after a name", #""seq":"#, #""seq": "#),
        ("white space at the end", #","version":1}"#, #","version":1} "#),
        ("a member out of order", #","type":"IndicatorMeasured","version":1}"#, #","version":1,"type":"IndicatorMeasured"}"#),
        ("an upper-case id", #""id":"0f8fad5b"#, #""id":"0F8FAD5B"#),
        ("an escape in the date", #""effective":"2027-"#, #""effective":"2027\u002d"#),
        ("an escape in the time", #""recorded":"2027-"#, #""recorded":"2027\u002d"#),
        ("a null causation", #","correlation":"#, #","causation":null,"correlation":"#),
        ("an unknown member", #","effective":"#, #","comment":"x","effective":"#),
        ("schema 0", #""schema":1,"#, #""schema":0,"#),
        ("schema 1001", #""schema":1,"#, #""schema":1001,"#),
        ("seq 0", #""seq":7,"#, #""seq":0,"#),
        ("a negative version", #""version":1}"#, #""version":-1}"#),
        ("a bad stream name", #""stream":"indicator/"#, #""stream":"/indicator/"#),
        ("a bad type name", #""type":"Indicator"#, #""type":"9Indicator"#),
        ("a payload that is not an object", #""payload":{"value":"1"}"#, #""payload":["1"]"#),
        ("a blank actor", #"{"actor":"ministry""#, #"{"actor":" ""#),
        ("a blank source written with an escape", #""source":"decree""#, #""source":"\t""#),
        ("an escaped letter in the actor", #"{"actor":"ministry""#, #"{"actor":"m\u0069nistry""#),
        ("a date that does not exist", #""effective":"2027-03-01""#, #""effective":"2027-02-30""#),
        ("a truncated event", #","version":1}"#, #","version":1"#),
        ("a duplicate member", #","version":1}"#, #","version":1,"version":1}"#),
    ])
    func bytesNotInCanonicalFormAreReadByTheGeneralDecoder(change: String, find: String, replacement: String) throws {
        let canonical = try Self.changeable().canonical
        let bytes = Array(canonical.replacingOccurrences(of: find, with: replacement).utf8)
        #expect(bytes != Array(canonical.utf8), "the change \(change) changed nothing")
        let general = Result { try EventCodec.decodeAnyOrder(bytes) }
        let read = Result { try EventCodec.decodeRecorded(bytes) }
        switch (general, read) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)")
        default: Issue.record("\(change): the general decoder gave \(general), decodeRecorded \(read)")
        }
        #expect(Self.agree(bytes))
        // The payload reader likewise: the general reader's payload or error, never another payload.
        let generalPayload = Result { try bytes.withUnsafeBytes { try EventCodec.decodePayloadAnyOrder($0) } }
        let payload = Result { try bytes.withUnsafeBytes { try EventCodec.decodePayload($0) } }
        switch (generalPayload, payload) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)")
        default: Issue.record("\(change): the general payload reader gave \(generalPayload), decodePayload \(payload)")
        }
        if case .failure = generalPayload { #expect(bytes.withUnsafeBufferPointer { EventCodec.decodeCanonicalPayload($0) } == nil) }
        // What the indexes hold of it: the general decoder's id, stream, version, type and date whenever it reads the bytes.
        if case .success(let e) = general {
            let entry = try bytes.withUnsafeBytes { try EventCodec.storedEntry($0) }
            #expect(entry == .init(id: e.id, stream: e.stream, version: e.version, type: e.type, effective: e.effective.description), "\(change)")
        }
    }

    /// The id, stream, version, type and effective date found without decoding
    /// (`EventCodec.storedEntryInPlace`, for the log's waiting index entries) are the event's own,
    /// whatever its texts hold and with a payload whose members are named like them.
    @Test func theIndexEntriesOfAStoredEventAreItsOwnWhateverItsTextsHold() async {
        await propertyCheck(count: 300, input: Self.text.array(of: 4...4), Gen.int(in: 0...999)) { texts, shape in
            let decoy = UUID()
            let decoys = [",\"id\":\"\(decoy.canonicalString)\"", ",\"stream\":\"decoy/x\",\"type\":\"Decoy\"", ",\"version\":9}",
                          ",\"effective\":\"1999-01-01\""]
            let event = ProposedEvent(
                id: UUID(), stream: StreamName(stringLiteral: "s/\(shape)"), type: "Probed", effective: CalendarDate(daysSinceEpoch: Int64(shape)),
                actor: "a" + texts[0] + decoys[shape % 4], rationale: decoys[(shape + 1) % 4] + texts[1] + "r", source: "s" + texts[2] + decoys[shape % 4],
                payload: .object([("effective", .string("1999-01-02")), ("id", .string(decoy.canonicalString)), ("note", .string(texts[3] + decoys[(shape + 2) % 4])),
                                  ("stream", .string("decoy/y")), ("type", .string("Decoy")), ("version", .integer(7))]))
            let version = UInt64(1 + shape * 7_919)
            let bytes = EventCodec.encode(event, sequence: UInt64(1 + shape), recorded: Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000), version: version)
            let entry = bytes.withUnsafeBytes { EventCodec.storedEntryInPlace($0) }
            #expect(entry == .init(id: event.id, stream: event.stream, version: version, type: "Probed", effective: event.effective.description))
        }
    }

    /// Passing over a string eight bytes at a time ends where reading it ends: after its closing quote,
    /// whichever byte of a word an escape, a quote, a control character or a multi-byte character falls
    /// on, and an unterminated string or a raw control character is refused as the reader refuses it.
    /// Byte runs of every length to 24 compare equal exactly when no byte differs, wherever the one
    /// differing byte lies (the words compared overlap at the end of a run); and a quoted value is read
    /// to its closing quote whatever its length, and refused when it holds an escape.
    @Test func bytesCompareAndQuotedValuesEndWhereTheirBytesDo() {
        for count in 0...24 {
            let a = (0..<count).map { UInt8(0x41 + $0) }
            a.withUnsafeBytes { pa in
                guard let base = pa.baseAddress ?? UnsafeRawPointer(bitPattern: 1) else { return }
                #expect(JSONParser.Cursor.sameBytes(base, base, count: count))
                for position in 0..<count {
                    var b = a
                    b[position] ^= 0x20
                    b.withUnsafeBytes { pb in
                        if let other = pb.baseAddress { #expect(!JSONParser.Cursor.sameBytes(base, other, count: count), "\(count) \(position)") }
                    }
                }
            }
        }
        for length in 0...30 {
            let text = String(repeating: "x", count: length)
            let bytes = Array("\"\(text)\",".utf8)
            bytes.withUnsafeBufferPointer { buffer in
                var c = JSONParser.Cursor(bytes: buffer)
                #expect(c.quoted { String(decoding: $0, as: UTF8.self) } == text)
                #expect(c.index == length + 2)
            }
            let escaped = Array("\"\(text)\\n\"".utf8)
            escaped.withUnsafeBufferPointer { buffer in
                var c = JSONParser.Cursor(bytes: buffer)
                #expect(c.quoted { String(decoding: $0, as: UTF8.self) } == nil)
                #expect(c.index == 0)
            }
        }
    }

    @Test func aStringIsPassedOverExactlyWhereReadingItEnds() {
        let inserts: [[UInt8]] = [Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\u0041"#.utf8), Array(#"\n"#.utf8), [0x01], [0x1F], [0x7F],
                                  Array("é".utf8), Array("😀".utf8), Array(#"""#.utf8)]
        for length in 0...40 {
            for at in 0...length {
                for insert in inserts {
                    for tail in [Array(#"",1"#.utf8), []] {
                        let bytes = [UInt8(ascii: "\"")] + Array(repeating: UInt8(ascii: "a"), count: at) + insert
                            + Array(repeating: UInt8(ascii: "b"), count: length - at) + tail
                        bytes.withUnsafeBufferPointer { buffer in
                            var skipping = JSONParser.Cursor(bytes: buffer), reading = JSONParser.Cursor(bytes: buffer)
                            let skipped = Result { () throws(JSONParser.SyntaxError) in try skipping.skipString() }
                            let read = Result { () throws(JSONParser.SyntaxError) in _ = try reading.string() }
                            switch (skipped, read) {
                            case (.success, .success): #expect(skipping.index == reading.index, "\(bytes)")
                            case (.failure, .failure): break
                            default: Issue.record("skipped \(skipped), read \(read): \(bytes)")
                            }
                        }
                    }
                }
            }
        }
    }
}
