import EventLog
import Foundation
import TestSupport
import Testing

@Suite struct ProjectionCommandTests {
    func demo() throws -> CLIFixture {
        let f = try CLIFixture()
        #expect(try f.pledger("demo").status == 0)
        return f
    }

    func target(_ f: CLIFixture, _ args: String...) throws -> JSONValue? {
        let r = try f.pledger(["state", "--json"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONParser.parse(Array(r.stdout.utf8.dropLast()))
        guard case .array(let programmes)? = json["programmes"],
              let np = programmes.first(where: { $0["programme"] == JSONValue.string("programme/NP-CHILDREN-KZ-2026-2030") }),
              case .array(let indicators)? = np["indicators"],
              let ind = indicators.first(where: { $0["indicator"] == JSONValue.string("indicator/IND-02") }),
              case .array(let years)? = ind["years"] else { return nil }
        return years.first { $0["year"] == JSONValue.integer(2026) }?["target"]
    }

    @Test func stateAnswersBothTimesFromTheCommandLine() throws {
        let f = try demo()
        // The 2026 support-room target was lowered from 10 to 8, effective 15 June, recorded 18 June 2026.
        #expect(try target(f) == JSONValue.string("8"))
        #expect(try target(f, "--as-of", "2026-06-14") == JSONValue.string("10"))
        #expect(try target(f, "--as-of", "2026-06-16", "--known-at", "2026-06-17") == JSONValue.string("10"))
        #expect(try target(f, "--as-of", "2026-06-16", "--known-at", "2026-06-18") == JSONValue.string("8"))
        let text = try f.pledger("state", "--receipt").stdout
        #expect(text.hasPrefix("State as of "))
        #expect(text.contains("Total KZT: current 1,300,000,000,000.00, withdrawn 0.00, disbursed 43,000,000,000.00, spent 14,250,000,000.00, execution 1.1%"))
        let checkpoint = try f.pledger("checkpoint").stdout.split(separator: "\n")
        let root = try #require(Data(base64Encoded: String(checkpoint[2])))
        #expect(text.hasSuffix("receipt: tree size 150, root \(Hex.encode(Array(root)))\n"))
        let bad = try f.pledger("state", "--as-of", "2026-02-30")
        #expect(bad.status == 1 && bad.stderr == "pledger: error: field '--as-of': expected a date YYYY-MM-DD, got \"2026-02-30\"\n")
    }

    /// A slice known at a past point is folded from the store's effects (and from the log for an entity
    /// with a correction); with `--read-only` no store is read and every entity is folded from the log:
    /// the answers are the same, byte for byte.
    @Test func aPastSliceFromTheStoreEqualsTheLogsFold() throws {
        let f = try demo()
        for (asOf, knownAt) in [("2026-06-16", "2026-06-17"), ("2026-12-31", "2026-06-18"), ("2028-01-01", "100"),
                                ("2026-03-01", "2027-01-01"), ("2030-12-31", "149"), ("2025-12-31", "2026-12-31")] {
            let fromStore = try f.pledger("state", "--json", "--as-of", asOf, "--known-at", knownAt)
            let fromLog = try f.pledger("state", "--json", "--read-only", "--as-of", asOf, "--known-at", knownAt)
            #expect(fromStore.status == 0 && fromLog.status == 0, "\(fromStore.stderr)\(fromLog.stderr)")
            #expect(fromStore.stdout == fromLog.stdout, "as of \(asOf), known at \(knownAt)")
            #expect(fromStore.stdout.contains("\"knownThroughSequence\""))
        }
    }

    /// `pledger audit` writes the trail as it reads it, from the store (caught up first) or, with
    /// `--read-only`, folded from the log: every form the same bytes both ways, the JSON one entry an
    /// event, a correction linked both ways.
    @Test func aStreamedAuditIsTheSameFromTheStoreAndFromTheLog() throws {
        let f = try demo()
        for args in [[], ["--json"], ["--csv"], ["--known-at", "120", "--receipt"], ["--json", "--as-of", "2026-06-30"],
                     ["indicator/IND-02", "--json"], ["--as-of", "1900-01-01"], ["--json", "--as-of", "1900-01-01", "--receipt"]] {
            let fromStore = try f.pledger(["audit"] + args)
            let fromLog = try f.pledger(["audit", "--read-only"] + args)
            #expect(fromStore.status == 0 && fromLog.status == 0, "\(args): \(fromStore.stderr)\(fromLog.stderr)")
            #expect(fromStore.stdout == fromLog.stdout, "\(args)")
        }
        let json = try JSONParser.parse(Array(try f.pledger("audit", "--json").stdout.utf8.dropLast()))
        guard case .array(let entries)? = json["entries"] else { Issue.record("no entries"); return }
        #expect(entries.count == 150)
        #expect(entries.contains { $0["corrects"] != nil } && entries.contains { if case .array(let by)? = $0["correctedBy"] { !by.isEmpty } else { false } })
        #expect(try f.pledger("audit", "--as-of", "1900-01-01").stdout.hasSuffix("(no changes)\n"))
    }

    /// Text fields may hold line breaks, commas and quotes: the audit's CSV keeps each event one row of
    /// twelve cells, read back by Python's `csv`.
    @Test func anAuditCSVKeepsLineBreaksInsideTheirCells() throws {
        let f = try demo()
        let appended = try f.pledger("append", "--stream", "indicator/IND-02", "--type", "IndicatorMeasured", "--effective", "2026-09-01",
                                     "--actor", "A, \"B\"", "--rationale", "first line\nsecond line", "--source", "x\ry\r\nz",
                                     "--payload", "{\"year\":2026,\"value\":\"7\"}")
        #expect(appended.status == 0, "\(appended.stderr)")
        let csv = try f.pledger("audit", "--csv").stdout
        let r = try run("/usr/bin/env", ["python3", "-c", """
            import csv, io, sys
            rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))
            print(len(rows), set(len(r) for r in rows))
            print(repr(rows[-1][5:8]))
            """], stdin: Array(csv.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "152 {12}\n['A, \"B\"', 'first line\\nsecond line', 'x\\ry\\r\\nz']\n")
    }

    @Test func timelineWritesEveryFormatAndRefusesUnknownOnes() throws {
        let f = try demo()
        for format in ["table", "json", "csv", "md", "ics", "mermaid", "svg", "html"] {
            let r = try f.pledger("timeline", "--format", format)
            #expect(r.status == 0 && !r.stdout.isEmpty, "\(format): \(r.stderr)")
        }
        let md = try f.pledger("timeline", "--format", "md", "--status", "scheduled", "--component", "NP-D1-O1").stdout
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("| NP-M") }.count == 2, "NP-M01 and NP-M02 are the scheduled ones of NP-D1-O1")
        let r = try f.pledger("timeline", "--format", "pdf")
        #expect(r.status == 1 && r.stderr.hasPrefix("pledger: error: field '--format': expected one of table, json, csv, md, ics, mermaid, svg, html"))
    }

    @Test func auditShowsWhoWhatWhyAndTheCorrectionLink() throws {
        let f = try demo()
        let text = try f.pledger("audit", "allocation/NP-D3-HEALTH-2026").stdout
        #expect(text.contains("disbursed: KZT 0.00 → KZT 15,000,000,000.00\n    corrected by #142"))
        #expect(text.contains("disbursed: KZT 15,000,000,000.00 → KZT 1,500,000,000.00\n    corrects #128"))
        let csv = try f.pledger("audit", "indicator/IND-02", "--csv").stdout
        #expect(csv.hasPrefix("seq,recorded,effective,stream,type,actor,rationale,source,decision,changes,corrects,corrected_by\r\n"))
        #expect(csv.contains("TargetChanged") && csv.contains("target 2026: 10 → 8"))
        let all = try JSONParser.parse(Array(try f.pledger("audit", "--json").stdout.utf8.dropLast()))
        guard case .array(let entries)? = all["entries"] else { Issue.record("no entries"); return }
        #expect(entries.count == 150)
        let early = try JSONParser.parse(Array(try f.pledger("audit", "--json", "--known-at", "60").stdout.utf8.dropLast()))
        guard case .array(let earlyEntries)? = early["entries"] else { Issue.record("no entries"); return }
        #expect(earlyEntries.count == 60)
    }

    @Test func replayRebuildsEveryProjectionAndNamesUnknownOnes() throws {
        let f = try demo()
        let r = try f.pledger("replay")
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("Rebuilt current-state from event 1 through 150 in "))
        #expect(lines[1].hasPrefix("Rebuilt audit-trail from event 1 through 150 in "))
        #expect(try f.pledger("replay", "audit-trail").stdout.hasPrefix("Rebuilt audit-trail"))
        let bad = try f.pledger("replay", "bogus")
        #expect(bad.status == 1 && bad.stderr.contains("unknown projection \"bogus\" (known: current-state, audit-trail)"))
        let before = try f.pledger("state", "--json", "--as-of", "2027-06-30").stdout
        let trail = try f.pledger("audit", "--json").stdout
        // Other batch and commit sizes rebuild the same projections.
        let small = try f.pledger("replay", "--batch-size", "7", "--events-per-commit", "20")
        #expect(small.status == 0 && small.stdout.contains("through 150"))
        #expect(try f.pledger("state", "--json", "--as-of", "2027-06-30").stdout == before)
        #expect(try f.pledger("audit", "--json").stdout == trail)
        for option in ["--batch-size", "--events-per-commit"] {
            let zero = try f.pledger("replay", option, "0")
            #expect(zero.status != 0 && zero.stderr.contains("\(option) must be at least 1, not 0"))
        }
        // Deleting the projections loses nothing.
        try FileManager.default.removeItem(atPath: f.ledger + "/projections")
        #expect(try f.pledger("state", "--json", "--as-of", "2027-06-30").stdout == before)
    }
}

