import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

@Suite struct AppendTests {
    @Test func sequenceNumbersAndStreamVersionsCountWithoutGaps() throws {
        let f = try LogFixture()
        let a: StreamName = "indicator/IND-01", b: StreamName = "indicator/IND-02"
        let p1 = try f.log.append([event(a), event(b), event(a)])
        let p2 = try f.log.append(event(a))
        #expect(p1.map(\.sequence) == [1, 2, 3])
        #expect(p1.map(\.version) == [1, 1, 2])
        #expect(p2.sequence == 4 && p2.version == 3)
        #expect(try f.log.version(of: a) == 3)
        #expect(try f.log.version(of: "indicator/IND-0") == 0, "a prefix of a stream name is another stream")
        let recorded = try f.log.read(limit: 10).map(\.recorded)
        #expect(zip(recorded, recorded.dropFirst()).allSatisfy { $0 < $1 }, "recorded times strictly increase")
        #expect(try f.log.head().sequence == 4)
    }

    @Test func recordedTimeStaysIncreasingWhenTheClockGoesBack() throws {
        let dir = try TemporaryDirectory()
        let log = try openLog(dir.path + "/log", clock: { Timestamp(microsecondsSinceEpoch: 1_000) })
        try log.append([event("a/1"), event("a/1")])
        try log.append(event("a/1"))
        #expect(try log.read(limit: 3).map(\.recorded.microsecondsSinceEpoch) == [1_000, 1_001, 1_002])
        // The head's time is read from the last event: its own `recorded`, not a payload member of that
        // name or a text holding one; a new process stamps after it.
        var tricky = event("a/2")
        tricky.payload = .object([("a", .integer(0)), ("recorded", .string("2099-01-01T00:00:00.000000Z")), ("value", .integer(1))])
        tricky.rationale = #"said ,"recorded":"2098-01-01T00:00:00.000000Z" here"#
        tricky.source = #","recorded":"2097-01-01T00:00:00.000000Z""#
        try log.append(tricky)
        #expect(try log.head() == LogHead(sequence: 4, recorded: Timestamp(microsecondsSinceEpoch: 1_003)))
        let reopened = try openLog(dir.path + "/log", clock: { Timestamp(microsecondsSinceEpoch: 1_000) })
        try reopened.append(event("a/1"))
        #expect(try reopened.head() == LogHead(sequence: 5, recorded: Timestamp(microsecondsSinceEpoch: 1_004)))
    }

