import ArgumentParser
import EventLog
import Foundation
import Programme

struct MeasureLoop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure-loop",
        abstract: "Append batches of valid IndicatorMeasured events to a ledger holding the default history, through the programme rules, until killed.")

    @Argument(help: "The ledger directory.") var ledger: String
    @Argument(help: "Events per batch.") var batchSize: Int
    @Argument(help: "Seed of the event ids; use a new one for each run.") var seed: UInt64
    @Argument(help: "Stop after this many batches.") var maxBatches: Int = .max

    func run() throws {
        guard batchSize > 0 else { throw ValidationError("BATCH_SIZE must be positive") }
        let ledger = try Ledger(path: self.ledger)
        try appendBatches(from: 0, below: maxBatches,
                          make: { batch in (0..<batchSize).map { MeasureEvents.event(seed: seed, batch: batch, index: $0) } },
                          append: { try ledger.append($0) })
    }
}

/// Valid measurements of the default ledger's ten indicators, deterministic in (seed, batch, index).
enum MeasureEvents {
    static func id(seed: UInt64, batch: Int, index: Int) -> UUID {
        UUID(derivedFrom: "pledger-stress/measure/\(seed)/\(batch)/\(index)")
    }

    static func event(seed: UInt64, batch: Int, index: Int) -> ProposedEvent {
        let n = Int(truncatingIfNeeded: seed &* 7_919) &+ batch &* 131 &+ index
        let m = abs(n % 100_000)
        return ProposedEvent(
            id: id(seed: seed, batch: batch, index: index),
            stream: StreamName(stringLiteral: "indicator/IND-" + String(format: "%02d", 1 + m % 10)),
            type: IndicatorMeasured.typeName,
            effective: CalendarDate(daysSinceEpoch: 20_454 + Int64(m % 1_460)),
            actor: "pledger-stress", rationale: "stress measurement \(seed)/\(batch)/\(index)", source: "pledger-stress",
            payload: ["year": .integer(Int64(2026 + m % 5)), "value": .string("\(m % 100).\(m % 10)")])
    }
}