extension CLIFixture {
    @discardableResult
    func pledger(_ arguments: [String], stdin: String = "") throws -> ProcessResult {
        try run(executable("pledger"), arguments + ["--ledger", ledger], stdin: Array(stdin.utf8))
    }
}

@Suite struct IATICommandTests {
    @Test func exportFormatIATIValidatesAndRefusesBadOptions() throws {
        let f = try CLIFixture()
        #expect(try f.pledger("demo").status == 0)
        let r = try f.pledger("export", "--format", "iati", "--as-of", "2026-11-22", "--programme", "programme/NP-CHILDREN-KZ-2026-2030")
        #expect(r.status == 0, "\(r.stderr)")
        let file = try f.write("np.xml", r.stdout)
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/standards/iati-2.03/iati-activities-schema.xsd").standardized.path
        let lint = try run("/usr/bin/xmllint", ["--noout", "--schema", schema, file])
        #expect(lint.status == 0, "\(lint.stderr)")
        #expect(r.stdout.components(separatedBy: "<iati-activity ").count == 2)
        let bad = try f.pledger("export", "--format", "iati", "--recipient-country", "kaz")
        #expect(bad.status == 1 && bad.stderr.contains("field '--recipient-country'"))
        let mixed = try f.pledger("export", "--as-of", "2026-01-01")
        #expect(mixed.status == 1 && mixed.stderr.contains("go with --format iati"))
        let none = try f.pledger("export", "--format", "iati", "--as-of", "2025-01-01")
        #expect(none.status == 1 && none.stderr == "pledger: error: no programme to export as of 2025-01-01, as known through event 150\n")
    }
}

