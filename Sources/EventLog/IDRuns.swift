import Foundation
import LMDB

/// An id's sequence number as a run holds it: the id's 16 bytes as two big-endian halves (which compare
/// as the bytes do), and the event's sequence number.
typealias IDEntry = (high: UInt64, low: UInt64, sequence: UInt64)

/// How the runs of the `ids` index (`pledger-log/5` on) lie in the `ids` database.
///
/// Under the run's number (8 bytes, big-endian) its ``RunFilter``; under the number followed by an id
/// (24 bytes), a chunk of the run's entries from that id on, at most ``entriesPerChunk`` of 24 bytes
/// each (the id's 16 bytes, the big-endian sequence number), ascending.
enum IDRuns {
    /// Bytes of an entry in a chunk.
    static let entrySize = 24
    /// Entries a chunk: 4,080 bytes, one overflow page.
    static let entriesPerChunk = RunCatalogue.chunkBytes / entrySize

    /// The catalogue's key in `meta`.
    static let key = Array("ids-runs".utf8)
    /// The key in `meta` of the merge under way (``RunMerge``), while there is one.
    static let mergeKey = Array("ids-merge".utf8)

    /// An entry's id as a chunk's key holds it after the run number: 16 bytes.
    static func idKey(_ entry: IDEntry) -> [UInt8] { Array(chunkKey(0, entry.high, entry.low).dropFirst(8)) }

    /// The halves of an id as a merge under way records it (``RunMerge/lastKey``): 16 bytes.
    static func halves(ofKey key: [UInt8]) throws -> (UInt64, UInt64) {
        guard key.count == 16 else { throw EventLogError.damaged(sequence: 0, reason: "a merge of the ids index records an id of \(key.count) bytes") }
        return key.withUnsafeBytes { (UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) }
    }

    /// The filter of a run holding `entries`.
    static func filter(of entries: [IDEntry], seed: UInt64) -> RunFilter {
        var filter = RunFilter(capacity: entries.count, seed: seed)
        for e in entries { filter.insert(e.high, e.low) }
        return filter
    }

    /// The key of the chunk of run `number` whose first id has the halves `high` and `low`.
    static func chunkKey(_ number: UInt64, _ high: UInt64, _ low: UInt64) -> [UInt8] {
        var key = RunCatalogue.filterKey(number)
        withUnsafeBytes(of: high.bigEndian) { key.append(contentsOf: $0) }
        withUnsafeBytes(of: low.bigEndian) { key.append(contentsOf: $0) }
        return key
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
