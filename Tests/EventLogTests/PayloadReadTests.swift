import EventLog
import Foundation
import Testing

/// Reading only what a fold needs (`EventPayload`) gives the same fields as a full decode, and bytes
/// that are not a well-formed event are errors, never crashes.
@Suite struct PayloadReadTests {
    @Test func payloadsEqualTheFullDecodeOfEveryEvent() throws {
        let f = try LogFixture()
        var batch: [ProposedEvent] = []
        for i in 0..<40 {
            var e = event("s/\(i % 7)", i % 3 == 0 ? "TargetSet" : "IndicatorMeasured", value: Int64(i), effective: "2027-0\(1 + i % 9)-1\(i % 10)")
            e.rationale = String(repeating: "why \"\\\u{1}\n é ", count: i % 4) + "end"
            e.causation = i % 2 == 0 ? UUID() : nil
            e.payload = .object([("value", .integer(Int64(i))), ("note", .string("a\"b\\c\u{7f}")),
                                 ("nested", .object([("list", .array([.integer(1), .null, .bool(true), .object([])]))]))])
            batch.append(e)
        }
        try f.log.append(batch)
        let all = Array(UInt64(1)...40)
        let full = try f.log.events(at: all)
        #expect(try f.log.payloads(at: all) == full.map(EventPayload.init))
        // In the order asked, missing ones left out.
        #expect(try f.log.payloads(at: [40, 3, 99, 1]).map(\.sequence) == [40, 3, 1])
    }

    @Test func truncatedOrMalformedBytesAreErrors() throws {
        let f = try LogFixture()
        var e = event("s/1")
        e.rationale = "quote \" backslash \\ done"
        try f.log.append([e])
        let bytes = try #require(try f.log.events(at: [1]).first?.canonicalBytes)
        let whole = try bytes.withUnsafeBytes { try EventCodec.decodePayload($0) }
        #expect(whole.sequence == 1)
        for n in 0..<bytes.count {
            _ = Array(bytes[..<n]).withUnsafeBytes { prefix in
                #expect(throws: (any Error).self, "prefix of \(n) bytes") { try EventCodec.decodePayload(prefix) }
            }
        }
        let malformed = [
            #"{"actor":"a\#u{1}b","effective":"2027-01-01","payload":{},"schema":1,"seq":1,"type":"T"}"#,   // control character in a skipped string
            #"{"actor":["a"}],"effective":"2027-01-01","payload":{},"schema":1,"seq":1,"type":"T"}"#,       // brackets crossed in a skipped value
            #"{"actor":"a","effective":"2027-01-01","payload":{},"schema":1,"seq":1,"seq":2,"type":"T"}"#,  // a kept member twice
            #"{"effective":"2027-01-01","payload":[],"schema":1,"seq":1,"type":"T"}"#,                       // payload not an object
            #"{"effective":"2027-01-01","payload":{},"schema":1,"seq":1,"type":"T"} x"#,                     // data after the object
            "{\"actor\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
                + #","effective":"2027-01-01","payload":{},"schema":1,"seq":1,"type":"T"}"#,                   // nesting deeper than 64
        ]
        for text in malformed {
            _ = Array(text.utf8).withUnsafeBytes { b in
                #expect(throws: (any Error).self, "\(text.prefix(40))") { try EventCodec.decodePayload(b) }
            }
        }
        let wellFormed = #"{"actor":{"x":["a\"]",{"y":null}]},"effective":"2027-01-01","payload":{"v":1},"schema":2,"seq":5,"stream":"s/1","type":"T"}"#
        let read = try Array(wellFormed.utf8).withUnsafeBytes { try EventCodec.decodePayload($0) }
        #expect(read == EventPayload(sequence: 5, stream: StreamName("s/1"), effective: CalendarDate(daysSinceEpoch: 20_819), type: "T", schema: 2,
                                     payload: .object([("v", .integer(1))])))
        // The stream is read, and held to a stream name's rules.
        for stream in [#""stream":"""#, #""stream":"a b""#, #""stream":1"#, ""] {
            let text = wellFormed.replacingOccurrences(of: #""stream":"s/1""#, with: stream).replacingOccurrences(of: ",,", with: ",")
            _ = Array(text.utf8).withUnsafeBytes { b in
                #expect(throws: (any Error).self, "\(stream)") { try EventCodec.decodePayload(b) }
            }
        }
    }
}