@Suite struct BenchSmokeTests {
    /// The benchmark runs end to end; its figures are printed, not asserted (speed belongs to the benchmark).
    /// The ledger it kept (`--keep`) holds every event it appended and verifies.
    @Test(.timeLimit(.minutes(10)))
    func benchRunsOnTwentyThousandEvents() throws {
        let dir = try TemporaryDirectory()
        let kept = dir.path + "/kept"
        let r = try run(executable("pledger"), ["bench", "--events", "20000", "--queries", "20", "--single", "200", "--keep", kept])
        #expect(r.status == 0, "\(r.stderr)")
        print("pledger bench --events 20000:", r.stdout)
        let figures = try JSONParser.parse(Array(r.stdout.utf8.dropLast()))
        guard case .array(let runs) = figures, let first = runs.first else { Issue.record("no figures"); return }
        for key in ["appendBatchedEventsPerSecond", "singleCommitsPerSecond", "replayEventsPerSecond", "replayPeakRssAnonKiB",
                    "stateAsOfKnownNowMs", "stateAsOfKnownAtMs", "verifyEventsPerSecond", "inclusionProofMs", "consistencyProofMs",
                    "logBytesOnDisk", "bytesPerEvent"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        #expect(first["events"] == JSONValue.integer(20000))
        // The appends' and the replay's phases are timed only by a build made for it (scripts/phase-times): not this one.
        #expect(first["appendPhasesMicrosecondsPerEvent"] == nil && first["replayPhasesMicrosecondsPerEvent"] == nil)
        // CPU an event: the process's (every thread's) never less than the calling thread's, which is not 0.
        for key in ["appendCpuMicrosecondsPerEvent", "singleCommitCpuMicroseconds", "replayCpuMicrosecondsPerEvent"] {
            guard case .string(let all)? = first[key]?["allThreads"], case .string(let calling)? = first[key]?["callingThread"],
                  let every = Double(all), let one = Double(calling) else { Issue.record("missing or malformed \(key)"); continue }
            #expect(one > 0 && every >= one, "\(key): \(all) all threads, \(calling) calling thread")
        }
        // Each single commit's time: p50 ≤ p99 ≤ the slowest, none 0.
        func commitTimes(_ figures: JSONValue?) -> [Double] {
            ["p50", "p99", "max"].compactMap { key in
                guard case .string(let ms)? = figures?["singleCommitMs"]?[key] else { return nil }
                return Double(ms)
            }
        }
        let times = commitTimes(first)
        #expect(times.count == 3 && times[0] > 0 && times[0] <= times[1] && times[1] <= times[2], "singleCommitMs: \(times)")
        #expect(first["singleCommitMs"]?["commits"] == JSONValue.integer(200), "every single commit timed")
        // Each batch of 1,000 timed too: 20 of them.
        let batches = ["p50", "p99", "max"].compactMap { key -> Double? in
            guard case .string(let ms)? = first["appendBatchMs"]?[key] else { return nil }
            return Double(ms)
        }
        #expect(batches.count == 3 && batches[0] > 0 && batches[0] <= batches[1] && batches[1] <= batches[2], "appendBatchMs: \(batches)")
        #expect(first["appendBatchMs"]?["batches"] == JSONValue.integer(20), "every batch timed")
        let verified = try run(executable("pledger"), ["verify", "--ledger", kept])
        #expect(verified.status == 0 && verified.stdout.hasPrefix("OK: 20200 events;"), "\(verified.stdout)\(verified.stderr)")
        // States known at past points, from the kept store (each entity from its latest snapshot whose
        // events were all known then) and folded from the log (`--read-only`): the same bytes, on a
        // history with back-dated events and thousands of streams, dates before, near and long after
        // what each sequence number knew.
        for (asOf, knownAt) in [("2026-03-01", "15000"), ("2027-06-30", "9000"), ("2028-01-01", "10100"), ("2029-12-31", "2500"),
                                ("2030-12-31", "20199"), ("2026-01-10", "400"), ("2027-02-14", "20200"), ("2028-09-09", "12345")] {
            let fromStore = try run(executable("pledger"), ["state", "--json", "--ledger", kept, "--as-of", asOf, "--known-at", knownAt])
            let fromLog = try run(executable("pledger"), ["state", "--json", "--read-only", "--ledger", kept, "--as-of", asOf, "--known-at", knownAt])
            #expect(fromStore.status == 0 && fromLog.status == 0, "\(fromStore.stderr)\(fromLog.stderr)")
            let same = fromStore.stdout == fromLog.stdout   // a report of 400 indicators: not printed whole when they differ
            #expect(same, "as of \(asOf), known at \(knownAt)")
        }
        // `log --json` reads a page of 4,096 events at a time: across pages, forward and backward, with a
        // type filter, its lines are the export's.
        let exported = try run(executable("pledger"), ["export", "--ledger", kept]).stdout.split(separator: "\n")
        #expect(exported.count == 20200)
        func logLines(_ args: String...) throws -> [Substring] {
            let r = try run(executable("pledger"), ["log", "--json", "--ledger", kept] + args)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.split(separator: "\n")
        }
        #expect(try logLines("--limit", "30000") == exported)
        #expect(try logLines("--limit", "9000", "--from", "4000") == Array(exported[3_999..<12_999]))
        #expect(try logLines("--limit", "8193", "--backward", "--from", "15000") == Array(exported[6_807..<15_000].reversed()))
        let measured = exported.filter { $0.contains("\"type\":\"IndicatorMeasured\"") }
        #expect(measured.count > 4_096, "the filtered read crosses a page")
        #expect(try logLines("--limit", "30000", "--type", "IndicatorMeasured") == measured)
        #expect(try logLines("--limit", "5000", "--type", "IndicatorMeasured", "--backward") == Array(measured.suffix(5_000).reversed()))
        // The table reads the same pages twice, sizing its columns in the first pass: they fit the widest
        // cell of every row, the decisions' streams, numbered as they come, widest in the last pages.
        let header = ["SEQ", "RECORDED", "EFFECTIVE", "STREAM", "VER", "TYPE", "ACTOR"]
        func cells(_ line: Substring) throws -> [String] {
            let e = try JSONParser.parse(String(line))
            func text(_ key: String) -> String {
                switch e[key] {
                case .string(let s)?: s
                case .integer(let n)?: String(n)
                default: "?"
                }
            }
            return [text("seq"), String(text("recorded").prefix(19)) + "Z", text("effective"), text("stream"),
                    text("version"), text("type"), text("actor")]
        }
        func table(_ rows: [[String]]) -> [String] {
            var widths = header.map(\.count)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            return ([header] + rows).map { row in
                row.enumerated().map { i, cell in
                    let pad = String(repeating: " ", count: widths[i] - cell.count)
                    return i == 0 || i == 4 ? pad + cell : i == row.count - 1 ? cell : cell + pad
                }.joined(separator: "  ")
            }
        }
        let rows = try exported.map(cells)
        #expect(rows.last?[3].count != rows.first?[3].count, "the widest stream is not in the first page")
        func logTable(_ args: String...) throws -> [String] {
            let r = try run(executable("pledger"), ["log", "--ledger", kept] + args)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.split(separator: "\n").map(String.init)
        }
        #expect(try logTable("--limit", "30000") == table(rows))
        #expect(try logTable("--limit", "5000", "--type", "IndicatorMeasured", "--backward")
                == table(Array(rows.filter { $0[5] == "IndicatorMeasured" }.suffix(5_000).reversed())))
        let again = try run(executable("pledger"), ["bench", "--events", "1000", "--keep", kept])
        #expect(again.status != 0 && again.stderr.contains("--keep"), "an existing --keep directory is refused: \(again.stderr)")
        // The reads alone, on the kept ledger: its figures, and no history made again.
        let reads = try run(executable("pledger"), ["bench", "--reuse", kept, "--queries", "5", "--pairs", "1"])
        #expect(reads.status == 0, "\(reads.stderr)")
        guard case .array(let readRuns) = try JSONParser.parse(Array(reads.stdout.utf8.dropLast())), let only = readRuns.first else {
            Issue.record("no figures from --reuse"); return
        }
        #expect(only["ledger"] == JSONValue.string(kept) && only["appendBatchedEventsPerSecond"] == nil)
        for key in ["stateAsOfKnownNowMs", "stateAsOfKnownAtMs", "verifyEventsPerSecond", "inclusionProofMs"] {
            #expect(only[key] != nil, "missing \(key) from --reuse")
        }
        #expect(try run(executable("pledger"), ["verify", "--ledger", kept]).stdout.hasPrefix("OK: 20200 events;"))
        // Single commits timed on the kept ledger, after one measurement of each of its 400 indicators:
        // the ledger keeps them all, and verifies.
        let singles = try run(executable("pledger"), ["bench", "--reuse", kept, "--append-singles", "--single", "30", "--queries", "2"])
        #expect(singles.status == 0, "\(singles.stderr)")
        guard case .array(let singleRuns) = try JSONParser.parse(Array(singles.stdout.utf8.dropLast())), let timed = singleRuns.first else {
            Issue.record("no figures from --append-singles"); return
        }
        guard case .integer(let rate)? = timed["singleCommitsPerSecond"] else { Issue.record("no single commits timed"); return }
        #expect(rate > 0 && commitTimes(timed).count == 3 && timed["singleCommitCpuMicroseconds"] != nil)
        #expect(timed["singleCommitMs"]?["commits"] == JSONValue.integer(30))
        let grown = try run(executable("pledger"), ["verify", "--ledger", kept])
        #expect(grown.status == 0 && grown.stdout.hasPrefix("OK: 20630 events;"), "\(grown.stdout)\(grown.stderr)")
        // A ledger that is not a bench's: refused, with what it needs, and nothing appended.
        let other = dir.path + "/other"
        #expect(try run(executable("pledger"), ["init", "--ledger", other]).status == 0)
        #expect(try run(executable("pledger"), ["append", "--ledger", other, "--stream", "organisation/GOV", "--type", "OrganisationDefined",
                                                "--effective", "2026-01-01", "--actor", "a", "--rationale", "r", "--source", "s",
                                                "--payload", #"{"name":"Gov","roles":["funder"]}"#]).status == 0)
        let refused = try run(executable("pledger"), ["bench", "--reuse", other, "--append-singles", "--single", "3"])
        #expect(refused.status != 0 && refused.stderr.contains("field '--append-singles'") && refused.stderr.contains("indicator/I0"), "\(refused.stderr)")
        #expect(try run(executable("pledger"), ["verify", "--ledger", other]).stdout.hasPrefix("OK: 1 events;"))
        let alone = try run(executable("pledger"), ["bench", "--events", "1000", "--append-singles"])
        #expect(alone.status != 0 && alone.stderr.contains("--append-singles"), "\(alone.stderr)")
        let both = try run(executable("pledger"), ["bench", "--reuse", kept, "--events", "1000"])
        #expect(both.status != 0 && both.stderr.contains("--reuse"), "\(both.stderr)")
        let missing = try run(executable("pledger"), ["bench", "--reuse", dir.path + "/none"])
        #expect(missing.status != 0 && missing.stderr.contains("none"), "\(missing.stderr)")
        #expect(try run(executable("pledger"), ["init", "--ledger", dir.path + "/empty"]).status == 0)
        let empty = try run(executable("pledger"), ["bench", "--reuse", dir.path + "/empty"])
        #expect(empty.status != 0 && empty.stderr.contains("holds no events"), "\(empty.stderr)")
        let negative = try run(executable("pledger"), ["bench", "--events", "1000", "--queries=-1"])
        #expect(negative.status != 0 && negative.stderr.contains("--queries must be at least 0"), "\(negative.stderr)")
    }

