@testable import AuditTrail
import EventLog
import Foundation
@testable import Programme
import Projection
import PropertyBased
import TestSupport
import Testing

/// Audit rows are written straight from their fields: the bytes must be those of the canonical JSON of
/// ``AuditRow/json``, for every row a replay writes and for the optional members left out or not; an entry
/// shown is its event's fields with its row.
@Suite struct AuditEntryTests {
    @Test func everyStoredRowIsTheCanonicalJSONOfItsRowAndEntriesJoinTheirEvents() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        let (scenarioDir, scenario) = try Scenario.ledger()
        var checked = 0, corrections = 0, corrected = 0
        for (ledger, path) in [(ledger, dir.path), (scenario, scenarioDir.path)] {
            let store = try ProjectionStore(path: path + "/projections")
            try AuditTrailProjection().rebuild(log: ledger.log, store: store)
            let audit = try store.database("audit")
            let entries = try AuditTrailProjection.entries(store: store, log: ledger.log, entity: nil)
            // One entry per event, in order, each with its event's own fields.
            let events = try ledger.log.read(limit: .max)
            #expect(entries.map(\.sequence) == events.map(\.sequence))
            for (entry, event) in zip(entries, events) {
                #expect(entry.actor == event.actor && entry.rationale == event.rationale && entry.source == event.source
                        && entry.recorded == event.recorded && entry.effective == event.effective && entry.type == event.type
                        && entry.stream == event.stream, "entry \(entry.sequence)")
                let bytes = try #require(try store.environment.read { try AuditTrailProjection.storedRow(entry.sequence, in: $0, audit) })
                let row = try AuditRow(json: try JSONParser.parse(bytes))
                #expect(bytes == CanonicalJSON.encode(row.json), "row \(entry.sequence)")
                #expect(bytes.withUnsafeBufferPointer { AuditRow(canonical: $0) } == row, "row \(entry.sequence) read in one pass")
                #expect(row == AuditRow(decision: entry.decision, changes: entry.changes, corrects: entry.corrects, correctedBy: entry.correctedBy))
                #expect(entry.canonicalBytes == CanonicalJSON.encode(entry.json), "entry \(entry.sequence)")
                if entry.corrects != nil { corrections += 1 }
                if !entry.correctedBy.isEmpty { corrected += 1 }
                checked += 1
            }
            // An entity's entries are its events' (found through the log's stream index), in order.
            let stream = try #require(events.last?.stream)
            #expect(try AuditTrailProjection.entries(store: store, log: ledger.log, entity: stream)
                    == entries.filter { $0.stream == stream })
        }
        #expect(checked == 150 + 19)
        // Each history has a correction: rows with `corrects` and rows with `correctedBy` were both checked.
        #expect(corrections >= 2 && corrected >= 2)
    }

    /// An event whose payload does not decode (appended without the programme's rules) is entered with
    /// no change and no decision, and the entity's state runs on from where it was.
    @Test func anEventWhosePayloadDoesNotDecodeIsEnteredWithNoChange() throws {
        let dir = try TemporaryDirectory()
        let log = try EventLog.create(at: dir.path + "/log")
        func event(_ type: String, _ payload: JSONValue) -> ProposedEvent {
            ProposedEvent(stream: "indicator/IND-1", type: type, schema: 1, effective: CalendarDate(daysSinceEpoch: 20_500),
                          actor: "tester", rationale: "test", source: "test", payload: payload)
        }
        try log.append([
            event("IndicatorDefined", .object([("component", "component/D1"), ("name", "Rooms"), ("unit", "rooms"),
                                               ("measure", "unit"), ("higherIsBetter", .bool(true))])),
            event("IndicatorMeasured", .object([("bogus", .integer(1))])),
            event("IndicatorMeasured", .object([("year", .integer(2026)), ("value", "12")])),
        ])
        var builder = AuditBuilder(log: log) { _ in nil }
        let rows = try log.read(limit: 3).map { try builder.row(for: DecodedEvent($0)) }
        #expect(rows.count == 3)
        #expect(!rows[0].changes.isEmpty)
        #expect(rows[1].changes.isEmpty && rows[1].decision == nil && rows[1].corrects == nil)
        // The measurement after it changes the state the definition left.
        let first = try #require(try log.event(at: 1)), third = try #require(try log.event(at: 3))
        let defined = try #require(EntityState.defined(by: try DecodedEvent(first).stored()))
        let measured = try EntityState.apply(try DecodedEvent(third).stored(), effective: CalendarDate(daysSinceEpoch: 20_500), sequence: 3, to: defined)
        #expect(rows[2].changes == EntityState.changes(from: defined, to: measured))
        #expect(!rows[2].changes.isEmpty)
    }

    /// An entity's trail is the same read from the store, folded from its own stream (no store: as under
    /// `--read-only`) and cut out of the whole ledger's fold, for every entity, in a history with corrections.
    @Test func anEntitysTrailFoldedFromItsStreamEqualsTheStoredOneAndTheWholeFoldsCut() throws {
        let (dir, ledger) = try Scenario.ledger()
        let store = try ProjectionStore(path: dir.path + "/projections")
        try catchUpAll(ledger, store)
        let whole = try AuditTrail.build(log: ledger.log, store: nil, entity: nil, slice: TimeSlice()).entries
        #expect(whole.contains { !$0.correctedBy.isEmpty })
        let streams = try ledger.log.streamNames()
        #expect(streams.count >= 5)
        for stream in streams {
            let folded = try AuditTrail.build(log: ledger.log, store: nil, entity: stream, slice: TimeSlice()).entries
            #expect(!folded.isEmpty)
            #expect(folded == whole.filter { $0.stream == stream }, "\(stream)")
            #expect(try AuditTrail.build(log: ledger.log, store: store, entity: stream, slice: TimeSlice()).entries == folded, "\(stream)")
        }
    }

    /// An entry's block of the text table and its JSON, every part of them: written into bytes after
    /// others (as `pledger audit` writes them), the same text as ``AuditTrail/textBlock(_:)`` and as the
    /// canonical JSON of ``AuditEntry/json``.
    @Test func anEntrysTextBlockAndJSONShowWhoWhenWhyAuthorityChangesAndLinks() throws {
        let proposed = ProposedEvent(
            id: try #require(UUID(text: "0f8fad5b-d9cb-469f-a165-70867728950e")), stream: "allocation/NP-D3", type: "FundingDisbursed",
            schema: 1, effective: try #require(CalendarDate("2027-03-01")), actor: "Министрлік", rationale: "quarterly; \"late\"",
            source: "decree №5", correlation: nil, causation: nil, payload: .object([]))
        let recorded = try #require(Timestamp(canonical: "2027-03-02T10:00:00.123456Z"))
        let event = try EventCodec.decodeRecorded(EventCodec.encode(proposed, sequence: 42, recorded: recorded, version: 3))
        var row = AuditRow(decision: "decision/D-1", changes: [.init(facet: "disbursed", before: nil, after: "KZT 5.00"),
                                                              .init(facet: "status", before: "open", after: nil)], corrects: 7)
        row.correctedBy = [50, 61]
        let entry = AuditEntry(event: event, row: row)
        let expected = """

            #42  recorded 2027-03-02T10:00:00Z  effective 2027-03-01  FundingDisbursed  allocation/NP-D3
                by Министрлік; why: quarterly; "late"; source: decree №5; authority: decision/D-1
                disbursed: — → KZT 5.00
                status: open → —
                corrects #7
                corrected by #50, #61

            """
        #expect(AuditTrail.textBlock(entry) == expected)
        var bytes = Array("…".utf8)
        AuditTrail.appendTextBlock(entry, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "…" + expected)
        // Its JSON, written from its fields after other bytes: the canonical JSON of its value tree.
        var json = Array("[".utf8)
        entry.writeCanonical(into: &json)
        #expect(json == Array("[".utf8) + CanonicalJSON.encode(entry.json))
        // No authority, no changes, no links: the first two lines only.
        let plain = AuditEntry(event: event, row: AuditRow(decision: nil, changes: [], corrects: nil))
        #expect(AuditTrail.textBlock(plain) == """

            #42  recorded 2027-03-02T10:00:00Z  effective 2027-03-01  FundingDisbursed  allocation/NP-D3
                by Министрлік; why: quarterly; "late"; source: decree №5

            """)
    }

    /// `pledger audit` writes a trail as it is read, from pieces: the JSON before the entries, each
    /// entry, the JSON after them; joined with commas they are the canonical JSON of the whole trail,
    /// with and without an entity and a receipt, with no entry, one, or many.
    @Test func theJSONPiecesOfAStreamedTrailJoinToTheWholeTrailsCanonicalJSON() throws {
        let (dir, ledger) = try Scenario.ledger()
        let store = try ProjectionStore(path: dir.path + "/projections")
        try catchUpAll(ledger, store)
        let stream = try #require(try ledger.log.streamNames().first)
        var shapes = 0
        for entity in [nil, stream] {
            for receipt in [false, true] {
                for slice in [TimeSlice(), TimeSlice(knownAt: .sequence(1)), TimeSlice(asOf: .d("2020-01-01"))] {
                    let trail = try AuditTrail.build(log: ledger.log, store: store, entity: entity, slice: slice, withReceipt: receipt)
                    let around = trail.jsonAround
                    let streamed = around.before + trail.entries.map(AuditTrail.jsonEntry).joined(separator: ",") + around.after
                    #expect(Array(streamed.utf8) == CanonicalJSON.encode(trail.json), "\(entity?.rawValue ?? "all"), receipt \(receipt), \(trail.entries.count) entries")
                    if trail.entries.count > 1 { shapes += 1 }
                    if trail.entries.isEmpty { shapes += 100 }
                }
            }
        }
        #expect(shapes % 100 > 0 && shapes >= 100, "trails with many entries and with none were checked")
    }

    /// At every known-at sequence number, the trail folded from the log (which reads only the events
    /// known by then) equals the stored trail cut at that number, for the whole ledger and each entity.
    @Test func aTrailKnownAtASequenceFoldedFromTheLogEqualsTheStoredOneCut() throws {
        let (dir, ledger) = try Scenario.ledger()
        let store = try ProjectionStore(path: dir.path + "/projections")
        try catchUpAll(ledger, store)
        let head = try ledger.log.head().sequence
        let entities: [StreamName?] = [nil] + (try ledger.log.streamNames()).map { $0 }
        var corrected = 0
        for k in 1...head {
            let slice = TimeSlice(knownAt: .sequence(k))
            for entity in entities {
                let folded = try AuditTrail.build(log: ledger.log, store: nil, entity: entity, slice: slice).entries
                #expect(folded == (try AuditTrail.build(log: ledger.log, store: store, entity: entity, slice: slice).entries),
                        "known at \(k), \(entity?.rawValue ?? "every entity")")
                #expect(folded.allSatisfy { $0.sequence <= k })
                if entity == nil { #expect(folded.last?.sequence == k) }
                corrected += folded.filter { !$0.correctedBy.isEmpty }.count
            }
        }
        #expect(corrected > 0)
    }

    /// An entry's changes are, for each label in the order it first appears (before's, then after's new
    /// ones), the label's first value before and after where they differ, whether the labels stay in
    /// place (the usual case, compared pairwise) or not; labels may repeat.
    @Test func changesAreTheLabelsWhoseFirstValuesDiffer() async {
        func facets(_ codes: [Int]) -> [(String, String)] { codes.map { ("l\($0 % 5)", "v\($0 / 5)") } }
        await propertyCheck(count: 300, input: Gen.int(in: 0...19).array(of: 0...7), Gen.int(in: 0...19).array(of: 0...7), Gen.int(in: 0...2)) { a, b, shape in
            let old = facets(a)
            // Shapes: the same labels with values from `b` (or kept where `b` runs out); a list of its own.
            let new = shape < 2 ? old.enumerated().map { i, f in (f.0, i < b.count ? "v\(b[i] / 5)" : f.1) } : facets(b)
            var expected: [AuditEntry.Change] = []
            var seen: Set<String> = []
            for (k, v) in old where seen.insert(k).inserted {
                let after = new.first { $0.0 == k }?.1
                if after != v { expected.append(.init(facet: k, before: v, after: after)) }
            }
            for (k, v) in new where seen.insert(k).inserted { expected.append(.init(facet: k, before: nil, after: v)) }
            #expect(EntityState.changes(from: old, to: new) == expected, "before \(old), after \(new)")
        }
    }

    /// A stored row whose numbers are not sequence numbers (a damaged store) is an error naming the
    /// member, never a trap: `corrects` of -1 was converted to UInt64 unchecked until Round 34.
    @Test func aRowWithoutSequenceNumbersIsAnError() throws {
        for (text, field) in [(#"{"changes":[],"correctedBy":[],"corrects":-1}"#, "corrects"), (#"{"changes":[],"correctedBy":[],"corrects":0}"#, "corrects"),
                              (#"{"changes":[],"correctedBy":[-5]}"#, "correctedBy[0]"), (#"{"changes":[],"correctedBy":[1,0]}"#, "correctedBy[1]")] {
            #expect(throws: FieldError.self, "\(text)") { try AuditRow(json: try JSONParser.parse(text)) }
            do { _ = try AuditRow(json: try JSONParser.parse(text)) } catch let error as FieldError { #expect(error.field == field, "\(text)") }
            // Read as stored: the one pass refuses it too, and the general parser names the member.
            #expect(Array(text.utf8).withUnsafeBufferPointer { AuditRow(canonical: $0) } == nil, "\(text)")
            #expect(throws: FieldError.self, "\(text)") { try Array(text.utf8).withUnsafeBytes { try AuditRow.stored($0) } }
        }
        #expect(try AuditRow(json: try JSONParser.parse(#"{"changes":[],"correctedBy":[4],"corrects":2}"#)) == AuditRow(decision: nil, changes: [], corrects: 2, correctedBy: [4]))
    }

    /// A stored row not in the form the projection writes is read by the general parser: the same row,
    /// or its error; truncated at any byte, an error.
    @Test func aRowNotInCanonicalFormIsReadByTheGeneralParser() throws {
        var row = AuditRow(decision: "decision/D-1", changes: [.init(facet: "status", before: "open", after: nil),
                                                              .init(facet: "target 2026", before: nil, after: "8")], corrects: 4)
        row.correctedBy = [9, 12]
        let canonical = String(decoding: row.canonicalBytes, as: UTF8.self)
        #expect(canonical == #"{"changes":[{"before":"open","facet":"status"},{"after":"8","facet":"target 2026"}],"correctedBy":[9,12],"corrects":4,"decision":"decision/D-1"}"#)
        func stored(_ text: String) throws -> AuditRow { try Array(text.utf8).withUnsafeBytes { try AuditRow.stored($0) } }
        for (from, to) in [(#""changes":["#, #""changes": ["#), (#","corrects":4"#, ""), (#","decision":"decision/D-1""#, ""),
                           (#","corrects":4,"decision":"decision/D-1"}"#, #","decision":"decision/D-1","corrects":4}"#),
                           (#""before":"open","facet":"status""#, #""facet":"status","before":"open""#), (#"[9,12]"#, "[]")] {
            let changed = canonical.replacingOccurrences(of: from, with: to)
            #expect(changed != canonical, "\(from)")
            #expect(try stored(changed) == (try AuditRow(json: try JSONParser.parse(changed))), "\(changed)")
        }
        #expect(try stored(canonical) == row)
        let bytes = Array(canonical.utf8)
        for n in 0..<bytes.count {
            let prefix = String(decoding: bytes[..<n], as: UTF8.self)
            #expect(throws: (any Error).self, "prefix of \(n) bytes") { try stored(prefix) }
        }
    }

    /// A replay writes the row of an event with an effect from its changes' values
    /// (``AuditRow/writeCanonical(decision:changes:into:)``): the same bytes as the row made with their
    /// texts, for none, one or two changes with a value before, after or both, with a decision or none,
    /// in a currency or none.
    @Test func aRowWrittenFromItsChangesValuesIsTheRowOfTheirTexts() async {
        let day = CalendarDate(year: 2027, month: 3, day: 14) ?? CalendarDate(daysSinceEpoch: 0)
        let labels: [FacetLabel] = [.target(year: 2027), .actual(year: 1850), .amount, .disbursed, .spent, .planned, .status]
        let values: [FacetValue] = [.decimal(ExactDecimal(significand: 1250, scale: 2)), .money(ExactDecimal(significand: -130_000_005, scale: 3)),
                                    .date(day), .status(.cancelled(on: day)), .status(.scheduled), .withdrawn(true)]
        await propertyCheck(count: 300, input: Gen.int(in: 0...(labels.count * 49 - 1)).array(of: 0...2), Gen.int(in: 0...3), Gen.int(in: 0...2)) { codes, currency, decision in
            var changes = EffectChanges()
            changes.currency = [nil, Currency.kzt, Currency(code: "JPY"), Currency(code: "KWD")][currency]
            for code in codes {
                // A value before and after, each one of the values or none.
                let before = code / labels.count % 7, after = code / labels.count / 7
                changes.append(EffectChange(facet: labels[code % labels.count], before: before < 6 ? values[before] : nil, after: after < 6 ? values[after] : nil))
            }
            let reference = [nil, EntityReference(stream: "decision/GOV-1"), EntityReference(stream: "decision/KZ-2026/02.a_b@c")][decision]
            var written: [UInt8] = [0x20]   // after a byte of another row
            AuditRow.writeCanonical(decision: reference, changes: changes, into: &written)
            let row = AuditRow(decision: reference?.description, changes: changes.facetChanges, corrects: nil)
            #expect(String(decoding: written.dropFirst(), as: UTF8.self) == String(decoding: row.canonicalBytes, as: UTF8.self))
        }
    }

    @Test func optionalMembersAndEscapesMatchTheValueTree() throws {
        for decision in [nil, "decision/DEC \"A\"\n\\ Қазақстан \u{01}"] as [String?] {
            for corrects in [nil, 3] as [UInt64?] {
                for before in [[], [("target 2026", "10"), ("name", "Rooms\t")]] as [[(String, String)]] {
                    var row = AuditRow(decision: decision, changes: EntityState.changes(from: before, to: [("target 2026", "8"), ("target 2027", "\"20\"")]),
                                       corrects: corrects)
                    for correctedBy in [[], [9, 12]] as [[UInt64]] {
                        row.correctedBy = correctedBy
                        #expect(row.canonicalBytes == CanonicalJSON.encode(row.json))
                        #expect(try AuditRow(json: try JSONParser.parse(row.canonicalBytes)) == row)
                        #expect(row.canonicalBytes.withUnsafeBufferPointer { AuditRow(canonical: $0) } == row)
                    }
                }
            }
        }
    }
}
