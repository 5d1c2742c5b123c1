import Foundation

/// The catalogue of the runs of an index kept as sorted runs merged in tiers (`ids` and `streams`,
/// docs/FORMAT.md): kept in `meta` (``IDRuns/key``, ``StreamRuns/key``), one record a live run.
///
/// Why runs: the keys of a range's waiting entries are spread over the whole index (random ids; the
/// names of thousands of streams), so writing them into one B-tree dirtied nearly every leaf of that
/// range's part of the tree, a number of pages that grew with the log: at 1,000,000 events the indexes'
/// bulk writes were half of an append's time (Round 26 in docs/BENCHMARKS.md). A run is written once,
/// sorted, at the end of its database (`MDB_APPEND`), its pages side by side; runs are merged four at a
/// time into one of the next level, so an entry is written about log₄(N ÷ 2,048) + 1 times, each time
/// in sequential pages, and a log of a million events holds about ten runs an index. Run numbers only
/// grow: a new run, and a merge's output, take the next one, so that every write appends (but the steps
/// of a merge that goes on over transactions, ``RunMerge``, once runs written after it began follow
/// its output).
struct RunCatalogue: Equatable {
    /// One run as the catalogue lists it.
    struct Run: Equatable {
        /// Its number: the first 8 bytes of its keys.
        var number: UInt64
        /// How many merges made it: 0 for a run written from waiting entries.
        var level: UInt8
        /// Its entries.
        var count: UInt64
        /// Mixed into its filter's hashes (``RunFilter``); drawn at random when it was written, so a
        /// process's copy of a filter is known to be this run's, not an earlier one of the same number
        /// written by a transaction that did not commit.
        var seed: UInt64
    }

    /// The runs, oldest (lowest number) first.
    var runs: [Run]

    /// Bytes a run takes in the catalogue: number, level, count, seed.
    static let recordSize = 25
    /// Runs a level holds before they are merged into one of the next.
    static let fanIn = 4
    /// The size of a run of level 0 the catalogue assumes when it gives a run its level from its size
    /// (a log converted from a tree): the default bulk limit's range (32,768 ÷ 16).
    static let levelZeroSize: UInt64 = 2_048
    /// The most bytes of entries a chunk holds: 4,080, what one overflow page of 4,096 holds.
    static let chunkBytes = 4_080

    init(runs: [Run] = []) { self.runs = runs }

    /// The catalogue stored as `bytes`, or nil when they are not whole records in ascending run order.
    init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count % Self.recordSize == 0 else { return nil }
        func word(_ offset: Int) -> UInt64 { UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        runs = stride(from: 0, to: bytes.count, by: Self.recordSize).map { o in
            Run(number: word(o), level: bytes[o + 8], count: word(o + 9), seed: word(o + 17))
        }
        guard zip(runs, runs.dropFirst()).allSatisfy({ $0.number < $1.number }) else { return nil }
    }

    /// The catalogue as stored.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.recordSize * runs.count)
        for run in runs {
            withUnsafeBytes(of: run.number.bigEndian) { out.append(contentsOf: $0) }
            out.append(run.level)
            withUnsafeBytes(of: run.count.bigEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: run.seed.bigEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// The level a run of `count` entries is given when its size, not its merges, sets it: the
    /// highest whose runs are no larger.
    static func level(ofSize count: UInt64) -> UInt8 {
        var level: UInt8 = 0
        var size = levelZeroSize * UInt64(fanIn)
        while count >= size, level < 30 {
            level += 1
            size *= UInt64(fanIn)
        }
        return level
    }

    /// The lowest level holding ``fanIn`` runs or more, if any: the next to merge.
    var levelToMerge: UInt8? { levelToMerge(excluding: []) }

    /// The lowest level holding ``fanIn`` runs or more besides those numbered in `busy` (the inputs of a
    /// merge under way, ``RunMerge``), if any.
    func levelToMerge(excluding busy: [UInt64]) -> UInt8? {
        var counts: [UInt8: Int] = [:]
        for run in runs where !busy.contains(run.number) { counts[run.level, default: 0] += 1 }
        return counts.filter { $0.value >= Self.fanIn }.keys.min()
    }

    /// The run number's key: where its filter is stored, and the prefix of its chunks' keys.
    static func filterKey(_ number: UInt64) -> [UInt8] { withUnsafeBytes(of: number.bigEndian, Array.init) }

    /// Whether `key` is the key of one of run `number`'s chunks: the run's number, then more (not the
    /// run's filter, keyed by the number alone, nor another run's key).
    static func isChunkKey(_ key: UnsafeRawBufferPointer, ofRun number: UInt64) -> Bool {
        key.count > 8 && runNumber(ofKey: key) == number
    }

    /// The run number a key belongs to (its first 8 bytes), nil for a key too short.
    static func runNumber(ofKey key: UnsafeRawBufferPointer) -> UInt64? {
        key.count >= 8 ? UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)) : nil
    }
}