    /// `--events` takes any N, the smallest histories a prefix of the workload's definitions; what
    /// `--single 0`, `--queries 0` and `--pairs 0` leave unmeasured is null, not a rate or a time of 0;
    /// the kept ledger holds the N events and verifies.
    @Test(.timeLimit(.minutes(10)))
    func anyHistorySizeAndNullForWhatWasNotMeasured() throws {
        let dir = try TemporaryDirectory()
        for n in [1, 7, 999, 1001] {
            let kept = dir.path + "/kept-\(n)"
            let r = try run(executable("pledger"), ["bench", "--events", "\(n)", "--single", "0", "--queries", "0", "--pairs", "0", "--keep", kept])
            #expect(r.status == 0, "\(r.stderr)")
            guard case .array(let sizes) = try JSONParser.parse(Array(r.stdout.utf8.dropLast())), let figures = sizes.first else {
                Issue.record("no figures for \(n): \(r.stdout)"); continue
            }
            #expect(figures["events"] == JSONValue.integer(Int64(n)))
            #expect(figures["appendBatchMs"]?["batches"] == JSONValue.integer(Int64((n + 999) / 1_000)))
            for key in ["appendBatchedEventsPerSecond", "replayEventsPerSecond", "verifyEventsPerSecond"] {
                guard case .integer(let rate)? = figures[key] else { Issue.record("\(key) of \(n): \(String(describing: figures[key]))"); continue }
                #expect(rate > 0, "\(key) of \(n)")
            }
            #expect(figures["singleCommitsPerSecond"] == JSONValue.null)
            #expect(figures["singleCommitCpuMicroseconds"] == ["allThreads": .null, "callingThread": .null])
            // Printed canonically, members in order of their names.
            #expect(figures["singleCommitMs"] == ["commits": 0, "max": .null, "p50": .null, "p99": .null])
            #expect(figures["stateAsOfKnownNowMs"] == ["first": .null, "p50": .null, "p99": .null, "queries": 0])
            #expect(figures["stateReportBuildMs"] == ["p50": .null, "p99": .null])
            #expect(figures["stateAsOfKnownAtMs"] == ["p50": .null, "p99": .null, "queries": 0])
            #expect(figures["inclusionProofMs"]?["p50"] != JSONValue.null)
            #expect(try run(executable("pledger"), ["verify", "--ledger", kept]).stdout.hasPrefix("OK: \(n) events;"))
        }
    }

