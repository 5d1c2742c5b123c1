import EventLog
import Foundation
import Programme
import TestSupport
import Testing

/// Short versions of the reliability runs; docs/RELIABILITY.md has the long ones.
@Suite struct ReliabilityTests {
    @Test(.timeLimit(.minutes(5)))
    func crashCyclesAcrossImportsSingleAppendsAndReplays() throws {
        let dir = try TemporaryDirectory()
        let r = try run(executable("pledger-stress"), ["crash-cycles", dir.file("ledger"), "--cycles", "30", "--seed", "7"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let summary = try JSONParser.parse(Array(r.stdout.utf8.dropLast()))
        guard case .object(let killed)? = summary["killedWhileWorking"] else { Issue.record("no summary: \(r.stdout)"); return }
        let kills = killed.reduce(Int64(0)) { if case .integer(let n) = $1.1 { $0 + n } else { $0 } }
        #expect(kills >= 15, "most kills should land while the victim works: \(r.stdout)")
        #expect(try run(executable("pledger"), ["verify", "--ledger", dir.file("ledger")]).status == 0)
    }

    /// A writer trusts the head and the waiting index entries its last append left only while nothing
    /// else has been committed since: another process's append between two of its own is seen, and its
    /// next append goes after it, at the stream version it left.
    @Test func anotherProcesssAppendBetweenTwoOfThisProcesssIsSeen() throws {
        let f = try CLIFixture()
        try f.initWithPrelude()
        let ledger = try Ledger(path: f.ledger)
        func measured(expecting version: Int) throws -> ProposedEvent {
            try EventCodec.decodeLine(Array(newLine(extra: #","expect":\#(version)"#).utf8))
        }
        let own = try ledger.append(measured(expecting: 1))
        #expect(own.sequence == 6 && own.version == 2)
        let other = try f.pledger("append", "--json", newLine(extra: #","expect":2"#))
        #expect(other.status == 0 && other.stdout.hasPrefix("Appended seq 7: indicator/IND-01 v3,"), "\(other.stdout)\(other.stderr)")
        let next = try ledger.append(measured(expecting: 3))
        #expect(next.sequence == 8 && next.version == 4)
        // Nothing between this one and the one before: the kept head and entries serve.
        let last = try ledger.append(measured(expecting: 4))
        #expect(last.sequence == 9 && last.version == 5)
        #expect(try ledger.log.verify().size == 9)
        #expect(try ledger.log.events(in: "indicator/IND-01").map(\.sequence) == [4, 6, 7, 8, 9])
    }

    /// An append that writes nothing (its event is already there) commits no LMDB transaction id, so a
    /// writer must not take the id after it as proof that nothing was committed since: another process's
    /// one commit in between has that id. Until Round 34 the writer then trusted its kept head and
    /// appended over the other's event (`MDB_KEYEXIST` on `events`: a rare failure of the four writers'
    /// test below, each writing the probes the others had written).
    @Test(.timeLimit(.minutes(2)))
    func anAppendThatWritesNothingLeavesNoHeadToTrustOverAnotherProcesssCommit() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("log")
        let log = try EventLog.create(at: path)
        // The probe `pledger-stress contend` appends after its first batch, appended here first.
        let probe = ProposedEvent(id: UUID(derivedFrom: "pledger-stress/contend/probe/0"), stream: "probe/P0", type: "Probed",
                                  effective: CalendarDate(daysSinceEpoch: 20_480), actor: "any writer", rationale: "one id, many writers",
                                  source: "pledger-stress", payload: ["probe": .integer(0)])
        #expect(try log.append(probe).sequence == 1)
        // Again: already there, nothing written, no transaction id used.
        let again = try log.append(probe)
        #expect(again.alreadyPresent && again.sequence == 1)
        // Another process: one batch of three (one commit), then the same probe (nothing written).
        let other = try run(executable("pledger-stress"), ["contend", path, "0", "1"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stdout.contains("probe \(probe.id.canonicalString) 1\n"), "\(other.stdout)")
        // This writer's next append follows the other's events.
        var next = probe
        next.id = UUID(derivedFrom: "reliability/after-the-other-process")
        let appended = try log.append(next)
        #expect(appended.sequence == 5 && !appended.alreadyPresent)
        #expect(try log.verify().size == 5)
    }

    @Test(.timeLimit(.minutes(5)))
    func fourWritersOnTheSameStreamsLoseNothingAndReadersSeeWholeBatches() throws {
        let dir = try TemporaryDirectory()
        let logPath = dir.file("log")
        _ = try EventLog.create(at: logPath)
        let writers = (0..<4).map { w -> (Process, Pipe, Pipe) in
            let p = Process(), out = Pipe(), err = Pipe()
            p.executableURL = URL(fileURLWithPath: executable("pledger-stress"))
            // A small recent-id limit: the writers index ids in bulk, a range at a time once 7 events behind,
            // each finding the others' newest ids (the probes) in the events after the watermarks; small
            // merge steps: each writer takes up merges the others left under way (its own kept filter
            // of a merge's output then out of date).
            p.arguments = ["contend", logPath, String(w), "40", "--bulk-index-limit", "7", "--merge-step", "4"]
            p.standardOutput = out
            p.standardError = err
            return (p, out, err)
        }
        for (p, _, _) in writers { try p.run() }
        // A reader in this process: every snapshot holds whole batches (3 events per correlation id) only.
        let log = try EventLog(path: logPath)
        var snapshots = 0
        while writers.contains(where: { $0.0.isRunning }) || snapshots == 0 {
            var groups: [UUID: Int] = [:]
            try log.scan { e in
                if let c = e.correlation { groups[c, default: 0] += 1 }
                return true
            }
            #expect(groups.values.allSatisfy { $0 == 3 }, "a reader saw part of a batch")
            snapshots += 1
        }
        var ok: [UUID: UInt64] = [:], conflicts: Set<UUID> = [], probes: [UUID: Set<UInt64>] = [:]
        for (p, out, err) in writers {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "writer \(p.arguments?[2] ?? "?"): \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
            for line in String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count >= 2, let id = UUID(uuidString: String(parts[1])) else { continue }
                if parts[0] == "ok", parts.count == 3, let seq = UInt64(parts[2]) { ok[id] = seq } else if parts[0] == "conflict" { conflicts.insert(id) }
                if parts[0] == "probe", parts.count == 3, let seq = UInt64(parts[2]) { probes[id, default: []].insert(seq) }
            }
        }
        #expect(ok.count + conflicts.count == 160, "every batch is reported as committed or in conflict")
        var seen: [UUID: Int] = [:]
        try log.scan { e in
            if let c = e.correlation { seen[c, default: 0] += 1 }
            return true
        }
        for (id, seq) in ok {
            #expect(seen[id] == 3, "committed batch \(id) must be whole")
            #expect(try log.event(at: seq)?.correlation == id)
        }
        for id in conflicts { #expect(seen[id] == nil, "a refused batch must leave nothing") }
        // Each probe id was appended by all four writers and written once: every writer got its one position.
        #expect(probes.count == 40)
        for (id, seqs) in probes {
            #expect(seqs.count == 1, "probe \(id) was written at \(seqs.sorted())")
            if let seq = seqs.first { #expect(try log.event(at: seq)?.id == id) }
        }
        let head = try log.verify()
        #expect(head.size == UInt64(3 * ok.count + probes.count), "no gaps, no extra events")
        let coverage = try log.indexCoverage()
        #expect(coverage.ids.lowest > 0 && coverage.head - coverage.ids.lowest < 2 * 7, "the writers indexed ids in bulk")
        #expect(coverage.streams.lowest > 0 && coverage.head - coverage.streams.lowest < 2 * 7, "the writers indexed streams in bulk")
        #expect(snapshots > 0)
    }

    @Test(.timeLimit(.minutes(5)))
    func hundredThousandFuzzInputsCrashNothing() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fuzz/corpus").standardized.path
        // Two processes of 50,000 inputs each, with different seeds: both cores work.
        let runs = try [11, 12].map { seed -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable("pledger-stress"))
            p.arguments = ["fuzz", "--inputs", "50000", "--seed", String(seed), "--corpus", corpus]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in runs {
            p.waitUntilExit()
            #expect(p.terminationReason == .exit && p.terminationStatus == 0, "a parser crashed: rerun `pledger-stress fuzz --seed` with this run's seed")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func backupDuringAppendsRestoresToAVerifiedLedgerWithTheSameCheckpoint() throws {
        let f = try CLIFixture()
        #expect(try f.pledger("demo").status == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: executable("pledger-stress"))
        writer.arguments = ["measure-loop", f.ledger, "5", "99"]
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        usleep(150_000)
        let backup = f.directory.file("backup")
        let b = try f.pledger("backup", backup)
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stdout.contains("the copy verifies"))
        #expect((try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int) == 0o700)
        let restored = f.directory.file("restored")
        let r = try run(executable("pledger"), ["restore", backup, "--ledger", restored])
        #expect(r.status == 0, "\(r.stderr)")
        let size = try EventLog(path: restored + "/log").head().sequence
        #expect(size >= 150)
        let restoredCheckpoint = try run(executable("pledger"), ["checkpoint", "--ledger", restored]).stdout
        let originalCheckpoint = try f.pledger("checkpoint", "--tree-size", String(size)).stdout
        #expect(restoredCheckpoint == originalCheckpoint, "the restored ledger has the original's checkpoint at its size")
        #expect(try run(executable("pledger"), ["restore", backup, "--ledger", restored]).status == 1, "restore never overwrites")
        #expect(try f.pledger("backup", backup).status == 1, "backup never overwrites")
    }

    @Test func readOnlyOpensWriteNothingAndWritesAreRefused() throws {
        let f = try CLIFixture()
        #expect(try f.pledger("demo").status == 0)
        try? FileManager.default.removeItem(atPath: f.ledger + "/projections")
        let data = f.ledger + "/log/data.mdb"
        let before = try Data(contentsOf: URL(fileURLWithPath: data))
        for args in [["state"], ["timeline", "--format", "ics"], ["audit"], ["export", "--format", "iati"], ["verify"], ["log"], ["checkpoint"]] {
            let r = try f.pledger(args + ["--read-only"])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.ledger + "/projections"), "read-only queries create no projection store")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == before)
        for args in [["append", "--json", "{}"], ["import", "-"], ["replay"], ["demo"], ["init"]] {
            let r = try f.pledger(args + ["--read-only"])
            #expect(r.status == 6, "\(args)")
            #expect(r.stderr.hasPrefix("pledger: error: the ledger is open read-only (--read-only): `pledger \(args[0])` would write to it"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == before)
    }

    static var canMountTmpfs: Bool {
        guard geteuid() == 0, let dir = try? TemporaryDirectory() else { return false }
        let mounted = (try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path]).status) == 0
        if mounted { _ = try? run("/bin/umount", [dir.path]) }
        return mounted
    }

    @Test(.enabled(if: canMountTmpfs, "needs root and tmpfs mounts"), .timeLimit(.minutes(3)))
    func aFullDiskRefusesTheAppendCleanlyAndRecoversWhenSpaceIsFreed() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = dir.file("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(try run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]).status == 0)
        defer { _ = try? run("/bin/umount", [mountPoint]) }
        let ledger = mountPoint + "/ledger"
        func pledger(_ args: String...) throws -> ProcessResult { try run(executable("pledger"), args + ["--ledger", ledger]) }
        #expect(try pledger("demo").status == 0)
        let before = try pledger("export").stdout
        // Fill every free byte of the file system.
        let filler = mountPoint + "/filler"
        _ = try run("/bin/dd", ["if=/dev/zero", "of=" + filler, "bs=4096"])
        func measurement(_ value: String) -> String {
            #"{"id":"\#(UUID().uuidString.lowercased())","stream":"indicator/IND-01","type":"IndicatorMeasured","schema":1,"effective":"2026-10-01","actor":"a","rationale":"r","source":"s","payload":{"year":2026,"value":"\#(value)"}}"#
        }
        let big = (0..<400).map { _ in measurement("55") }.joined(separator: "\n")
        let full = try run(executable("pledger"), ["import", "-", "--ledger", ledger], stdin: Array(big.utf8))
        #expect(full.status == 4, "\(full.stderr)")
        #expect(full.stderr.contains("No space left on device"), "\(full.stderr)")
        #expect(full.stderr.filter { $0 == "\n" }.count == 1)
        #expect(try pledger("export").stdout == before, "nothing of the refused batch is there")
        #expect(try pledger("verify").status == 0, "the log stays intact and verifiable")
        try FileManager.default.removeItem(atPath: filler)
        let again = try run(executable("pledger"), ["import", "-", "--ledger", ledger], stdin: Array(big.utf8))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try pledger("verify").stdout.hasPrefix("OK: 550 events"))
    }
}
