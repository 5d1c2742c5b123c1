import ArgumentParser
import EventLog
import Foundation

/// `pledger-stress`: drives ledgers hard, for the crash, concurrency and fuzz tests and their long runs.
@main
struct PledgerStress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pledger-stress",
        abstract: "Stress, crash and fuzz drivers for pledger's reliability tests (docs/RELIABILITY.md).",
        subcommands: [AppendLoop.self, MeasureLoop.self, Contend.self, CrashCycles.self, Fuzz.self])
}

/// Writes one line to standard output with a single write(2), so a parent that kills this process at
/// any moment sees either the whole line or none of it.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Appends batches `first`, `first + 1`, … below `end`, each made by `make` and written by `append`, and
/// announces `committed BATCH FIRST LAST` after each durable commit.
func appendBatches(from first: Int, below end: Int, make: (Int) -> [ProposedEvent],
                   append: ([ProposedEvent]) throws -> [AppendedPosition]) throws {
    var batch = first
    while batch < end {
        let positions = try append(make(batch))
        guard let head = positions.first, let last = positions.last else { return }
        announce("committed \(batch) \(head.sequence) \(last.sequence)")
        batch += 1
    }
}

struct AppendLoop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append-loop",
        abstract: "Append batches of raw events until killed; print `committed BATCH FIRST LAST` after each durable commit.",
        discussion: "Batch numbers continue from what the log holds, so a restarted writer goes on where it stopped.")

    @Argument(help: "The event log directory.") var log: String
    @Argument(help: "Events per batch.") var batchSize: Int
    @Argument(help: "Seed of the event ids.") var seed: UInt64
    @Argument(help: "Stop after this many batches.") var maxBatches: Int = .max
    @OptionGroup var opening: LogConfigurationOptions

    func run() throws {
        guard batchSize > 0 else { throw ValidationError("BATCH_SIZE must be positive") }
        let log = try EventLog.create(at: self.log, configuration: opening.configuration)
        try appendBatches(from: Int(try log.head().sequence) / batchSize, below: maxBatches,
                          make: { batch in (0..<batchSize).map { StressEvents.event(seed: seed, batch: batch, index: $0) } },
                          append: { try log.append($0) })
    }
}

/// Deterministic synthetic events: the same seed, batch and index always give the same event.
enum StressEvents {
    static func id(seed: UInt64, batch: Int, index: Int) -> UUID {
        UUID(derivedFrom: "pledger-stress/\(seed)/\(batch)/\(index)")
    }

    static func event(seed: UInt64, batch: Int, index: Int) -> ProposedEvent {
        let n = batch &* 131 &+ index
        let filler = String(repeating: "x", count: 200 + (n % 200))
        return ProposedEvent(
            id: id(seed: seed, batch: batch, index: index),
            stream: (try? StreamName(validating: "indicator/IND-\(n % 97)")) ?? "indicator/IND-0",
            type: "IndicatorMeasured",
            effective: CalendarDate(daysSinceEpoch: 20_480 + Int64(n % 1_800)),
            actor: "stress", rationale: "crash test batch \(batch)", source: "pledger-stress",
            payload: .object([("batch", .integer(Int64(batch))), ("index", .integer(Int64(index))),
                              ("value", .string("\(n % 1000).\(n % 10)")), ("note", .string(filler))]))
    }
}
