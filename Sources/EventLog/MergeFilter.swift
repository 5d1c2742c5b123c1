import Foundation

/// The filter of the output of an index's merge under way (``RunMerge``) as this process's steps made it,
/// kept between transactions, so that the last step writes it without reading the output again.
///
/// Why: the last step of a merge of 535,548 `streams` entries spent 6.3 ms reading the output's chunks
/// to make its filter (Round 28 in docs/BENCHMARKS.md), a time that grows with the largest runs. A kept
/// filter is used only for the same output (number and seed) and only when it holds every key up to
/// the last the log says was written: made by steps up to there or past it. Past it is no harm: a step
/// whose transaction did not commit added keys that the merge writes again, for an output holds exactly
/// its inputs' keys, however its steps fall. Otherwise (another process took steps, or this one just
/// opened the log) the filter is made again from the output's chunks.
final class MergeFilter: @unchecked Sendable {
    private var kept: (number: UInt64, seed: UInt64, through: [UInt8], filter: RunFilter)?
    private let lock = NSLock()

    /// The filter kept for `output` if it holds every key up to `lastKey`, moved out (a step adds to it
    /// in place, then keeps it again).
    func take(for output: RunCatalogue.Run, holdingThrough lastKey: [UInt8]) -> RunFilter? {
        lock.lock()
        defer { lock.unlock() }
        guard let k = kept, k.number == output.number, k.seed == output.seed, !k.through.lexicographicallyPrecedes(lastKey) else { return nil }
        kept = nil
        return k.filter
    }

    /// Keeps `filter`, which holds the keys of `output` up to `through`.
    func keep(_ filter: consuming RunFilter, for output: RunCatalogue.Run, through: [UInt8]) {
        lock.lock()
        kept = (output.number, output.seed, through, filter)
        lock.unlock()
    }

    /// Forgets the kept filter (its merge is done).
    func forget() {
        lock.lock()
        kept = nil
        lock.unlock()
    }
}
