import ArgumentParser
import AuditTrail
import CurrentState
import EventLog
import Foundation
import Programme
import Projection

struct CrashCycles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-cycles",
        abstract: "Kill -9 `pledger import` of large batches, single appends and projection rebuilds, and check the ledger after each kill.",
        discussion: """
            Cycles rotate through three victims: `pledger import` of a 1,000-event file (--import-size), `pledger-stress measure-loop` \
            appending one event per commit, and `pledger replay` rebuilding the projections. Each is killed with \
            SIGKILL after a random delay. After every kill: `verify` passes (every leaf hash and tree node), every \
            acknowledged event is present exactly once, an import is all there or not at all, and every projection's \
            state equals a rebuild from event 1 through its checkpoint. Prints a JSON summary; exits 1 at the first \
            failed check.
            """)

    @Argument(help: "The ledger directory (created with the default history when missing).") var ledger: String
    @Option(help: "How many kill cycles.") var cycles: Int = 50
    @Option(help: "Seed of the delays and event ids.") var seed: UInt64 = 1
    @Option(name: .customLong("max-delay-ms"), help: "The longest delay before a kill.") var maxDelayMs: Int = 600
    @Option(name: .customLong("import-size"), help: "Events in each imported file.") var importSize: Int = 1_000

    func run() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let pledger = bin.appendingPathComponent("pledger").path, stress = bin.appendingPathComponent("pledger-stress").path
        if !FileManager.default.fileExists(atPath: ledger + "/log/data.mdb") {
            try Ledger.create(at: ledger).appendDefaultHistory()
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pledger-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let log = try EventLog(path: Ledger.logPath(in: ledger), configuration: { var c = EventLog.Configuration(); c.readOnly = true; return c }())
        var rng = SeededRandom(seed: seed)
        var killedWhileWorking = [0, 0, 0], completed = [0, 0, 0], acknowledged = 0
        let started = Date()
        for cycle in 0..<cycles {
            let mode = cycle % 3
            let childSeed = seed &* 1_000_003 &+ UInt64(cycle)
            var arguments: [String]
            var importIDs: [UUID] = []
            switch mode {
            case 0:
                let events = (0..<importSize).map { MeasureEvents.event(seed: childSeed, batch: 0, index: $0) }
                importIDs = events.map(\.id)
                let file = work + "/import-\(cycle).jsonl"
                try Data(events.map { EventCodec.encodeContent($0) + [0x0A] }.joined()).write(to: URL(fileURLWithPath: file))
                arguments = [pledger, "import", file, "--ledger", ledger]
            case 1:
                arguments = [stress, "measure-loop", ledger, "1", String(childSeed)]
            default:
                arguments = [pledger, "replay", "--ledger", ledger]
            }
            let child = Process()
            child.executableURL = URL(fileURLWithPath: arguments[0])
            child.arguments = Array(arguments.dropFirst())
            let out = Pipe()
            child.standardOutput = out
            child.standardError = FileHandle.nullDevice
            try child.run()
            usleep(UInt32(1_000 * (5 + rng.below(maxDelayMs))))
            let wasRunning = child.isRunning
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            if wasRunning && child.terminationReason == .uncaughtSignal { killedWhileWorking[mode] += 1 } else { completed[mode] += 1 }
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

            // The checks.
            func fail(_ message: String) -> Error { ValidationError("cycle \(cycle) (\(["import", "single appends", "replay"][mode])): \(message)") }
            let head = try log.verify()
            let counts = try log.indexEntryCounts()
            guard try log.indexCoverage().head == head.size, counts.allSatisfy({ $0.covered == $0.stored }) else {
                let shown = counts.map { "\($0.index) \($0.stored) of \($0.covered) covered" }.joined(separator: ", ")
                throw fail("the indexes written in bulk do not hold one entry per event up to their watermarks (\(shown); head \(head.size))")
            }
            switch mode {
            case 0:
                let present = try importIDs.filter { try log.event(id: $0) != nil }.count
                guard present == 0 || present == importIDs.count else { throw fail("\(present) of \(importIDs.count) imported events are present: not atomic") }
                if child.terminationReason == .exit && child.terminationStatus == 0 && present != importIDs.count {
                    throw fail("import reported success but its events are missing")
                }
                if present > 0 { acknowledged += present }
            case 1:
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: " ")
                    guard parts.count == 4, let batch = Int(parts[1]), let seq = UInt64(parts[2]) else { continue }
                    let id = MeasureEvents.id(seed: childSeed, batch: batch, index: 0)
                    guard try log.event(at: seq)?.id == id else { throw fail("acknowledged event \(id) is not at seq \(seq)") }
                    acknowledged += 1
                }
            default:
                let store = try ProjectionStore(path: ledger + "/projections")
                let fresh = try ProjectionStore(path: work + "/fresh-\(cycle)")
                for projection in [CurrentStateProjection(), AuditTrailProjection()] as [any Projection] {
                    let checkpoint = try store.checkpoint(of: projection.name)
                    try projection.catchUp(log: log, store: fresh, through: checkpoint)
                    for db in projection.databases {
                        guard try store.entries(of: db).elementsEqual(try fresh.entries(of: db), by: { $0.0 == $1.0 && $0.1 == $1.1 }) else {
                            throw fail("projection \(projection.name) at checkpoint \(checkpoint) differs from a rebuild")
                        }
                    }
                }
                try? FileManager.default.removeItem(atPath: work + "/fresh-\(cycle)")
            }
            try? FileManager.default.removeItem(atPath: work + "/import-\(cycle).jsonl")
            if (cycle + 1) % 50 == 0 {
                FileHandle.standardError.write(Data("\(cycle + 1) cycles, \(try log.head().sequence) events, all checks passed\n".utf8))
            }
        }
        let head = try log.head().sequence
        print(#"{"acknowledgedEventsChecked":\#(acknowledged),"completedBeforeKill":{"import":\#(completed[0]),"replay":\#(completed[2]),"singleAppends":\#(completed[1])},"cycles":\#(cycles),"events":\#(head),"killedWhileWorking":{"import":\#(killedWhileWorking[0]),"replay":\#(killedWhileWorking[2]),"singleAppends":\#(killedWhileWorking[1])},"milliseconds":\#(Int(Date().timeIntervalSince(started) * 1000)),"seed":\#(seed)}"#)
    }
}
