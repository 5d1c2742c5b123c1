import EventLog
import Foundation

/// `pledger-stress`: drives a ledger hard for crash and concurrency tests.
///
///     pledger-stress append-loop LOG_DIR BATCH_SIZE SEED [MAX_BATCHES]
///
/// appends batches of deterministic events (ids derived from SEED and the batch number) until killed
/// or MAX_BATCHES is reached, and after each durable commit prints `committed BATCH FIRST LAST` and
/// flushes, so a parent that kills it at any moment knows which batches were acknowledged.
/// Batch numbers continue from what the log already holds, so a restarted writer goes on where it stopped.
@main
struct PledgerStress {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 5, args[1] == "append-loop", let batchSize = Int(args[3]), batchSize > 0,
              let seed = UInt64(args[4]) else {
            FileHandle.standardError.write(Data("usage: pledger-stress append-loop LOG_DIR BATCH_SIZE SEED [MAX_BATCHES]\n".utf8))
            exit(64)
        }
        let maxBatches = args.count > 5 ? Int(args[5]) ?? Int.max : Int.max
        do {
            let log = try EventLog.create(at: args[2])
            var batch = Int(try log.head().sequence) / batchSize
            while batch < maxBatches {
                let events = (0..<batchSize).map { StressEvents.event(seed: seed, batch: batch, index: $0) }
                let positions = try log.append(events)
                guard let first = positions.first, let last = positions.last else { break }
                // One write(2) a line: the parent sees it as soon as the commit is durable.
                FileHandle.standardOutput.write(Data("committed \(batch) \(first.sequence) \(last.sequence)\n".utf8))
                batch += 1
            }
        } catch {
            FileHandle.standardError.write(Data("pledger-stress: \(error)\n".utf8))
            exit(1)
        }
    }
}

/// Deterministic synthetic events: the same seed, batch and index always give the same event.
enum StressEvents {
    static func id(seed: UInt64, batch: Int, index: Int) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: seed.bigEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
        withUnsafeBytes(of: (UInt64(batch) << 20 | UInt64(index)).bigEndian) { for i in 0..<8 { bytes[8 + i] = $0[i] } }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
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