    @Test func expectedVersionConflictNamesStreamExpectedAndActualAndWritesNothing() throws {
        let f = try LogFixture()
        let s: StreamName = "milestone/M-1"
        try f.log.append(event(s, expected: .noStream))
        try f.log.append(event(s, expected: .exactly(1)))
        let before = try exportLines(f.log)
        #expect {
            try f.log.append([event("other/x"), event(s, expected: .exactly(1))])
        } throws: { error in
            guard let e = error as? AppendError, e.index == 1,
                  case EventLogError.conflict(let stream, let expected, let actual)? = e.underlying as? EventLogError else { return false }
            return stream == s && expected == .exactly(1) && actual == 2
                && "\(e)".contains("expected version 1, but the stream is at version 2")
        }
        #expect(throws: EventLogError.self) { try f.log.append(event(s, expected: .noStream)) }
        #expect(try exportLines(f.log) == before)
    }

    @Test func expectationsInsideOneBatchSeeEarlierEventsOfTheBatch() throws {
        let f = try LogFixture()
        let s: StreamName = "decision/D-1"
        let p = try f.log.append([event(s, expected: .noStream), event(s, expected: .exactly(1)), event(s, expected: .exactly(2))])
        #expect(p.map(\.version) == [1, 2, 3])
    }

    @Test func reappendingTheSameEventIsANoOpReportingTheOriginalPosition() throws {
        let f = try LogFixture()
        let e = event("indicator/IND-05", expected: .noStream)
        let first = try f.log.append(e)
        try f.log.append(event("indicator/IND-05"))
        // A retry of the same event, even with its now-stale expectation, reports where it landed.
        let retry = try f.log.append(e)
        #expect(retry.alreadyPresent)
        #expect(retry.sequence == first.sequence && retry.version == first.version && retry.recorded == first.recorded)
        #expect(try f.log.head().sequence == 2)
    }

    @Test func sameIdWithOtherContentIsRefused() throws {
        let f = try LogFixture()
        let id = UUID()
        try f.log.append(event("indicator/IND-05", id: id, value: 1))
        #expect {
            try f.log.append(event("indicator/IND-05", id: id, value: 2))
        } throws: { error in
            "\(error)".contains("field 'id'") && "\(error)".contains("already in the log at seq 1 with other content")
        }
        #expect {
            try f.log.append([event("a/b"), event("a/b", id: id, value: 2)])
        } throws: { error in (error as? AppendError)?.index == 1 }
        #expect(try f.log.head().sequence == 1)
    }

    @Test func aFailingRuleRollsBackTheWholeBatch() throws {
        struct NoNegatives: AppendRules {
            struct Negative: Error {}
            func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws {
                if case .integer(let v)? = event.payload["value"], v < 0 { throw Negative() }
            }
        }
        let f = try LogFixture()
        try f.log.append(event("x/1"))
        #expect {
            try f.log.append([event("x/1"), event("x/2"), event("x/3", value: -1), event("x/4")], rules: NoNegatives())
        } throws: { ($0 as? AppendError)?.index == 2 }
        #expect(try f.log.head().sequence == 1)
        #expect(try f.log.version(of: "x/2") == 0)
        #expect(try f.log.read(filter: .init(type: "IndicatorMeasured"), limit: 10).count == 1)
    }

    @Test func rulesSeeTheLedgerIncludingEarlierEventsOfTheBatch() throws {
        struct MustExist: AppendRules {
            struct Missing: Error {}
            func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws {
                if event.type == "TargetSet", try !ledger.exists("indicator/IND-01") { throw Missing() }
                if event.type == "Correction", case .string(let id)? = event.payload["corrects"],
                   let uuid = UUID(uuidString: id), try ledger.event(id: uuid) == nil { throw Missing() }
            }
        }
        let f = try LogFixture()
        #expect(throws: AppendError.self) { try f.log.append([event("target/T-1", "TargetSet")], rules: MustExist()) }
        let defined = event("indicator/IND-01", "IndicatorDefined")
        var correction = event("correction/C-1", "Correction")
        correction.payload = .object([("corrects", .string(defined.id.canonicalString))])
        try f.log.append([defined, event("target/T-1", "TargetSet"), correction], rules: MustExist())
        #expect(try f.log.head().sequence == 3)
    }

    @Test func storedLeafHashesMatchTheCanonicalBytes() throws {
        let f = try LogFixture()
        try f.log.append((0..<20).map { event("s/\($0 % 3)", value: Int64($0)) })
        var checked = 0
        try f.log.scanWithLeafHashes { _, bytes, leaf in
            #expect(Array(leaf) == LeafHash.of(bytes))
            checked += 1
            return true
        }
        #expect(checked == 20)
        // Known answer: SHA-256(0x00) for an empty leaf, from RFC 6962's test vectors.
        #expect(LeafHash.hex(LeafHash.of([UInt8]())) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }

    @Test func restoredEventsMustContinueTheLog() throws {
        let source = try LogFixture()
        try source.log.append([event("s/1"), event("s/2"), event("s/1")])
        let lines = try exportLines(source.log)
        let target = try LogFixture()
        // Skipping line 1 does not continue an empty log.
        #expect {
            try target.log.append([try EventCodec.decodeLine(lines[1])])
        } throws: { "\($0)".contains("expected seq 1, got 2") }
        try target.log.append(try lines.map { try EventCodec.decodeLine($0) })
        #expect(try exportLines(target.log) == lines)
        // A line that is not byte-for-byte canonical is refused.
        let spaced = Array(String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
        #expect { _ = try EventCodec.decodeLine(spaced) } throws: { "\($0)".contains("canonical form") }
    }

    @Test func oversizedEventIsRefused() throws {
        let f = try LogFixture()
        var e = event("big/1")
        e.payload = .object([("blob", .string(String(repeating: "a", count: EventCodec.maximumEventSize)))])
        #expect { try f.log.append(e) } throws: { "\($0)".contains("limit is") }
    }

    @Test func largeBatchesCommitAndGrowTheMap() throws {
        // 20,000 events of ~600 bytes in one transaction, starting from a 1 MiB map.
        let f = try LogFixture(mapSize: 1 << 20)
        let batch = (0..<20_000).map { i in
            var e = event(StreamName(stringLiteral: "indicator/IND-\(i % 500)"), value: Int64(i))
            e.payload = .object([("value", .integer(Int64(i))), ("note", .string(String(repeating: "n", count: 450)))])
            return e
        }
        let positions = try f.log.append(batch)
        #expect(positions.last?.sequence == 20_000)
        #expect(f.log.lmdb.info().mapSize > 1 << 20)
        #expect(try f.log.statistics().events == 20_000)
    }
}

@Suite struct BlankFieldTests {
    /// `actor`, `rationale` and `source` must not be blank, as `Character.isWhitespace` has it: every
    /// text of up to three pieces from ASCII and Unicode white space, control characters that are not
    /// white space, letters and a CR LF pair, in each of the three fields.
    @Test func blankIsWhatCharacterWhitespaceSays() {
        let pieces = [" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\r\n", "\u{1C}", "\u{1F}", "\u{00}", "a", "é",
                      "\u{85}", "\u{A0}", "\u{2003}", "\u{2028}", "\u{3000}", "\u{200B}"]
        var texts = [""]
        for _ in 0..<3 { texts += texts.flatMap { t in pieces.map { t + $0 } }.filter { t in !texts.contains(t) } }
        for text in Set(texts) {
            let blank = text.allSatisfy(\.isWhitespace)
            for field in ["actor", "rationale", "source"] {
                var e = event("indicator/IND-01")
                switch field {
                case "actor": e.actor = text
                case "rationale": e.rationale = text
                default: e.source = text
                }
                let refused: Bool
                do { try e.validateEnvelope(); refused = false } catch { refused = error.field == field && error.message == "must not be empty" }
                #expect(refused == blank, "\(field) \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
            // A payload's text fields (`JSONFields.text`) follow the same rule.
            let fields = try? JSONFields(.object([("title", .string(text))]), path: "payload")
            let taken = (try? fields?.text("title")) ?? nil
            #expect((taken == nil) == blank && (taken == nil || taken == text), "title \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
