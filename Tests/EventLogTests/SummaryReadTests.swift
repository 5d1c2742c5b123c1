import EventLog
import Foundation
import LMDB
import Testing

/// Reading what a listing shows (`EventSummary`) or an event's envelope without its payload
/// (`EventEnvelope`) gives the same members as a full decode, through any filter and in either
/// direction; bytes that are not a well-formed event are errors, never crashes.
@Suite struct SummaryReadTests {
    /// A log of 60 events whose actors, rationales, sources and payloads hold what a string may: quotes,
    /// backslashes, control characters, Kazakh, nested payloads, member names of the envelope's.
    func variedLog() throws -> LogFixture {
        let f = try LogFixture()
        var batch: [ProposedEvent] = []
        for i in 0..<60 {
            var e = event("s/\(i % 7)", i % 3 == 0 ? "TargetSet" : "IndicatorMeasured", value: Int64(i),
                          effective: "202\(6 + i % 4)-0\(1 + i % 9)-1\(i % 10)")
            e.actor = i % 2 == 0 ? "Министрлік \"оқу\" \\ \(i)" : "ministry\u{1}\(i)"
            e.rationale = String(repeating: "why \"\\\u{1}\n é ", count: i % 4) + "end"
            e.source = i % 5 == 0 ? "decree ,\"recorded\":\"2020" : "decree"
            e.causation = i % 2 == 0 ? UUID() : nil
            e.correlation = i % 3 == 0 ? UUID() : nil
            e.payload = .object([("value", .integer(Int64(i))), ("recorded", .string("2000-01-01T00:00:00.000000Z")),
                                 ("nested", .object([("list", .array([.integer(1), .null, .bool(true), .object([]), .string("}]\"")]))]))])
            batch.append(e)
        }
        try f.log.append(batch)
        return f
    }

    func summaries(_ log: EventLog, from start: UInt64 = 1, direction: EventLog.Direction = .forward,
                   filter: EventLog.Filter = .init(), limit: Int = .max) throws -> [EventSummary] {
        var out: [EventSummary] = []
        try log.scanSummaries(from: start, direction: direction, filter: filter) { s in
            out.append(s)
            return out.count < limit
        }
        return out
    }

