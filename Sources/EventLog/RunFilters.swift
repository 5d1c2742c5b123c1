import Foundation

/// The ``RunFilter``s of one index's runs (`ids` or `streams`) that this process has read, by run number.
///
/// Why: a filter is read from its index once and kept; a run never changes once written, and a copy is
/// used only for the run whose seed it was made with (``RunCatalogue/Run/seed``): a run of the same number
/// written again, after a transaction that wrote one did not commit, has another seed. Shared by the
/// appending thread and the thread that reads an appended batch's ids ahead, under a lock taken once
/// a lookup (of a batch of ids, of a stream).
final class RunFilters: @unchecked Sendable {
    private var filters: [UInt64: RunFilter] = [:]
    /// The catalogue last read, as stored, with its runs and their filters, newest first.
    private var last: (bytes: [UInt8], runs: [RunCatalogue.Run], filters: [RunFilter])?
    private let lock = NSLock()

    /// The runs of the catalogue stored as `bytes`, newest first, with their filters: those of the
    /// catalogue last read when it is the same (one comparison of its bytes, no parse and no lookup by
    /// run: about 7,500 instructions a stream's version read from runs before, callgrind, Round 27);
    /// nil when the bytes are not a catalogue.
    func newestFirst(catalogue bytes: UnsafeRawBufferPointer, load: (RunCatalogue.Run) throws -> RunFilter) rethrows
        -> (runs: [RunCatalogue.Run], filters: [RunFilter])? {
        lock.lock()
        if let last, last.bytes.withUnsafeBytes({ $0.hasSameBytes(as: bytes) }) {
            lock.unlock()
            return (last.runs, last.filters)
        }
        lock.unlock()
        guard let catalogue = RunCatalogue(bytes: bytes) else { return nil }
        let runs = Array(catalogue.runs.reversed())
        let found = try filters(of: runs, load: load)
        lock.lock()
        last = (Array(bytes), runs, found)
        lock.unlock()
        return (runs, found)
    }

    /// The filters of `runs`, in their order; `load` reads the ones not kept, or kept with another seed.
    func filters(of runs: [RunCatalogue.Run], load: (RunCatalogue.Run) throws -> RunFilter) rethrows -> [RunFilter] {
        lock.lock()
        defer { lock.unlock() }
        let found = try runs.map { run in
            if let kept = filters[run.number], kept.seed == run.seed { return kept }
            let loaded = try load(run)
            filters[run.number] = loaded
            return loaded
        }
        // Runs merged away are let go once they are most of what is kept.
        if filters.count > 2 * runs.count + 8 {
            let live = Set(runs.map(\.number))
            filters = filters.filter { live.contains($0.key) }
        }
        return found
    }
}
