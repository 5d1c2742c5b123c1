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
        let lines = [
            stampedLine(seq: 1, version: 1, stream: "indicator/IND-01", type: "IndicatorDefined", effective: "2026-01-27"),
            stampedLine(seq: 2, version: 1, stream: "indicator/IND-02", type: "IndicatorDefined", effective: "2026-01-27"),
            stampedLine(seq: 3, version: 2, stream: "indicator/IND-01", type: "TargetSet", effective: "2026-02-01"),
        ]
        let imported = try f.pledger("import", "-", stdin: lines.joined(separator: "\n") + "\n")
        #expect(imported.status == 0)
        #expect(imported.stdout == "Imported 3 events (seq 1–3).\n")
        let table = try f.pledger("log")
        #expect(table.stdout == """
            SEQ  RECORDED              EFFECTIVE   STREAM            VER  TYPE              ACTOR
              1  2026-01-27T00:00:01Z  2026-01-27  indicator/IND-01    1  IndicatorDefined  Ministry of Enlightenment
              2  2026-01-27T00:00:02Z  2026-01-27  indicator/IND-02    1  IndicatorDefined  Ministry of Enlightenment
              3  2026-01-27T00:00:03Z  2026-02-01  indicator/IND-01    2  TargetSet         Ministry of Enlightenment

            """)
        #expect(try f.pledger("log", "--stream", "indicator/IND-01", "--backward", "--json").stdout == lines[2] + "\n" + lines[0] + "\n")
        #expect(try f.pledger("log", "--type", "IndicatorDefined", "--from", "2", "--json").stdout == lines[1] + "\n")
        #expect(try f.pledger("export").stdout == lines.joined(separator: "\n") + "\n")
        #expect(try f.pledger("export", "--from", "2", "--to", "2").stdout == lines[1] + "\n")
    }

    @Test func appendFromFlagsAndFromJSONThenReimportIsANoOp() throws {
        let f = try CLIFixture()
        try f.pledger("init")
        let a = try f.pledger("append", "--stream", "indicator/IND-03", "--type", "IndicatorDefined", "--effective", "2026-01-27",
                              "--actor", "Ministry of Health", "--rationale", "defined by the programme", "--source", "illustrative",
                              "--payload", #"{"unit":"per 1,000 live births"}"#, "--expect", "none", "--json-output")
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout.contains(#""seq":1,"stream":"indicator/IND-03","version":1}"#))
        let id = UUID()
        let line = newLine(stream: "indicator/IND-03", type: "TargetSet", id: id, extra: #","expect":1"#)
        let b = try f.pledger("append", "--json", line)
        #expect(b.stdout.hasPrefix("Appended seq 2: indicator/IND-03 v2, recorded "))
        let again = try f.pledger("append", "--json", "-", stdin: line)
        #expect(again.status == 0)
        #expect(again.stdout == "Already present: event \(id.canonicalString) is seq 2 (indicator/IND-03 v2); nothing appended.\n")
        let exported = try f.export()
        let other = try CLIFixture()
        try other.pledger("init")
        #expect(try other.pledger("import", "-", stdin: exported).stdout == "Imported 2 events (seq 1–2).\n")
        #expect(try other.export() == exported)
        #expect(try other.pledger("import", "-", stdin: exported).stdout == "Imported nothing: 2 events were already present.\n")
        #expect(try other.export() == exported)
    }

    @Test func catchUpReaderFollowsAppendsFromAnotherProcess() async throws {
        let f = try CLIFixture()
        try f.pledger("init")
        try f.pledger("append", "--json", newLine(stream: "a/1"))
        let log = try EventLog(path: f.ledger + "/log")
        let stream = CatchUpReader(log: log, from: 1).events(pollInterval: .milliseconds(5))
        let writer = Task.detached {
            for i in 2...4 { _ = try f.pledger("append", "--json", newLine(stream: "a/\(i)")) }
        }
        var streams: [String] = []
        for try await e in stream {
            streams.append(e.stream.rawValue)
            if streams.count == 4 { break }
        }
        try await writer.value
        #expect(streams == ["a/1", "a/2", "a/3", "a/4"])
    }
}

@Suite struct StandardLMDBTests {
    /// The ledger is a plain LMDB environment: lmdb-utils read it without pledger.
    @Test func mdbStatAndMdbDumpReadTheLedger() throws {
        let f = try CLIFixture()
        try f.pledger("init")
        try f.pledger("import", "-", stdin: (1...3).map { stampedLine(seq: UInt64($0), version: UInt64($0), stream: "a/1") }.joined(separator: "\n"))
        let stat = try run("/usr/bin/mdb_stat", ["-s", "events", f.ledger + "/log"])
        #expect(stat.status == 0, "mdb_stat (lmdb-utils, installed by scripts/dev) must read the ledger: \(stat.stderr)")
        #expect(stat.stdout.contains("Entries: 3"))
        let dump = try run("/usr/bin/mdb_dump", ["-p", "-s", "events", f.ledger + "/log"])
        #expect(dump.status == 0)
        // Printable dump: each key is the big-endian sequence number, each value the canonical line.
        #expect(dump.stdout.contains(#"\00\00\00\00\00\00\00\01"#))
        #expect(dump.stdout.contains(#""stream":"a/1""#))
    }
}
