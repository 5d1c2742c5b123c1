import EventLog
import Foundation
@testable import Programme
import PropertyBased
import Testing

/// A stored payload read in place (`JSONObjectBytes`, `DecodedEvent.read(stored:sequence:)`) gives what its
/// value tree gives (`JSONFields`, `ProgrammeEvent.decode`): the same event, or, for anything it does
/// not read in place or that does not decode, the tree's answer word for word.
@Suite struct InPlaceDecodingTests {
    static func stored(_ event: ProposedEvent, sequence: UInt64) -> [UInt8] {
        EventCodec.encode(event, sequence: sequence, recorded: Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000 + Int64(sequence)),
                          version: 1)
    }

    /// The typed payload of stored `bytes` read in place, as a replay reads it, with its effect; nil
    /// when they are left to the tree.
    static func readInPlace(_ bytes: [UInt8]) -> (event: ProgrammeEvent, effect: EntityEffect?)? {
        var read: (event: ProgrammeEvent, effect: EntityEffect?)?
        _ = bytes.withUnsafeBufferPointer { buffer in
            EventCodec.withCanonicalPayload(of: buffer) { header, fields in read = fields.flatMap { ProgrammeEvent.decodeInPlace(header, $0) } }
        }
        return read
    }

    /// The event as the tree reads it, for comparison.
    static func viaTree(_ bytes: [UInt8], sequence: UInt64) throws -> (EventPayload, Result<ProgrammeEvent, FieldError>) {
        let payload = try bytes.withUnsafeBytes { try EventCodec.decodeStoredPayload($0, sequence: sequence) }
        return (payload, Result { () throws(FieldError) in try ProgrammeEvent.decode(type: payload.type, schema: payload.schema, payload: payload.payload) })
    }

    /// Every event of the default ledger, read as a replay reads it, is the event its tree gives, and
    /// its effect, read from the payload in place, is the effect of the tree's event
    /// (`EntityEffect(_:)`) — for every payload type that has one.
    @Test func everyDefaultLedgerEventReadsAsItsTreeReadsIt() throws {
        var inPlace = 0
        var typesWithEffects = Set<String>()
        let events = DefaultLedger.events
        for (i, event) in events.enumerated() {
            let sequence = UInt64(i + 1)
            let bytes = Self.stored(event, sequence: sequence)
            let decoded = try bytes.withUnsafeBytes { try DecodedEvent.read(stored: $0, sequence: sequence) }
            let (tree, typed) = try Self.viaTree(bytes, sequence: sequence)
            #expect(decoded.typed == typed, "\(event.type) #\(sequence)")
            #expect(decoded.sequence == tree.sequence && decoded.stream == tree.stream && decoded.type == tree.type && decoded.effective == tree.effective)
            let treeEffect = (try? typed.get()).flatMap { EntityEffect($0) }
            #expect(decoded.effect == treeEffect, "\(event.type) #\(sequence)")
            if treeEffect != nil { typesWithEffects.insert(event.type) }
            if let read = Self.readInPlace(bytes) {
                inPlace += 1
                #expect(Result.success(read.event) == typed)
                #expect(read.effect == treeEffect, "\(event.type) #\(sequence)")
            }
        }
        // The in-place reading is the one a replay takes for nearly every event, not a path never run.
        #expect(inPlace * 10 >= events.count * 8, "\(inPlace) of \(events.count) read in place")
        var effectTypes = Set<String>()
        for type in ProgrammeEvent.catalogue where !type.definesEntity && type.typeName != EventCorrected.typeName { effectTypes.insert(type.typeName) }
        #expect(effectTypes.count == 11 && typesWithEffects == effectTypes, "\(typesWithEffects.sorted())")
    }

    @Test(arguments: [
        #"{"year":2027,"value":"12.5"}"#, #"{"value":"12.5","year":2027}"#, #"{}"#, #"{"a":true,"b":false,"c":null,"d":-7,"e":"x y"}"#,
        #"{"year":2027,"value":"12.5","extra":1}"#, #"{"year":"2027","value":"12.5"}"#, #"{"year":2027}"#
    ])
    func aFlatObjectReadsInPlaceAsItsTreeReadsIt(text: String) throws {
        let bytes = Array(text.utf8)
        let tree = try JSONFields(try JSONParser.parse(bytes), path: "payload")
        let seen: Bool? = bytes.withUnsafeBufferPointer { buffer in
            JSONObjectBytes.withFields(of: buffer, path: "payload") { f in
                for key in ["year", "value", "extra", "a", "b", "c", "d", "e", "missing"] { #expect(f.value(key) == tree.value(key), "\(key)") }
                #expect(f.firstMember(notIn: ["year", "value"]) == tree.firstMember(notIn: ["year", "value"]))
                #expect(Result { () throws(FieldError) in try IndicatorMeasured(fields: f) } == Result { () throws(FieldError) in try IndicatorMeasured(fields: tree) })
                return true
            }
        }
        #expect(seen == true)
    }

    @Test(arguments: [
        #"{"year":2027,"value":{"x":1}}"#, #"{"year":[2027]}"#, #"{"note":"a\"b"}"#, #"{"note":"é"}"#, #"{"year":2027, "value":"1"}"#,
        #"{"year":2027,"year":2028}"#, #"{"é":1}"#, #"{"year":2027}x"#, #"{"year":0123}"#, #"{"note":"a\#u{1}b"}"#, #"{"year":1e3}"#,
    ])
    func anythingElseIsLeftToTheTree(text: String) {
        let read: Bool? = Array(text.utf8).withUnsafeBufferPointer { JSONObjectBytes.withFields(of: $0, path: "payload") { _ in true } }
        #expect(read == nil)
    }

    @Test func objectsOfMoreMembersThanTheLimitAreLeftToTheTree() {
        let members = (0...JSONObjectBytes.maximumMembers).map { "\"m\($0)\":\($0)" }
        for n in [JSONObjectBytes.maximumMembers, JSONObjectBytes.maximumMembers + 1] {
            let text = "{" + members.prefix(n).joined(separator: ",") + "}"
            let read: Int? = Array(text.utf8).withUnsafeBufferPointer { JSONObjectBytes.withFields(of: $0, path: "") { f in (0..<n).filter { f.has("m\($0)") }.count } }
            #expect(read == (n <= JSONObjectBytes.maximumMembers ? n : nil))
        }
    }

    /// A decision's definition bytes, which a replay takes from its payload read in place
    /// (`EntityState.decisionDefinitionBytes(payload:)`), are those made member by member
    /// (`EntitySnapshot.definitionBytes(of:)`): for every decision of the default ledger, and for
    /// decisions with and without their optional member whose texts are plain, quoted, escaped or not
    /// ASCII (those read through the tree). Each decision is a stream of its own: the decoder keeps
    /// definitions by stream.
    @Test func aDecisionsDefinitionFromItsPayloadIsItsCanonicalJSON() async throws {
        func check(_ event: ProposedEvent, sequence: UInt64) throws -> Bool {
            let bytes = Self.stored(event, sequence: sequence)
            let decoded = try bytes.withUnsafeBytes { try DecodedEvent.read(stored: $0, sequence: sequence, definitions: true) }
            guard case .success(.decisionRecorded(let d)) = decoded.typed else {
                Issue.record("\(event.stream) did not decode as a decision: \(decoded.typed)")
                return false
            }
            let made = EntitySnapshot.definitionBytes(of: .decision(d))
            #expect(decoded.definition == made, "\(String(decoding: made, as: UTF8.self))")
            return Self.readInPlace(bytes) != nil
        }
        var inPlace = 0
        let decisions = DefaultLedger.events.enumerated().filter { $0.element.type == "DecisionRecorded" }
        for (i, event) in decisions where try check(event, sequence: UInt64(i + 1)) { inPlace += 1 }
        // Both ways are taken: in place (plain ASCII texts) and through the tree (any other text).
        #expect(inPlace > 0 && inPlace < decisions.count, "\(inPlace) of \(decisions.count) read in place")
        let texts = EntityStateCanonicalJSONTests.texts
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_023).array(of: 4...4)) { c in
            var members: [(String, JSONValue)] = [
                ("title", .string(texts[c[1] % texts.count])), ("kind", .string(DecisionKind.allCases[c[2] % DecisionKind.allCases.count].rawValue)),
                ("authority", "organisation/GOV"), ("reference", .string(texts[c[3] % texts.count])), ("decidedOn", "2026-03-04"),
                ("authorises", .string(texts[(c[1] + c[3]) % texts.count])),
            ]
            if c[0] % 2 == 1 { members.append(("programme", "programme/P")) }
            let event = ProposedEvent(stream: StreamName(stringLiteral: "decision/D-\(c.map(String.init).joined(separator: "-"))"), type: "DecisionRecorded",
                                      effective: CalendarDate(daysSinceEpoch: 20_000), actor: "a", rationale: "r", source: "s", payload: .object(members))
            do { _ = try check(event, sequence: 1_000) } catch { Issue.record("\(c): \(error)") }
        }
    }

    /// Decimals, dates and references parsed from a member's bytes in place (`plainStringBytes(_:)`) are
    /// what parsing its string gives, and a text either refuses is refused with the string's error: for
    /// edge texts and for texts drawn from the characters these fields are made of.
    @Test func typedFieldsReadFromTheirBytesAsFromTheirStrings() async {
        func compare(_ text: String) {
            let object = "{\"v\":\"" + text + "\"}"
            let bytes = Array(object.utf8)
            guard let parsed = try? JSONParser.parse(bytes), let tree = try? JSONFields(parsed, path: "payload") else {
                Issue.record("\(object) does not parse")
                return
            }
            let inPlace: Bool? = bytes.withUnsafeBufferPointer { buffer in
                JSONObjectBytes.withFields(of: buffer, path: "payload") { f in
                    #expect(f.plainStringBytes("v").map { String(decoding: $0, as: UTF8.self) } == text)
                    #expect(f.plainStringBytes("w") == nil)
                    for (digits, fraction) in [(15, 6), (18, 18), (2, 1)] {
                        #expect(Result { () throws(FieldError) in try f.decimal("v", integerDigits: digits, fractionDigits: fraction) }
                                == Result { () throws(FieldError) in try tree.decimal("v", integerDigits: digits, fractionDigits: fraction) }, "\(text)")
                    }
                    #expect(Result { () throws(FieldError) in try f.optionalDate("v") } == Result { () throws(FieldError) in try tree.optionalDate("v") }, "\(text)")
                    for kind in [EntityKind.decision, .indicator] {
                        #expect(Result { () throws(FieldError) in try f.optionalReference("v", kind) }
                                == Result { () throws(FieldError) in try tree.optionalReference("v", kind) }, "\(text)")
                    }
                    return true
                }
            }
            #expect(inPlace == true, "\(object) was not read in place")
        }
        for text in ["12.5", "-0.5", "0", "007", "1.", ".5", "-", "--1", "1.2.3", "123456789012345", "1234567890123456", "1.123456",
                     "1.1234567", "99.9", "100", "-10.0", "2027-02-28", "2027-02-30", "2027-1-01", "2027-01-01x", "decision/D0",
                     "indicator/I-1", "decision/", "decision", "bad name!", "", " 1"] {
            compare(text)
        }
        // The limits themselves, which both ways apply: digits before the point, and after it.
        let limits: [(String, Int, Int, ExactDecimal?)] = [
            ("123456789012345", 15, 6, ExactDecimal(significand: 123_456_789_012_345, scale: 0)), ("1234567890123456", 15, 6, nil),
            ("1.123456", 15, 6, ExactDecimal(significand: 1_123_456, scale: 6)), ("1.1234567", 15, 6, nil), ("-0.5", 15, 6, ExactDecimal(significand: -5, scale: 1)),
            ("99.9", 2, 1, ExactDecimal(significand: 999, scale: 1)), ("-10.0", 2, 1, ExactDecimal(significand: -100, scale: 1)), ("100", 2, 1, nil),
            ("-100", 2, 1, nil), ("1.", 2, 1, nil),
        ]
        for (text, digits, fraction, expected) in limits {
            let read: ExactDecimal?? = Array("{\"v\":\"\(text)\"}".utf8).withUnsafeBufferPointer { buffer in
                JSONObjectBytes.withFields(of: buffer, path: "") { f in try? f.decimal("v", integerDigits: digits, fractionDigits: fraction) }
            }
            #expect(read == .some(expected), "\(text) with \(digits) and \(fraction) digits")
        }
        let alphabet = Array("0123456789.-/:dD ")
        await propertyCheck(count: 500, input: Gen.int(in: 0...(alphabet.count - 1)).array(of: 0...12)) { picks in
            compare(String(picks.map { alphabet[$0] }))
        }
    }

    /// The first member not among a reader's names (`firstMember(notIn:)` of `MemberNames`, each member's
    /// length and first sixteen bytes compared before its bytes) is the tree's answer: for member names
    /// and lists of names drawn from a few letters, so that they share prefixes and are one another's
    /// prefixes, of lengths around 8 and 16 and beyond, and for every payload reader's own list with
    /// each of its names changed by a byte.
    @Test func theFirstUnknownMemberReadInPlaceIsTheTreesAnswer() async throws {
        func compare(members: [String], allowed: [String]) {
            let distinct = Array(Set(members)).sorted()
            let text = "{" + distinct.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}"
            let bytes = Array(text.utf8)
            guard let tree = try? JSONFields(try JSONParser.parse(bytes), path: "payload") else { Issue.record("\(text)"); return }
            let names = MemberNames(allowed)
            let read: Bool? = bytes.withUnsafeBufferPointer { buffer in
                JSONObjectBytes.withFields(of: buffer, path: "payload") { f in
                    #expect(f.firstMember(notIn: names) == tree.firstMember(notIn: allowed), "\(text) against \(allowed)")
                    #expect(f.firstMember(notIn: allowed) == tree.firstMember(notIn: allowed), "\(text) against \(allowed)")
                    return true
                }
            }
            #expect(read == (distinct.count <= JSONObjectBytes.maximumMembers ? true : nil))
        }
        let piece = Gen.int(in: 0...5).map { ["a", "b", "ab", "abcdefgh", "abcdefghijklmnop", "q"][$0] }
        let name = piece.array(of: 1...4).map { $0.joined() }
        await propertyCheck(count: 500, input: name.array(of: 0...8), name.array(of: 0...8)) { members, others in
            compare(members: members, allowed: others)
            compare(members: members, allowed: members + others)
            compare(members: members, allowed: Array(members.dropFirst()) + others)
        }
        let lists: [[String]] = [
            ["component", "amount", "currency", "fiscalYear", "source", "funder", "decision"], ["amount", "previousAmount", "currency", "decision"],
            ["year", "value", "previousValue", "reason", "decision"], ["component", "name", "unit", "measure", "higherIsBetter", "baseline"],
            ["title", "kind", "authority", "reference", "decidedOn", "authorises", "programme"], ["name", "roles", "iatiIdentifier", "iatiType"], [],
        ]
        for list in lists {
            compare(members: list, allowed: list)
            for (i, n) in list.enumerated() {
                var changed = Array(n.utf8)
                for position in [0, changed.count / 2, changed.count - 1] {
                    var c = changed
                    c[position] = c[position] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
                    var members = list
                    members[i] = String(decoding: c, as: UTF8.self)
                    compare(members: members, allowed: list)
                }
                changed.append(UInt8(ascii: "s"))
                compare(members: list + [String(decoding: changed, as: UTF8.self)], allowed: list)
                compare(members: list, allowed: list.filter { $0 != n })
            }
        }
    }

    /// A choice read from its bytes (each case's name compared with them) is the tree's: every case of
    /// two enumerations, and texts a byte away from them, or that are one's prefix or longer.
    @Test func aChoiceReadFromItsBytesIsTheTreesAnswer() throws {
        func compare<E: RawRepresentable & CaseIterable & Equatable>(_ text: String, _ type: E.Type) throws where E.RawValue == String {
            let bytes = Array("{\"v\":\"\(text)\"}".utf8)
            let tree = try JSONFields(try JSONParser.parse(bytes), path: "payload")
            let read: Bool? = bytes.withUnsafeBufferPointer { buffer in
                JSONObjectBytes.withFields(of: buffer, path: "payload") { f in
                    #expect(Result { () throws(FieldError) in try f.choice("v", type) } == Result { () throws(FieldError) in try tree.choice("v", type) }, "\(text)")
                    return true
                }
            }
            #expect(read == true, "\(text)")
        }
        var texts = ["", "x", "budget ", "Budget", "donorr", "unicef-regular-resource", "state-budget-"]
        for name in DecisionKind.allCases.map(\.rawValue) + FundingSource.allCases.map(\.rawValue) {
            texts += [name, String(name.dropLast()), name + "s", "x" + name.dropFirst()]
        }
        for text in texts {
            try compare(text, DecisionKind.self)
            try compare(text, FundingSource.self)
        }
    }

    /// A header read with the catalogue's type names (`knownType`) is the header read without them: a
    /// known type's name is the catalogue's own string, any other valid name is read from its bytes, and
    /// a name that is not one leaves the event to the general reader either way.
    @Test func typeNamesTheCatalogueKnowsAreItsOwnStrings() throws {
        for type in ["IndicatorMeasured", "DecisionRecorded", "TargetSet", "SomethingNotInTheCatalogue", "Bad-Name", "1Measured"] {
            let event = ProposedEvent(stream: "indicator/IND-01", type: type, effective: CalendarDate(daysSinceEpoch: 20_000),
                                      actor: "a", rationale: "r", source: "s", payload: .object([("year", .integer(2027)), ("value", .string("1"))]))
            let bytes = Self.stored(event, sequence: 3)
            var plain: EventCodec.StoredHeader?, known: EventCodec.StoredHeader?
            bytes.withUnsafeBufferPointer { buffer in
                EventCodec.withCanonicalPayload(of: buffer) { header, _ in plain = header }
                EventCodec.withCanonicalPayload(of: buffer, knownType: ProgrammeEvent.knownTypeName) { header, _ in known = header }
            }
            #expect(known == plain, "\(type)")
            let valid = (try? EventTypeName.validate(type)) != nil
            #expect((known?.type == type) == valid, "\(type)")
            if ProgrammeEvent.payloadType(named: type) != nil {
                #expect(Array(type.utf8).withUnsafeBufferPointer { ProgrammeEvent.knownTypeName($0) } == type)
            }
        }
    }

    /// A stored payload that breaks its type's rules is read through the tree, which names the rule.
    @Test func aPayloadThatDoesNotDecodeGivesTheTreesError() throws {
        for payload: JSONValue in [.object([("year", .integer(2027)), ("value", .string("12,5"))]), .object([("year", .integer(2027)), ("value", .string("1")), ("unit", .string("%"))]),
                                   .object([("value", .string("1"))])] {
            let event = ProposedEvent(stream: "indicator/IND-01", type: "IndicatorMeasured", effective: CalendarDate(daysSinceEpoch: 20_000),
                                      actor: "a", rationale: "r", source: "s", payload: payload)
            let bytes = Self.stored(event, sequence: 9)
            let decoded = try bytes.withUnsafeBytes { try DecodedEvent.read(stored: $0, sequence: 9) }
            let (_, typed) = try Self.viaTree(bytes, sequence: 9)
            guard case .failure(let error) = typed else { Issue.record("\(payload) decoded"); continue }
            #expect(decoded.typed == .failure(error))
        }
    }
}
