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