    @Test func summariesEqualTheFullDecodeOfEveryEvent() throws {
        let f = try variedLog()
        let full = try f.log.read(limit: 100)
        #expect(full.count == 60)
        #expect(try summaries(f.log) == full.map(EventSummary.init))
        #expect(try summaries(f.log, from: 40, direction: .backward, limit: 25) == full[15..<40].reversed().map(EventSummary.init))
        let stream = EventLog.Filter(stream: "s/3")
        #expect(try summaries(f.log, filter: stream) == full.filter { $0.stream == "s/3" }.map(EventSummary.init))
        let type = EventLog.Filter(type: "TargetSet")
        #expect(try summaries(f.log, from: 50, direction: .backward, filter: type)
                == full.filter { $0.type == "TargetSet" && $0.sequence <= 50 }.reversed().map(EventSummary.init))
        #expect(try summaries(f.log, from: 61).isEmpty)
    }

    /// What a decode gives: a summary, an envelope, or an error's text.
    enum Read: Equatable {
        case summary(EventSummary)
        case envelope(EventEnvelope)
        case error(String)
    }

    /// How `text` reads through the one-pass decoder (`decode`) and whole (then made into the same kind
    /// by `part`).
    struct Reader: Sendable {
        var decode: @Sendable (UnsafeRawBufferPointer) throws -> Read
        var part: @Sendable (RecordedEvent) -> Read

        func decoded(_ text: String) -> Read {
            Array(text.utf8).withUnsafeBytes { b in
                do { return try decode(b) } catch { return .error("\(error)") }
            }
        }

        func whole(_ text: String) -> Read {
            do { return part(try EventCodec.decodeRecorded(Array(text.utf8))) } catch { return .error("\(error)") }
        }
    }

    static let readers = [
        Reader(decode: { .summary(try EventCodec.decodeSummary($0)) }, part: { .summary(EventSummary($0)) }),
        Reader(decode: { .envelope(try EventCodec.decodeEnvelope($0)) }, part: { .envelope(EventEnvelope($0)) }),
    ]

    /// Bytes that are not canonical are decoded whole: the same summary or envelope, or the full
    /// decoder's error.
    @Test(arguments: [0, 1]) func bytesNotInCanonicalFormAreDecodedWhole(reader index: Int) throws {
        let reader = Self.readers[index]
        let (_, canonical) = try StoredEventDecodingTests.changeable()
        switch reader.decoded(canonical) {
        case .summary(let read):
            #expect(read.sequence == 7 && read.version == 1 && read.actor == "ministry" && read.stream == "indicator/IND-07")
        case .envelope(let read):
            #expect(read.sequence == 7 && read.version == 1 && read.actor == "ministry" && read.rationale == "quarterly figure"
                    && read.source == "decree" && read.causation == nil && read.correlation != nil && read.schema == 1)
        case .error(let error):
            Issue.record("the canonical event is not read: \(error)")
        }
        #expect(reader.decoded(canonical) == reader.whole(canonical))
        var changes = [(#""seq":"#, #""seq": "#), (#","version":1}"#, #","version":1} "#),
                       (#","type":"IndicatorMeasured","version":1}"#, #","version":1,"type":"IndicatorMeasured"}"#),
                       (#""effective":"2027-"#, #""effective":"2027\u002d"#), (#""actor":"ministry""#, #""actor":"minis\u0074ry""#),
                       (#""schema":1,"#, #""schema":0,"#), (#""seq":7,"#, #""seq":0,"#), (#""version":1}"#, #""version":0}"#),
                       (#""id":"0f8fad5b"#, #""id":"0F8FAD5B"#), (#""rationale":"quarterly"#, #""rationale":"quarterly\n"#)]
        // An envelope reads the rationale and source, and holds them to the full decoder's rules.
        if index == 1 { changes += [(#""rationale":"quarterly figure""#, #""rationale":"  ""#), (#""source":"decree""#, #""source":"""#)] }
        for (from, to) in changes {
            let changed = canonical.replacingOccurrences(of: from, with: to)
            #expect(changed != canonical, "\(from)")
            #expect(reader.decoded(changed) == reader.whole(changed), "\(to)")
        }
        // Truncated at every byte: an error each time.
        let bytes = Array(canonical.utf8)
        for n in 0..<bytes.count {
            _ = Array(bytes[..<n]).withUnsafeBytes { prefix in
                #expect(throws: (any Error).self, "prefix of \(n) bytes") { try reader.decode(prefix) }
            }
        }
        // What the one pass passes over must still be well formed, of the right kind.
        for (from, to) in [(#""payload":{"value":"1"}"#, #""payload":["1"]"#), (#""payload":{"value":"1"}"#, #""payload":{"value":"1"]"#),
                           (#""payload":{"value":"1"}"#, #""payload":{"value":"1}"#), (#""rationale":"quarterly figure""#, #""rationale":7"#),
                           (#""source":"decree""#, #""source":null"#), (#""rationale":"quarterly figure""#, "\"rationale\":\"a\u{1}b\""),
                           (#""payload":{"value":"1"}"#, "\"payload\":{\"v\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}")] {
            let changed = canonical.replacingOccurrences(of: from, with: to)
            #expect(changed != canonical, "\(from)")
            guard case .error = reader.decoded(changed) else { Issue.record("read: \(to.prefix(40))"); continue }
        }
    }

    /// Envelopes read by sequence number are those of the full decode, in the order asked, missing ones
    /// left out.
    @Test func envelopesEqualTheFullDecodeOfEveryEvent() throws {
        let f = try variedLog()
        let full = try f.log.read(limit: 100)
        let all = full.map(\.sequence)
        #expect(try f.log.envelopes(at: all) == full.map(EventEnvelope.init))
        #expect(try f.log.envelopes(at: [40, 3, 99, 1]).map(\.sequence) == [40, 3, 1])
    }

    /// A stream's envelopes through a sequence number are those of its events, in sequence order.
    @Test func aStreamsEnvelopesAreThoseOfItsEvents() throws {
        let f = try variedLog()
        for stream in (0..<8).map({ StreamName(stringLiteral: "s/\($0)") }) {
            for last: UInt64 in [0, 1, 20, 59, 60, .max] {
                let envelopes = try f.log.envelopes(in: stream, through: last)
                #expect(envelopes == (try f.log.events(in: stream, through: last)).map(EventEnvelope.init), "\(stream) through \(last)")
                #expect(envelopes.allSatisfy { $0.stream == stream && $0.sequence <= last })
            }
        }
        #expect(try f.log.envelopes(in: "s/3").count == 9)
    }

    /// A stored event that does not read as one is named by its sequence number.
    @Test func aDamagedStoredEventIsNamed() throws {
        let f = try variedLog()
        try f.log.lmdb.write { txn in
            let events = try f.log.lmdb.database("events")
            guard var bytes = try txn.value(in: events, forKey: bigEndianBytes(9)) else { Issue.record("no event 9"); return }
            bytes.removeLast()
            try txn.put(bytes, forKey: bigEndianBytes(9), in: events)
        }
        #expect(try summaries(f.log, limit: 8).count == 8)
        #expect(try f.log.envelopes(at: [8, 10]).map(\.sequence) == [8, 10])
        #expect { try f.log.envelopes(at: [9]) } throws: { error in
            guard case EventLogError.damaged(let sequence, _) = error else { return false }
            return sequence == 9
        }
        #expect { try summaries(f.log) } throws: { error in
            guard case EventLogError.damaged(let sequence, _) = error else { return false }
            return sequence == 9
        }
    }
}
