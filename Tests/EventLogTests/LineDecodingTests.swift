import Foundation
@testable import EventLog
import PropertyBased
import Testing

/// The one-pass reading of input lines in canonical member order (`EventCodec.decodeLine` through
/// `canonicalMembers`) against the general reader of lines (`decodeAnyOrder(line:)`): the same event
/// for every line `pledger export` writes, with or without its stamp, and for anything else the
/// general reader's answer, its error word for word.
@Suite struct LineDecodingTests {
    /// Both readers' answers for `bytes`: the same event, or errors that read the same.
    static func expectSameAnswer(_ bytes: [UInt8], _ change: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let general = Result { try EventCodec.decodeAnyOrder(line: bytes) }
        let read = Result { try EventCodec.decodeLine(bytes) }
        switch (general, read) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(change)", sourceLocation: sourceLocation)
        case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)", "\(change)", sourceLocation: sourceLocation)
        default: Issue.record("\(change): the general reader gave \(general), decodeLine \(read)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyExportedLineIsReadInOnePassAsTheGeneralReaderReadsIt() async {
        await propertyCheck(count: 300, input: StoredEventDecodingTests.text.array(of: 4...4), Gen.int(in: 0...999), Gen.int(in: 0...11)) { texts, shape, blank in
            var texts = texts
            if blank < 3 { texts[blank] = String(repeating: " \t", count: shape % 3) }
            let (event, restored) = StoredEventDecodingTests.event(texts, shape: shape)
            let new = EventCodec.encodeContent(event)
            Self.expectSameAnswer(restored, "restored, shape \(shape)")
            Self.expectSameAnswer(new, "new, shape \(shape)")
            guard !texts[0...2].contains(where: { $0.allSatisfy(\.isWhitespace) }) else { return }
            // Not blank: both read in one pass, the restored line with its stamp.
            let one = restored.withUnsafeBufferPointer { EventCodec.canonicalMembers($0) }
            #expect(one?.0 == event)
            #expect(one?.1 != nil)
            #expect(new.withUnsafeBufferPointer { EventCodec.canonicalMembers($0) }.map { $0.1 == nil && $0.0 == event } == true)
            #expect((try? EventCodec.decodeLine(new)) == event)
        }
    }

    /// Lines that are not as `export` writes them, each a small change to a restored line or to the
    /// same line without its stamp (or both).
    @Test(arguments: [
        ("white space after a name", #""schema":"#, #""schema": "#),
        ("white space at the end", #"1}"#, #"1} "#),
        ("white space at the end of a new line", #"d"}"#, #"d"} "#),
        ("a member out of order", #","source":"decree""#, #","source":"decree","actor":"x""#),
        ("an upper-case id", #""id":"0f8fad5b"#, #""id":"0F8FAD5B"#),
        ("an escape in the date", #""effective":"2027-"#, #""effective":"2027\u002d"#),
        ("a null causation", #","effective":"#, #","causation":null,"effective":"#),
        ("an unknown member", #","effective":"#, #","comment":"x","effective":"#),
        ("expect where it sorts", #","id":"#, #","expect":"any","id":"#),
        ("a bad expect where it sorts", #","id":"#, #","expect":"some","id":"#),
        ("schema 0", #""schema":1,"#, #""schema":0,"#),
        ("a bad stream name", #""stream":"indicator/"#, #""stream":"/indicator/"#),
        ("a bad type name", #""type":"Indicator"#, #""type":"9Indicator"#),
        ("a payload that is not an object", #""payload":{"value":"1"}"#, #""payload":["1"]"#),
        ("a payload out of canonical order", #""payload":{"value":"1"}"#, #""payload":{"value":"1","a":2}"#),
        ("a number not canonical", #""payload":{"value":"1"}"#, #""payload":{"value":1.50}"#),
        ("an escape not canonical", #""payload":{"value":"1"}"#, #""payload":{"value":"\u0031"}"#),
        ("a blank actor", #"{"actor":"ministry""#, #"{"actor":" ""#),
        ("an escaped letter in the actor", #"{"actor":"ministry""#, #"{"actor":"m\u0069nistry""#),
        ("a date that does not exist", #""effective":"2027-03-01""#, #""effective":"2027-02-30""#),
        ("a truncated line", #"1}"#, "1"),
        ("a truncated new line", #"d"}"#, #"d""#),
        ("a duplicate member", #","stream":"#, #","type":"IndicatorMeasured","stream":"#),
        ("seq 0", #""seq":7,"#, #""seq":0,"#),
        ("a negative version", #""version":1}"#, #""version":-1}"#),
        ("a time not canonical", #".000000Z""#, #"Z""#),
        ("seq alone", #""recorded":"2027-03-02T10:00:00.000000Z","#, ""),
        ("without version", #","version":1"#, ""),
        ("without seq", #""seq":7,"#, ""),
    ])
    func linesNotAsExportWritesThemAreReadByTheGeneralReader(change: String, find: String, replacement: String) throws {
        let (event, restored) = try StoredEventDecodingTests.changeable()
        let new = String(decoding: EventCodec.encodeContent(event), as: UTF8.self)
        let changed = restored.replacingOccurrences(of: find, with: replacement)
        let changedNew = new.replacingOccurrences(of: find, with: replacement)
        #expect(changed != restored || changedNew != new, "the change \(change) changed nothing")
        Self.expectSameAnswer(Array(changed.utf8), "\(change), restored")
        Self.expectSameAnswer(Array(changedNew.utf8), "\(change), new")
        // Read as a run of an import reads them: a slice of a larger buffer, a CR before its LF.
        let lines = Array("\(new)\n\(changed)\r\n".utf8)
        let general = Result { try EventCodec.decodeAnyOrder(line: lines[(new.utf8.count + 1)..<(lines.count - 2)]) }
        let read = Result { try JSONLines.decode(lines).map(\.event) }
        switch (general, read) {
        case (.success(let a), .success(let b)): #expect(b == [try EventCodec.decodeLine(Array(new.utf8)), a])
        case (.failure(let a), .failure(let b)): #expect("\(b)" == "line 2: \(a)", "\(change)")
        default: Issue.record("\(change): the general reader gave \(general), JSONLines.decode \(read)")
        }
    }
    /// Random changes of a few bytes each (removed, replaced or inserted, from an alphabet of the bytes
    /// JSON and the envelope turn on) to exported lines, restored and new: the two readers never differ.
    @Test func linesChangedAtRandomAreReadAsTheGeneralReaderReadsThem() async {
        let alphabet = Array(#"{}[]",:\ 0123456789-.eE+tfnulsraZT\#u{1}é"#.utf8) + [0x0D, 0x0A, 0x09, 0x80, 0xC3, 0xFF]
        // A change: its kind (n % 3), where (n / 3 % 1,000,000, over the line's length) and which letter.
        let change = Gen.int(in: 0...(3_000_000 * alphabet.count - 1))
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...999), Gen.bool, change.array(of: 1...3)) { shape, stamped, changes in
            let (event, restored) = StoredEventDecodingTests.event(["ministry", "quarterly figure", "decree", "note \(shape)"], shape: shape)
            var bytes = stamped ? restored : EventCodec.encodeContent(event)
            for n in changes {
                let i = n / 3 % 1_000_000 % (bytes.count + 1), letter = n / 3_000_000
                switch n % 3 {
                case 0 where i < bytes.count: bytes.remove(at: i)
                case 1 where i < bytes.count: bytes[i] = alphabet[letter]
                default: bytes.insert(alphabet[letter], at: i)
                }
            }
            Self.expectSameAnswer(bytes, String(decoding: bytes, as: UTF8.self))
        }
    }
}