    /// With `--repeat`, each figure is the median of the runs printed under "runs" (the lower middle one
    /// for an even count), members of an object figure each their own; the memory figures are the run's
    /// whose replay peaked highest.
    @Test(.timeLimit(.minutes(10)))
    func repeatedRunsGiveTheirMedians() throws {
        func number(_ value: JSONValue?) -> Double? {
            switch value {
            case .integer(let i)?: return Double(i)
            case .string(let s)?: return Double(s)
            default: return nil
            }
        }
        for count in [3, 2] {
            let r = try run(executable("pledger"), ["bench", "--events", "1000", "--repeat", "\(count)", "--single", "10", "--queries", "3", "--pairs", "1"])
            #expect(r.status == 0, "\(r.stderr)")
            guard case .array(let sizes) = try JSONParser.parse(Array(r.stdout.utf8.dropLast())), sizes.count == 1,
                  let figures = sizes.first, case .array(let runs)? = figures["runs"] else {
                Issue.record("no figures with runs: \(r.stdout)"); return
            }
            #expect(figures["repeats"] == JSONValue.integer(Int64(count)) && runs.count == count)
            #expect(runs.allSatisfy { $0["events"] == JSONValue.integer(1000) && $0["runs"] == nil })
            let paths: [[String]] = [["appendBatchedEventsPerSecond"], ["singleCommitsPerSecond"], ["replayEventsPerSecond"],
                                     ["verifyEventsPerSecond"], ["logBytesOnDisk"], ["stateAsOfKnownNowMs", "p50"],
                                     ["singleCommitMs", "p50"], ["singleCommitMs", "max"], ["appendCpuMicrosecondsPerEvent", "callingThread"]]
            for path in paths {
                func at(_ value: JSONValue) -> JSONValue? { path.reduce(Optional(value)) { $0?[$1] } }
                let values = runs.compactMap { number(at($0)) }.sorted()
                #expect(values.count == count && number(at(figures)) == values[(count - 1) / 2], "\(path): \(String(describing: at(figures))) of \(values)")
            }
            let peaks = runs.compactMap { number($0["replayPeakRssAnonKiB"]) }
            let highest = runs.first { number($0["replayPeakRssAnonKiB"]) == peaks.max() }
            #expect(figures["replayPeakRssAnonKiB"] == highest?["replayPeakRssAnonKiB"]
                    && figures["rssAnonBeforeReplayKiB"] == highest?["rssAnonBeforeReplayKiB"])
        }
        let none = try run(executable("pledger"), ["bench", "--events", "1000", "--repeat", "0"])
        #expect(none.status != 0 && none.stderr.contains("--repeat must be at least 1"), "\(none.stderr)")
        let zero = try run(executable("pledger"), ["bench", "--events", "100000", "--events", "0", "--repeat", "2"])
        #expect(zero.status != 0 && zero.stderr.contains("field '--events': at least 1, not 0") && zero.stdout.isEmpty, "\(zero.stderr)")
        let reuse = try run(executable("pledger"), ["bench", "--reuse", "/nonexistent", "--repeat", "2"])
        #expect(reuse.status != 0 && reuse.stderr.contains("--repeat"), "\(reuse.stderr)")
    }
}
