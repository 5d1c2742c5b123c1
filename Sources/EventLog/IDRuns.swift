import Foundation
import LMDB

/// An id's sequence number as a run holds it: the id's 16 bytes as two big-endian halves (which compare
/// as the bytes do), and the event's sequence number.
typealias IDEntry = (high: UInt64, low: UInt64, sequence: UInt64)

/// The runs of the `ids` index (`pledger-log/5`): its catalogue, kept in `meta` under `ids-runs`, and
/// how a run lies in the `ids` database.
///
/// Why runs: ids are random, so writing a range's waiting ids into one B-tree keyed by id dirtied
/// nearly every leaf of that range's part of the tree, a number of pages that grew with the log: at
/// 1,000,000 events the ids' bulk writes cost about as much as the other three indexes' together, and
/// the indexes half of an append's time (Round 26 in docs/BENCHMARKS.md). A run is written once,
/// sorted, at the end of the database (`MDB_APPEND`), its pages side by side; runs are merged four at a
/// time into one of the next level, so an id is written about log₄(N ÷ 2,048) + 1 times, each time in
/// sequential pages, and a log of a million events holds about ten runs.
///
/// Layout in `ids` (docs/FORMAT.md): under the run's number (8 bytes, big-endian) its ``RunFilter``;
/// under the number followed by an id (24 bytes), a chunk of the run's entries from that id on, at
/// most ``entriesPerChunk`` of 24 bytes each (the id's 16 bytes, the big-endian sequence number),
/// ascending. Run numbers only grow: a new run, and a merge's output, take the next one, so that every
/// write appends.
struct IDRuns: Equatable {
    /// One run as the catalogue lists it.
    struct Run: Equatable {
        /// Its number: the first 8 bytes of its keys.
        var number: UInt64
        /// How many merges made it: 0 for a run written from waiting ids.
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
    /// Bytes of an entry in a chunk.
    static let entrySize = 24
    /// Entries a chunk: 4,080 bytes, the most one overflow page of 4,096 holds.
    static let entriesPerChunk = 170
    /// Runs a level holds before they are merged into one of the next.
    static let fanIn = 4
    /// The size of a run of level 0 the catalogue assumes when it gives a run its level from its size
    /// (a log converted from `/4`): the default bulk limit's range (32,768 ÷ 16).
    static let levelZeroSize: UInt64 = 2_048

    /// The key in `meta`.
    static let key = Array("ids-runs".utf8)

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
    var levelToMerge: UInt8? {
        var counts: [UInt8: Int] = [:]
        for run in runs { counts[run.level, default: 0] += 1 }
        return counts.filter { $0.value >= Self.fanIn }.keys.min()
    }

    /// The run number's key: where its filter is stored, and the prefix of its chunks' keys.
    static func filterKey(_ number: UInt64) -> [UInt8] { withUnsafeBytes(of: number.bigEndian, Array.init) }

    /// The key of the chunk of run `number` whose first id has the halves `high` and `low`.
    static func chunkKey(_ number: UInt64, _ high: UInt64, _ low: UInt64) -> [UInt8] {
        var key = filterKey(number)
        withUnsafeBytes(of: high.bigEndian) { key.append(contentsOf: $0) }
        withUnsafeBytes(of: low.bigEndian) { key.append(contentsOf: $0) }
        return key
    }

    /// The run number a key of `ids` belongs to (its first 8 bytes), nil for a key too short.
    static func runNumber(ofKey key: UnsafeRawBufferPointer) -> UInt64? {
        key.count >= 8 ? UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)) : nil
    }

    /// Entry `i` of a chunk.
    static func entry(_ i: Int, of chunk: UnsafeRawBufferPointer) -> IDEntry {
        let o = i * entrySize
        return (UInt64(bigEndian: chunk.loadUnaligned(fromByteOffset: o, as: UInt64.self)),
                UInt64(bigEndian: chunk.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)),
                UInt64(bigEndian: chunk.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self)))
    }

    /// The sequence number `chunk` holds for the id with halves `high` and `low`, by binary search.
    static func sequence(of high: UInt64, _ low: UInt64, inChunk chunk: UnsafeRawBufferPointer) -> UInt64? {
        var lower = 0
        var upper = chunk.count / entrySize
        while lower < upper {
            let middle = (lower + upper) / 2
            let e = entry(middle, of: chunk)
            if (e.high, e.low) == (high, low) { return e.sequence }
            if (e.high, e.low) < (high, low) { lower = middle + 1 } else { upper = middle }
        }
        return nil
    }
}
