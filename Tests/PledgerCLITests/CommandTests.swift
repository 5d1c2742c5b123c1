import EventLog
import Foundation
import TestSupport
import Testing

@Suite struct CommandTests {
    @Test func initCreatesAPrivateLedgerAndIsIdempotent() throws {
        let f = try CLIFixture()
        let first = try f.pledger("init")
        #expect(first.status == 0)
        #expect(first.stdout == "Created an empty ledger at \(f.ledger).\n")
        #expect(try f.pledger("init").stdout == "A ledger already exists at \(f.ledger); nothing changed.\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: f.ledger)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let data = try FileManager.default.attributesOfItem(atPath: f.ledger + "/log/data.mdb")
        #expect((data[.posixPermissions] as? Int) == 0o600)
    }

    @Test func ledgerPathComesFromTheEnvironmentWhenNotGiven() throws {
        let f = try CLIFixture()
        let r = try run(executable("pledger"), ["init"], environment: ["PLEDGER_LEDGER": f.ledger])
        #expect(r.status == 0)
        #expect(FileManager.default.fileExists(atPath: f.ledger + "/log/data.mdb"))
    }

    @Test func importedExportLinesAreShownByLogAsATable() throws {
        let f = try CLIFixture()
        try f.pledger("init")
        let lines = prelude + [
            stampedLine(seq: 6, version: 2, stream: "indicator/IND-01", type: "TargetSet", effective: "2026-02-18",
                        payload: ["year": 2026, "value": "10"]),
        ]
        let imported = try f.pledger("import", "-", stdin: lines.joined(separator: "\n") + "\n")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout == "Imported 6 events (seq 1–6).\n")
        let table = try f.pledger("log")
        #expect(table.stdout == """
            SEQ  RECORDED              EFFECTIVE   STREAM               VER  TYPE                 ACTOR
              1  2026-01-27T00:00:01Z  2026-01-27  organisation/GOV-KZ    1  OrganisationDefined  Ministry of Enlightenment
              2  2026-01-27T00:00:02Z  2026-01-27  programme/P-1          1  ProgrammeDefined     Ministry of Enlightenment
              3  2026-01-27T00:00:03Z  2026-01-27  component/C-1          1  ComponentDefined     Ministry of Enlightenment
              4  2026-01-27T00:00:04Z  2026-01-27  indicator/IND-01       1  IndicatorDefined     Ministry of Enlightenment
              5  2026-01-27T00:00:05Z  2026-02-01  indicator/IND-02       1  IndicatorDefined     Ministry of Enlightenment
              6  2026-01-27T00:00:06Z  2026-02-18  indicator/IND-01       2  TargetSet            Ministry of Enlightenment

            """)
        #expect(try f.pledger("log", "--stream", "indicator/IND-01", "--backward", "--json").stdout == lines[5] + "\n" + lines[3] + "\n")
        #expect(try f.pledger("log", "--type", "IndicatorDefined", "--from", "5", "--json").stdout == lines[4] + "\n")
        #expect(try f.pledger("log", "--from", "5", "--limit", "1", "--json").stdout == lines[4] + "\n")
        #expect(try f.pledger("export").stdout == lines.joined(separator: "\n") + "\n")
        #expect(try f.pledger("export", "--from", "2", "--to", "2").stdout == lines[1] + "\n")
    }

    @Test func appendFromFlagsAndFromJSONThenReimportIsANoOp() throws {
        let f = try CLIFixture()
        try f.initWithPrelude()
        let a = try f.pledger("append", "--stream", "indicator/IND-03", "--type", "IndicatorDefined", "--effective", "2026-01-27",
                              "--actor", "Ministry of Health", "--rationale", "defined by the programme", "--source", "illustrative",
                              "--payload", #"{"component":"component/C-1","name":"Infant mortality","unit":"per 1,000 live births","measure":"unit","higherIsBetter":false}"#,
                              "--expect", "none", "--json-output")
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout.contains(#""seq":6,"stream":"indicator/IND-03","version":1}"#))
        let id = UUID()
        let line = newLine(stream: "indicator/IND-03", type: "TargetSet", id: id, payload: #"{"year":2027,"value":"5.5"}"#, extra: #","expect":1"#)
        let b = try f.pledger("append", "--json", line)
        #expect(b.stdout.hasPrefix("Appended seq 7: indicator/IND-03 v2, recorded "), "\(b.stderr)")
        let again = try f.pledger("append", "--json", "-", stdin: line)
        #expect(again.status == 0)
        #expect(again.stdout == "Already present: event \(id.canonicalString) is seq 7 (indicator/IND-03 v2); nothing appended.\n")
        let exported = try f.export()
        let other = try CLIFixture()
        try other.pledger("init")
        #expect(try other.pledger("import", "-", stdin: exported).stdout == "Imported 7 events (seq 1–7).\n")
        #expect(try other.export() == exported)
        #expect(try other.pledger("import", "-", stdin: exported).stdout == "Imported nothing: 7 events were already present.\n")
        #expect(try other.export() == exported)
    }

    @Test(.timeLimit(.minutes(1)))
    func catchUpReaderFollowsAppendsFromAnotherProcess() async throws {
        let f = try CLIFixture()
        try f.initWithPrelude()
        let log = try EventLog(path: f.ledger + "/log")
        let stream = CatchUpReader(log: log, from: 4).events(pollInterval: .milliseconds(5))
        let writer = Task.detached {
            for value in ["1", "2", "3"] {
                let r = try f.pledger("append", "--json", newLine(payload: #"{"year":2026,"value":"\#(value)"}"#))
                #expect(r.status == 0, "\(r.stderr)")
            }
        }
        var seen: [UInt64] = []
        for try await e in stream {
            seen.append(e.sequence)
            if seen.count == 5 { break }
        }
        try await writer.value
        #expect(seen == [4, 5, 6, 7, 8])
    }
}

@Suite struct StandardLMDBTests {
    /// The ledger is a plain LMDB environment: lmdb-utils read it without pledger.
    @Test func mdbStatAndMdbDumpReadTheLedger() throws {
        let f = try CLIFixture()
        try f.initWithPrelude()
        let stat = try run("/usr/bin/mdb_stat", ["-s", "events", f.ledger + "/log"])
        #expect(stat.status == 0, "mdb_stat (lmdb-utils, installed by scripts/dev) must read the ledger: \(stat.stderr)")
        // Five events, each followed by its hashes (docs/FORMAT.md §6).
        #expect(stat.stdout.contains("Entries: 10"))
        let dump = try run("/usr/bin/mdb_dump", ["-p", "-s", "events", f.ledger + "/log"])
        #expect(dump.status == 0)
        // Printable dump: each key is the big-endian sequence number, each value the canonical line.
        #expect(dump.stdout.contains(#"\00\00\00\00\00\00\00\01"#))
        #expect(dump.stdout.contains(#" \00\00\00\00\00\00\00\01\01"#), "event 1's hashes, under its key and 0x01")
        #expect(dump.stdout.contains(#""stream":"programme/P-1""#))
    }
}
