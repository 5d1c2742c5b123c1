import Foundation
import LMDB

// The `streams` index as runs (``StreamRuns``): writing a run, merging runs, and converting the tree of
// a log before `/6`.
extension EventLog {
    /// Writes `entries` (ascending by key, none already in the index) as a new run of `level` at the
    /// end of `streams`, and lists it last in `catalogue`.
    func writeStreamRun(_ entries: IndexEntries, level: UInt8, into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws {
        var stored = StreamRuns.Entries()
        try entries.forEach { key, sequence in
            guard key.count > 9, key.count <= Int(UInt8.max) else {
                throw EventLogError.damaged(sequence: sequence, reason: "its streams entry's key is \(key.count) bytes")
            }
            stored.append(key: key, sequence: sequence)
        }
        try writeStreamRun(stored, level: level, into: &catalogue, in: txn)
    }

    /// Writes `entries` (as stored, ascending by key) as a new run of `level` at the end of `streams`:
    /// cut into chunks of at most ``RunCatalogue/chunkBytes``, its filter over the names, each name's
    /// fingerprint made once (a name's entries are side by side).
    func writeStreamRun(_ entries: StreamRuns.Entries, level: UInt8, into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws {
        guard entries.count > 0 else { return }
        let number = try nextRunNumber(in: streams, after: catalogue, in: txn)
        let seed = UInt64.random(in: .min ... .max)
        let runKey = RunCatalogue.filterKey(number)
        var filter = RunFilter(capacity: entries.count, seed: seed)
        var chunks: [(key: [UInt8], value: ArraySlice<UInt8>)] = []
        entries.bytes.withUnsafeBytes { all in
            var chunkStart = 0, o = 0
            var lastName: UnsafeRawBufferPointer?
            while o < all.count {
                let length = Int(all[o]), size = StreamRuns.entrySize(keyCount: length)
                if o + size - chunkStart > RunCatalogue.chunkBytes, o > chunkStart {
                    chunks.append((runKey + Array(all[(chunkStart + 1) ..< (chunkStart + 1 + Int(all[chunkStart]))]), entries.bytes[chunkStart ..< o]))
                    chunkStart = o
                }
                let name = UnsafeRawBufferPointer(rebasing: all[(o + 1) ..< (o + 1 + length - 9)])
                if lastName.map({ !StreamRuns.equal($0, name) }) ?? true {
                    let (high, low) = StreamRuns.filterHalves(ofName: name)
                    filter.insert(high, low)
                    lastName = name
                }
                o += size
            }
            chunks.append((runKey + Array(all[(chunkStart + 1) ..< (chunkStart + 1 + Int(all[chunkStart]))]), entries.bytes[chunkStart ..< o]))
        }
        try txn.withWriteCursor(streams) { c in
            try c.put(filter.bytes, forKey: runKey, flags: .append)
            for (key, value) in chunks {
                try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try c.put(v, forKey: k, flags: .append) } }
            }
        }
        catalogue.runs.append(.init(number: number, level: level, count: UInt64(entries.count), seed: seed))
    }

    /// Makes the `streams` tree of a log before `/6` (name, 0x00, version → 8-byte sequence number, in
    /// key order) one run, and writes the catalogue.
    func convertStreamTreeToRuns(in txn: borrowing WriteTransaction) throws {
        var entries = StreamRuns.Entries()
        try txn.withCursor(streams) { c in
            var entry = try c.first()
            while let e = entry {
                guard StreamRuns.name(ofKey: e.key) != nil, e.value.count == 8 else {
                    throw EventLogError.damaged(sequence: 0, reason: "an entry of the streams index has a key of \(e.key.count) bytes and a value of \(e.value.count)")
                }
                entries.append(key: e.key, sequence: Key.decodeSequence(e.value))
                entry = try c.next()
            }
        }
        try txn.removeAll(in: streams)
        var catalogue = RunCatalogue()
        try writeStreamRun(entries, level: RunCatalogue.level(ofSize: UInt64(entries.count)), into: &catalogue, in: txn)
        try txn.put(catalogue.bytes, forKey: StreamRuns.key, in: meta)
    }
}
