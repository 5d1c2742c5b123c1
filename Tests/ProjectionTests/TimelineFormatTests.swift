import EventLog
import Foundation
@testable import Programme
import Projection
import TestSupport
import Testing
@testable import Timeline

/// The emitters, read back by independent parsers (Python's icalendar, csv and xml.etree).
@Suite struct TimelineFormatTests {
    static func demoTimeline() throws -> (TemporaryDirectory, MilestoneTimeline) {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        let timeline = try MilestoneTimeline.build(log: ledger.log, slice: TimeSlice(asOf: "2026-11-22", knownAt: nil), today: .d("2026-11-22"))
        return (dir, timeline)
    }

    func python(_ script: String, input: String) throws -> ProcessResult {
        try run("/usr/bin/env", ["python3", "-c", script], stdin: Array(input.utf8))
    }

    @Test func iCalendarParsesWithAnIndependentParser() throws {
        let (_, timeline) = try Self.demoTimeline()
        let ics = timeline.render(.ics)
        #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.hasSuffix("END:VCALENDAR\r\n"))
        #expect(ics.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 }, "lines fold at 75 octets")
        let r = try python("""
            import sys, icalendar
            cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
            for e in cal.walk('VEVENT'):
                print(str(e['UID']), e.decoded('DTSTART').isoformat(), str(e['STATUS']), str(e['SUMMARY']), sep='|')
            """, input: ics)
        #expect(r.status == 0, "icalendar must be installed (scripts/dev does it): \(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == timeline.rows.count && lines.count == 8)
        #expect(Set(lines.map { $0.split(separator: "|")[0] }).count == 8, "UIDs are unique")
        #expect(lines.contains { $0.hasPrefix("NP-M03.") && $0.contains("|2026-09-01|CONFIRMED|Weekly psychologist hour") })
        #expect(lines.contains { $0.hasPrefix("NP-M06.") && $0.contains("|CANCELLED|") })
        // Stable: the same slice gives the same bytes.
        #expect(try Self.demoTimeline().1.render(.ics) == ics)
    }

    @Test func csvReadsBackWithACSVParserAndNeutralisesFormulas() throws {
        let (_, timeline) = try Self.demoTimeline()
        let csv = timeline.render(.csv)
        let r = try python("""
            import sys, csv, io
            rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))
            print(len(rows)); print(rows[0][0], rows[0][-1]); print('|'.join(rows[1]))
            """, input: csv)
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout.split(separator: "\n").map(String.init)
        #expect(out[0] == "9")
        #expect(out[1] == "milestone reschedules")
        #expect(out[2] == "milestone/CP-M01|Joint events marking UNICEF's 80th anniversary|component/CP-O5-PARTNERSHIP|programme/CP-KAZ-UNICEF-2026-2030|2026-12-11|2026-12-11|scheduled||0|0")
        #expect(CSVField.encode("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        for risky in ["+1", "-1", "@SUM(A1)", "\tx"] { #expect(CSVField.encode(risky).hasPrefix("'") || CSVField.encode(risky).hasPrefix("\"'")) }
        #expect(CSVField.encode("a,b") == "\"a,b\"")
        #expect(CSVField.encode("plain") == "plain")
        // Line breaks, alone or together, are quoted; a cell starting with one is a formula's risk too.
        #expect(CSVField.encode("a\nb") == "\"a\nb\"")
        #expect(CSVField.encode("a\rb") == "\"a\rb\"")
        #expect(CSVField.encode("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVField.encode("\r\nx") == "\"'\r\nx\"")
        #expect(CSVField.encode("\u{301}\"é, ü") == "\"\u{301}\"\"é, ü\"")
        // Appended to bytes already written, as `pledger audit --csv` writes its rows: after them.
        var row = Array("seq,".utf8)
        for (i, cell) in ["=1", "a\"b", "", "Жанар"].enumerated() {
            if i > 0 { row.append(0x2C) }
            CSVField.append(cell, to: &row)
        }
        #expect(String(decoding: row, as: UTF8.self) == "seq,'=1,\"a\"\"b\",,Жанар")
        #expect(CSVField.encode("") == "")
    }

