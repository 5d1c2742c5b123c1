import Foundation

/// A merge of runs of an index kept as runs (``RunCatalogue``) that goes on over several transactions,
/// one step each: kept in `meta` (``IDRuns/mergeKey``, ``StreamRuns/mergeKey``) while it lasts.
///
/// Why in steps: merged whole, the four largest runs of a level took one transaction as long as 50
/// batches of 1,000 events (at 1,000,000 events the slowest batch 150–280 ms against a median of 5 ms,
/// Round 28 in docs/BENCHMARKS.md), and the largest merge grows with the log. A merge larger than
/// ``EventLog/Configuration/mergeStepEntries`` instead writes its output a step at a time, in key order,
/// each step's chunks after the last's; its inputs stay listed, and every lookup reads them, until the
/// last step lists the output in their place and deletes them. Its output's chunks are in the database
/// meanwhile, under a number no listed run has; its filter is written by the last step.
struct RunMerge: Equatable {
    /// The output run: its number, level and seed, and the entries written so far.
    var output: RunCatalogue.Run
    /// The numbers of the runs merged, ascending.
    var inputs: [UInt64]
    /// The key (as a chunk's key holds it after the run number) of the last entry written; empty
    /// before the first step.
    var lastKey: [UInt8]

    /// The merge stored as `bytes`, or nil when they are not one: the output as a catalogue record
    /// (``RunCatalogue/recordSize`` bytes), the number of inputs (one byte) and their numbers, then the
    /// last key.
    init?(bytes: UnsafeRawBufferPointer) {
        let record = RunCatalogue.recordSize
        guard bytes.count > record, let runs = RunCatalogue(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<record])),
              let output = runs.runs.first else { return nil }
        let inputCount = Int(bytes[record])
        let keyStart = record + 1 + 8 * inputCount
        guard inputCount >= 2, bytes.count >= keyStart else { return nil }
        inputs = (0 ..< inputCount).map { i in UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: record + 1 + 8 * i, as: UInt64.self)) }
        guard zip(inputs, inputs.dropFirst()).allSatisfy({ $0 < $1 }), let last = inputs.last, last < output.number else { return nil }
        self.output = output
        lastKey = Array(bytes[keyStart...])
    }

    init(output: RunCatalogue.Run, inputs: [UInt64], lastKey: [UInt8] = []) {
        self.output = output
        self.inputs = inputs
        self.lastKey = lastKey
    }

    /// The merge as stored.
    var bytes: [UInt8] {
        var out = RunCatalogue(runs: [output]).bytes
        out.append(UInt8(truncatingIfNeeded: inputs.count))
        for number in inputs { withUnsafeBytes(of: number.bigEndian) { out.append(contentsOf: $0) } }
        out.append(contentsOf: lastKey)
        return out
    }
}
