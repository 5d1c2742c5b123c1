import Foundation
import EventLog
import PropertyBased
import Testing

@Suite struct JSONParserTests {
    /// The reader of a known canonical form: a token is consumed only where the bytes hold all of it,
    /// values are read as the parser reads them, and anything else reads as nothing, the reader staying put.
    @Test func aCanonicalReaderReadsTokensStringsAndIntegersInPlace() {
        let text = #"{"a":"x\"y\u00e9 Қ","n":-12,"m":[]}"#
        // Each step's results, read in order (a mutating read cannot sit inside #expect).
        let steps: [Bool] = Array(text.utf8).withUnsafeBufferPointer { b in
            var r = CanonicalJSON.Reader(b)
            var steps: [Bool] = []
            steps.append(!r.consume(#"{"b":"#))                       // another name
            steps.append(r.consume(#"{"a":"#))
            steps.append(r.integer() == nil)                          // a string is not an integer
            steps.append(r.string() == "x\"yé Қ")
            steps.append(r.string() == nil)                           // a comma is not a string
            steps.append(r.integer() == nil)                          // nor an integer
            steps.append(r.consume(#","n":"#))
            steps.append(r.integer() == -12)
            steps.append(!r.consume(#","m":[]}}"#))                   // one byte more than there is
            steps.append(!r.isAtEnd)
            steps.append(r.consume(#","m":[]}"#))
            steps.append(r.isAtEnd)
            steps.append(!r.consume("}"))
            steps.append(r.string() == nil)
            steps.append(r.consume(""))
            return steps
        }
        #expect(steps == Array(repeating: true, count: 15), "the steps that failed: \(steps.indices.filter { !steps[$0] })")
    }

    @Test(arguments: [
        ("{}", "{}"),
        (#" { "b" : [1, -2, true, false, null], "a": "x" } "#, #"{"a":"x","b":[1,-2,true,false,null]}"#),
        (#"{"s":"\u00e9\n\t\"\\\/\u0001"}"#, "{\"s\":\"é\\n\\t\\\"\\\\/\\u0001\"}"),
        (#"{"emoji":"\ud83d\ude00"}"#, "{\"emoji\":\"😀\"}"),
        (#"{"z":1,"Z":2,"é":3,"a1":4}"#, #"{"Z":2,"a1":4,"z":1,"é":3}"#),
        ("9007199254740991", "9007199254740991"),
    ])
    func canonicalFormOfValidInput(input: String, canonical: String) throws {
        let value = try JSONParser.parse(input)
        #expect(String(decoding: CanonicalJSON.encode(value), as: UTF8.self) == canonical)
    }

    @Test(arguments: [
        ("", "unexpected end"),
        ("{", "unexpected end"),
        (#"{"a":1,}"#, "member name"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}'"),
        (#"{"a":1,"a":2}"#, "duplicate member \"a\""),
        ("1.5", "fractional"),
        ("1e3", "fractional"),
        ("01", "leading zeros"),
        ("9007199254740992", "out of range"),
        (#""\ud800""#, "lone surrogate"),
        ("\"a\u{1}\"", "control character"),
        (#""\x""#, "invalid escape"),
        ("[1] 2", "after the JSON value"),
        ("nul", "unexpected"),
    ])
    func invalidInputIsRejectedWithReason(input: String, reason: String) {
        #expect {
            _ = try JSONParser.parse(input)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    /// Strings are scanned eight bytes at a time until a quote, a backslash, a control character or a
    /// word with a non-ASCII byte: each of those, at every place in and around the words of a string
    /// started at every alignment, reads as the byte-by-byte rule says.
    @Test func everySpecialByteIsFoundWhereverItFalls() throws {
        // (the bytes put in, what the string then holds; nil: refused)
        let specials: [([UInt8], String?)] = [
            (Array(#"\""#.utf8), "\""), (Array(#"\\"#.utf8), "\\"), (Array(#"\n"#.utf8), "\n"),
            (Array(#"\u00e9"#.utf8), "é"), (Array("é".utf8), "é"), (Array("😀".utf8), "😀"),
            ([0x7F], "\u{7F}"), ([0x1F], nil), ([0x01], nil), ([0xFF], nil), ([0xC3], nil),
        ]
        for lead in 0..<8 {
            for length in 0..<26 {
                for at in 0...length {
                    for (bytes, held) in specials {
                        let before = String(repeating: "a", count: at), after = String(repeating: "b", count: length - at)
                        let input = Array(String(repeating: " ", count: lead).utf8) + Array("\"\(before)".utf8) + bytes + Array("\(after)\"".utf8)
                        if let held {
                            #expect(try JSONParser.parse(input) == .string(before + held + after), "lead \(lead), at \(at) of \(length), \(bytes)")
                        } else {
                            #expect(throws: JSONParser.SyntaxError.self, "lead \(lead), at \(at) of \(length), \(bytes)") { try JSONParser.parse(input) }
                        }
                    }
                }
                // No special byte: the whole run, and a string left unterminated at any length.
                let plain = String(repeating: "x", count: length)
                #expect(try JSONParser.parse(Array(String(repeating: " ", count: lead).utf8) + Array("\"\(plain)\"".utf8)) == .string(plain))
                #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array("\"\(plain)".utf8)) }
            }
        }
    }

    /// The reserved-memory writer writes what the array writers write: integers at every number of
    /// digits and both ends of the range, strings with and without escapes, within the bounds it states.
    @Test func theReservedWriterWritesWhatTheArrayWritersWrite() {
        var integers: [Int64] = [0, -1, .min, .max, .min + 1]
        var p: Int64 = 1
        for _ in 0..<18 { p *= 10; integers += [p - 1, p, -p, -(p - 1)] }
        for v in integers {
            var expected: [UInt8] = [], written: [UInt8] = [7]
            CanonicalJSON.writeInteger(v, into: &expected)
            CanonicalJSON.append(bound: CanonicalJSON.ReservedWriter.integerBound, to: &written) { $0.integer(v) }
            #expect(written == [7] + expected, "\(v)")
        }
        for s in ["", "plain", "Қазақстан 😀", "a\"b\\c\u{01}\n\t", String(repeating: "\u{1F}", count: 40), String(repeating: "long text ", count: 50)] {
            var expected: [UInt8] = [], written: [UInt8] = []
            CanonicalJSON.writeString(s, into: &expected)
            CanonicalJSON.append(bound: CanonicalJSON.ReservedWriter.stringBound(s) + 1, to: &written) { w in w.string(s); w.token(":") }
            #expect(written == expected + [UInt8(ascii: ":")], "\(s)")
        }
    }

    /// The writer scans a string eight bytes at a time for what it must escape: each character that
    /// needs an escape (and some that do not), at every place of strings of every length up to 25, is
    /// written as the rule in docs/FORMAT.md says, and reads back as the same string.
    @Test func everyByteToEscapeIsEscapedWhereverItFalls() throws {
        // (the character, how the canonical form writes it)
        let specials: [(String, String)] = [
            ("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{08}", #"\b"#), ("\u{0C}", #"\f"#), ("\r", #"\r"#),
            ("\t", #"\t"#), ("\u{01}", #"\u0001"#), ("\u{1F}", #"\u001f"#), ("\u{00}", #"\u0000"#),
            ("\u{7F}", "\u{7F}"), ("é", "é"), ("😀", "😀"), ("/", "/"),
        ]
        for length in 0..<26 {
            for at in 0...length {
                for (character, written) in specials {
                    let before = String(repeating: "a", count: at), after = String(repeating: "b", count: length - at)
                    let bytes = CanonicalJSON.encode(.string(before + character + after))
                    #expect(String(decoding: bytes, as: UTF8.self) == "\"" + before + written + after + "\"", "at \(at) of \(length), \(written)")
                    #expect(try JSONParser.parse(bytes) == .string(before + character + after))
                }
            }
            let plain = String(repeating: "x", count: length)
            #expect(CanonicalJSON.encode(.string(plain)) == Array("\"\(plain)\"".utf8))
        }
    }

    @Test func nestingDeeperThan64IsRejected() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSONParser.parse(ok)) != nil)
    }

    /// Random values survive canonical encoding and parsing, and canonical encoding is a fixed point.
    @Test func canonicalEncodingRoundTrips() async {
        let scalar = Gen.int(in: 0...0x10FFFF).map { Unicode.Scalar(UInt32($0)).map(String.init) ?? "?" }
        let strings = scalar.array(of: 0...12).map { $0.joined() }
        await propertyCheck(count: 300, input: strings.array(of: 1...6), Gen.int64(in: -9_007_199_254_740_991...9_007_199_254_740_991)) { texts, number in
            var members: [(String, JSONValue)] = []
            for (i, t) in texts.enumerated() {
                members.append(("k\(i)\(t)", i % 2 == 0 ? .string(t) : .array([.string(t), .integer(number), .bool(i % 3 == 0), .null])))
            }
            let value = JSONValue.object(members)
            let bytes = CanonicalJSON.encode(value)
            let parsed = try? JSONParser.parse(bytes)
            #expect(parsed.map(CanonicalJSON.encode) == bytes)
        }
    }

    /// Members are written bytewise by name whatever order they come in, equal names in the order given,
    /// in small objects (sorted in place) and large ones (over 32 members, sorted by the standard
    /// library), against a reference that sorts (name bytes, position) pairs.
    @Test func membersAreWrittenInBytewiseOrderOfTheirNames() async {
        // Few letters, so that names share prefixes, one is another's prefix, and some repeat.
        let letter = Gen.int(in: 0...5).map { ["a", "b", "B", "é", "~", "\u{1F600}"][$0] }
        let name = letter.array(of: 0...3).map { $0.joined() }
        await propertyCheck(count: 300, input: name.array(of: 0...45)) { names in
            let value = JSONValue.object(names.enumerated().map { ($1, .integer(Int64($0))) })
            let reference = names.enumerated()
                .sorted { a, b in
                    Array(a.element.utf8).lexicographicallyPrecedes(Array(b.element.utf8))
                        || (Array(a.element.utf8) == Array(b.element.utf8) && a.offset < b.offset)
                }
                .map { String(decoding: CanonicalJSON.encode(.string($0.element)), as: UTF8.self) + ":\($0.offset)" }
            #expect(String(decoding: CanonicalJSON.encode(value), as: UTF8.self) == "{" + reference.joined(separator: ",") + "}")
        }
    }

    /// The envelope written field by field is the canonical encoding of the event as a value tree, with
    /// and without the optional members and the stamp, for any text in the free-text fields: half the
    /// characters drawn are ones that must be escaped (or `/`, which must not), and some texts are long
    /// enough that the members after the payload take over a kilobyte.
    @Test func eventEnvelopeIsTheCanonicalEncodingOfItsMembers() async {
        let special = ["\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "/"]
        let scalar = Gen.int(in: -0x10FFFF...0x10FFFF).map { n in
            n < 0 ? special[-n % special.count] : Unicode.Scalar(UInt32(n)).map(String.init) ?? "?"
        }
        let text = scalar.array(of: 0...10).map { $0.joined() }
        await propertyCheck(count: 300, input: text.array(of: 3...3), Gen.int(in: 0...11)) { texts, shape in
            let long = String(repeating: texts[1], count: shape >= 8 ? 150 : 1)
            let event = ProposedEvent(
                id: UUID(), stream: "indicator/IND-07", type: "IndicatorMeasured", schema: 1 + shape, effective: CalendarDate(daysSinceEpoch: 20_908),
                actor: "a" + texts[0], rationale: "r" + long, source: "s" + texts[2],
                correlation: shape & 1 == 0 ? nil : UUID(), causation: shape & 2 == 0 ? nil : UUID(),
                payload: .object([("value", .string("12.5")), ("year", .integer(2027)), ("note", .string(long)),
                                  ("tags", .array([.string(texts[0]), .integer(-3), .bool(shape & 4 == 0), .null,
                                                   .object([("z", .integer(-9_007_199_254_740_991)), ("a", .string(texts[2])), ("", .array([]))])]))]))
            var members: [(String, JSONValue)] = [
                ("actor", .string(event.actor)), ("effective", .string(event.effective.description)), ("id", .string(event.id.canonicalString)),
                ("payload", event.payload), ("rationale", .string(event.rationale)), ("schema", .integer(Int64(event.schema))),
                ("source", .string(event.source)), ("stream", .string(event.stream.rawValue)), ("type", .string(event.type)),
            ]
            if let c = event.causation { members.append(("causation", .string(c.canonicalString))) }
            if let c = event.correlation { members.append(("correlation", .string(c.canonicalString))) }
            #expect(EventCodec.encodeContent(event) == CanonicalJSON.encode(.object(members)))
            let recorded = Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000 + Int64(shape))
            let stamped = members + [("seq", .integer(Int64(9 + shape * 1_000))), ("recorded", .string(recorded.description)), ("version", .integer(3))]
            let bytes = EventCodec.encode(event, sequence: UInt64(9 + shape * 1_000), recorded: recorded, version: 3)
            #expect(bytes == CanonicalJSON.encode(.object(stamped)))
            #expect((try? EventCodec.decodeRecorded(bytes))?.canonicalBytes == bytes)
        }
    }
}

@Suite struct DateAndTimeTests {
    @Test func calendarDatesRoundTripAcrossCenturies() {
        for (text, days) in [("1970-01-01", 0), ("2000-02-29", 11_016), ("2026-01-27", 20_480), ("1969-12-31", -1), ("0001-01-01", -719_162)] {
            let date = CalendarDate(text)
            #expect(date?.daysSinceEpoch == Int64(days), "\(text)")
            #expect(date?.description == text)
        }
        for bad in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20260101", "2026-01-32", "abcd-ef-gh"] {
            #expect(CalendarDate(bad) == nil, "\(bad)")
        }
    }

    @Test func timestampsFormatWithSixDigitsAndParseOffsets() {
        #expect(Timestamp(microsecondsSinceEpoch: 0).description == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp(microsecondsSinceEpoch: 1_769_472_000_123_456).description == "2026-01-27T00:00:00.123456Z")
        #expect(Timestamp("2027-03-01")?.description == "2027-03-01T00:00:00.000000Z")
        #expect(Timestamp("2027-03-01T12:30:00+05:00")?.description == "2027-03-01T07:30:00.000000Z")
        #expect(Timestamp("2027-03-01T12:30:00.5Z")?.description == "2027-03-01T12:30:00.500000Z")
        #expect(Timestamp(canonical: "2027-03-01T12:30:00.5Z") == nil)
        #expect(Timestamp(canonical: "2027-03-01T12:30:00.500000Z") != nil)
        for bad in ["2027-03-01T25:00Z", "2027-03-01T12:00", "2027-03-01T12:00:00.1234567Z", "x"] {
            #expect(Timestamp(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct UUIDTextTests {
    @Test func parsesEitherCaseAndWritesLowerCase() throws {
        for _ in 0..<200 {
            let u = UUID()
            #expect(UUID(text: u.uuidString) == u)
            #expect(UUID(text: u.uuidString.lowercased()) == u)
            #expect(u.canonicalString == u.uuidString.lowercased())
        }
        // Every byte value at every place (the digits are written eight to a word).
        for b in 0...255 {
            let x = UInt8(b), y = UInt8(255 - b), z = UInt8((b * 37) & 0xFF)
            let u = UUID(uuid: (x, y, z, x, y, z, x, y, z, x, y, z, x, y, z, x))
            #expect(u.canonicalString == u.uuidString.lowercased(), "\(b)")
            #expect(UUID(text: u.canonicalString) == u)
        }
        for bad in ["", "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b-d9cb-469f-a165-70867728950e0", "0f8fad5bd9cb-469f-a165-70867728950e-",
                    "0f8fad5b-d9cb-469f-a165-70867728950g", "{0f8fad5b-d9cb-469f-a165-70867728950e}", "0f8fad5b-d9cb-469f-a1657-0867728950e"] {
            #expect(UUID(text: bad) == nil, "\(bad)")
        }
    }

    @Test func duplicateMembersAreFoundInLargeObjectsToo() {
        let many = (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect((try? JSONParser.parse("{" + many + "}")) != nil)
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse("{" + many + ",\"k3\":1}") }
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse("{" + many + ",\"k19\":1}") }
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse("{\"a\":1,\"a\":2}") }
    }
}
