import Foundation
import TestSupport
import Testing

/// Every refused input gives one line on standard error naming the line and field, a non-zero exit,
/// and an unchanged ledger.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var secondLine: String
        var status: Int32
        var mustMention: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", secondLine: #"{"id": "x", "stream": }"#, status: 1,
             mustMention: ["line 2:", "invalid JSON at byte 23: unexpected character"]),
        Case(name: "missing required field", secondLine: newLine().replacingOccurrences(of: #""actor":"planner","#, with: ""),
             status: 1, mustMention: ["line 2:", "field 'actor': required field is missing"]),
        Case(name: "wrong field type", secondLine: newLine().replacingOccurrences(of: #""schema":1"#, with: #""schema":"1""#),
             status: 1, mustMention: ["line 2:", "field 'schema': expected an integer, got a string"]),
        Case(name: "unknown field", secondLine: newLine(extra: #","amount":5"#),
             status: 1, mustMention: ["line 2:", "field 'amount': unknown field"]),
        Case(name: "invalid date", secondLine: newLine().replacingOccurrences(of: "2026-04-01", with: "2026-02-30"),
             status: 1, mustMention: ["line 2:", "field 'effective'"]),
        Case(name: "version conflict", secondLine: newLine(stream: "indicator/IND-01", extra: #","expect":0"#),
             status: 3, mustMention: ["line 2:", "stream 'indicator/IND-01'", "expected version 0", "at version 2"]),
        Case(name: "duplicate id with other content",
             secondLine: newLine(stream: "other/stream", id: UUID(uuidString: "00000000-0000-4000-8000-000000000001") ?? UUID()),
             status: 1, mustMention: ["line 2:", "field 'id'", "already in the log at seq 1 with other content"]),
        Case(name: "restored line that does not continue the log", secondLine: stampedLine(seq: 9, version: 3, stream: "indicator/IND-01", type: "IndicatorMeasured"),
             status: 1, mustMention: ["line 2:", "field 'seq'", "expected seq 7, got 9"]),
        Case(name: "wrong payload field type", secondLine: newLine(payload: #"{"year":"2026","value":"3"}"#),
             status: 1, mustMention: ["line 2:", "field 'payload.year': expected an integer, got a string", "rule R01"]),
        Case(name: "inexact money", secondLine: newLine(stream: "allocation/A-1", type: "FundingAllocated", schema: 2,
                                                          payload: #"{"component":"component/C-1","amount":"10.005","currency":"KZT","fiscalYear":2026,"source":"state-budget","funder":"organisation/GOV-KZ","decision":"decision/D-1"}"#),
             status: 1, mustMention: ["line 2:", "field 'payload.amount'", "KZT has 2 minor-unit digits", "rule R05"]),
        Case(name: "reference to nothing", secondLine: newLine(stream: "indicator/IND-01", type: "TargetSet", payload: #"{"year":2026,"value":"3","decision":"decision/NOPE"}"#),
             status: 1, mustMention: ["line 2:", "field 'payload.decision'", "decision/NOPE does not exist", "rule R04"]),
        Case(name: "event on an undefined entity", secondLine: newLine(stream: "indicator/IND-99"),
             status: 1, mustMention: ["line 2:", "field 'stream'", "indicator/IND-99 is not defined yet", "rule R03"]),
    ]

    @Test(arguments: cases)
    func refusedImportChangesNothing(_ c: Case) throws {
        let f = try CLIFixture()
        try f.initWithPrelude()
        let before = try f.export()
        let file = try f.write("bad.jsonl", newLine() + "\n" + c.secondLine + "\n" + newLine(stream: "indicator/IND-02") + "\n")
        let r = try f.pledger("import", file)
        #expect(r.status == c.status, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("pledger: error: "))
        #expect(r.stderr.filter { $0 == "\n" }.count == 1, "one line: \(r.stderr)")
        for text in c.mustMention { #expect(r.stderr.contains(text), "\(r.stderr) should mention \(text)") }
        #expect(try f.export() == before)
    }

    /// A file longer than the runs `import` reads at a time (4,096 events): a refused event, or a bad
    /// line, several runs in is named by its line, and nothing of the runs before it is kept.
    @Test(arguments: [(8_500, "version conflict"), (6_789, "malformed JSON")])
    func aRefusalRunsIntoALongFileChangesNothing(line: Int, kind: String) throws {
        let f = try CLIFixture()
        try f.initWithPrelude()
        let before = try f.export()
        var lines = (1...9_000).map { newLine(stream: $0 % 2 == 0 ? "indicator/IND-01" : "indicator/IND-02") }
        lines[line - 1] = kind == "malformed JSON" ? #"{"id": "x", "stream": }"# : newLine(stream: "indicator/IND-01", extra: #","expect":0"#)
        let file = try f.write("long.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try f.pledger("import", file)
        #expect(r.status == (kind == "malformed JSON" ? 1 : 3), "\(r.stderr)")
        #expect(r.stderr.hasPrefix("pledger: error: line \(line): "), "\(r.stderr)")
        #expect(try f.export() == before)
        // The same file, the bad line mended, appends every line, from standard input too.
        lines[line - 1] = newLine()
        let good = lines.joined(separator: "\n")
        let imported = try f.pledger("import", "--json", "-", stdin: good)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout == #"{"alreadyPresent":0,"appended":9000,"firstSeq":6,"lastSeq":9005}"# + "\n")
        // Again: every event already present, nothing appended.
        let again = try f.pledger("import", f.write("good.jsonl", good))
        #expect(again.stdout == "Imported nothing: 9000 events were already present.\n")
    }

    @Test func missingFileIsNamed() throws {
        let f = try CLIFixture()
        try f.pledger("init")
        let r = try f.pledger("import", f.directory.file("nope.jsonl"))
        #expect(r.status == 1)
        #expect(r.stderr == "pledger: error: cannot read \(f.directory.file("nope.jsonl")): no such file\n")
    }

    @Test func missingLedgerIsNamedWithTheCommandToCreateIt() throws {
        let f = try CLIFixture()
        let r = try f.pledger("log")
        #expect(r.status == 4)
        #expect(r.stderr == "pledger: error: no ledger at \(f.ledger) (create one with `pledger init --ledger \(f.ledger)`)\n")
        #expect(!FileManager.default.fileExists(atPath: f.ledger), "reading must not create a ledger")
    }

    @Test func unwritableDirectoryIsAClearError() throws {
        let f = try CLIFixture()
        // Root ignores permission bits, so use a parent that is a regular file: no directory can be made there.
        let blocker = try f.write("blocker", "not a directory")
        let r = try run(executable("pledger"), ["init", "--ledger", blocker + "/ledger"])
        #expect(r.status == 4)
        #expect(r.stderr.hasPrefix("pledger: error: cannot open the ledger at \(blocker)/ledger: "))
        #expect(r.stderr.filter { $0 == "\n" }.count == 1)
        if geteuid() != 0 {
            let locked = f.directory.file("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o500])
            let r2 = try run(executable("pledger"), ["init", "--ledger", locked + "/ledger"])
            #expect(r2.status == 4)
        }
    }

    @Test func bothJSONAndFlagsIsRefused() throws {
        let f = try CLIFixture()
        try f.pledger("init")
        let r = try f.pledger("append", "--json", newLine(), "--stream", "indicator/IND-01")
        #expect(r.status == 1)
        #expect(r.stderr == "pledger: error: give either --json or the event's fields as flags, not both\n")
        #expect(try f.export().isEmpty)
    }
}