    /// Line breaks in a title, CRLF included (one `Character`), never end a line of the Markdown table,
    /// the Mermaid chart or the calendar.
    @Test func lineBreaksInTextNeverEndALine() {
        for title in ["a\r\nb", "a\nb", "a\rb", "\r\n", "x\r\n\r\ny"] {
            for text in [MilestoneTimeline.markdownCell(title), MilestoneTimeline.mermaidText(title), MilestoneTimeline.icsText(title)] {
                #expect(!text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }, "\(title.debugDescription) → \(text.debugDescription)")
            }
        }
        #expect(MilestoneTimeline.markdownCell("a\r\nb|c_") == "a  b\\|c\\_")
        #expect(MilestoneTimeline.mermaidText("a\r\nb: c") == "a  b  c")
        #expect(MilestoneTimeline.icsText("a\r\nb; c, d\\") == "a\\nb\\; c\\, d\\\\")
    }

    @Test func svgIsWellFormedWithOneRowPerMilestone() throws {
        let (_, timeline) = try Self.demoTimeline()
        let svg = timeline.render(.svg)
        let r = try python("""
            import sys, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.read())
            ns = {'s': 'http://www.w3.org/2000/svg'}
            rows = [g for g in root.iter('{http://www.w3.org/2000/svg}g') if g.get('class') == 'milestone']
            print(len(rows)); print(' '.join(g.get('data-status') for g in rows))
            """, input: svg)
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout.split(separator: "\n").map(String.init)
        #expect(out.first == "8")
        #expect(out.last?.split(separator: " ").map(String.init).sorted() == timeline.rows.map(\.status).sorted())
        let html = timeline.render(.html)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg ") && html.contains("<table>"))
    }

    @Test func escapingKeepsHostileTitlesInert() throws {
        let row = MilestoneTimeline.Row(stream: "milestone/X", title: "<script>alert('x')</script> & =cmd|' /C calc'!A0", component: "component/C",
                                        componentTitle: "C; with, text", programme: "programme/P", originalDate: .d("2026-01-01"),
                                        plannedDate: .d("2026-02-01"), reschedules: [], status: "scheduled", statusDate: nil)
        let t = MilestoneTimeline(slice: ResolvedSlice(asOf: .d("2026-03-01"), sequence: 1), receipt: nil, origin: "pledger/x",
                                  stamp: Timestamp(microsecondsSinceEpoch: 0), rows: [row])
        #expect(!t.render(.svg).contains("<script>") && t.render(.svg).contains("&lt;script&gt;"))
        #expect(!t.render(.html).contains("<script>"))
        #expect(t.render(.md).contains("\\<script\\>"))
        #expect(t.render(.ics).contains("CATEGORIES:C\\; with\\, text"))
        #expect(t.render(.mermaid).contains(":milestone, active, m_X, 2026-02-01, 0d"))
        #expect(!t.render(.mermaid).contains("calc':"), "colons that would end a Mermaid task title are removed")
    }

    @Test func jsonCarriesEveryFieldAndAReceiptWhenAsked() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        let t = try MilestoneTimeline.build(log: ledger.log, slice: TimeSlice(asOf: "2026-11-22", knownAt: nil), withReceipt: true, today: .d("2026-11-22"))
        let json = try JSONParser.parse(Array(t.render(.json).utf8.dropLast()))
        guard case .array(let milestones)? = json["milestones"] else { Issue.record("no milestones"); return }
        let m04 = try #require(milestones.first { $0["milestone"] == JSONValue.string("milestone/NP-M04") })
        #expect(m04["plannedDate"] == JSONValue.string("2027-03-31"))
        #expect(m04["originalDate"] == JSONValue.string("2026-06-30"))
        #expect(m04["slippageDays"] == JSONValue.integer(274))
        guard case .array(let reschedules)? = m04["reschedules"] else { Issue.record("no reschedules"); return }
        #expect(reschedules.count == 1)
        #expect(reschedules.first?["decision"] == JSONValue.string("decision/NP-SCHEDULE-2026-07"))
        #expect(json["receipt"]?["treeSize"] == JSONValue.integer(150))
    }
}
