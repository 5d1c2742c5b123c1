import Foundation
import LMDB

// The `streams` index as runs (``StreamRuns``): writing a run, merging runs, and converting the tree of
// a log before `/6`.
extension EventLog {
    /// Writes the waiting entries `names` (the names in key order, each name's entries ascending by
    /// version; none already in the index) as a new run of `level` at the end of `streams`, and lists it
    /// last in `catalogue`.
    ///
    /// Why from the names: each entry laid out as stored at once (its key's length, the name, 0x00, the
    /// version and the sequence number), where a key made for each entry was then taken apart again, six
    /// appends an entry (callgrind, Round 44 in docs/BENCHMARKS.md).
    func writeStreamRun(_ names: [(name: StreamName, entries: [LogTail.StreamEntry])], level: UInt8,
                        into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws {
        let bytes = names.reduce(0) { $0 + $1.entries.count * StreamRuns.entrySize(keyCount: $1.name.rawValue.utf8.count + 9) }
        var stored = StreamRuns.Entries(reservingCapacity: bytes)
        for (name, entries) in names {
            try name.withUTF8 { utf8 in
                guard !utf8.isEmpty, utf8.count + 9 <= Int(UInt8.max) else {
                    throw EventLogError.damaged(sequence: entries.first?.sequence ?? 0, reason: "its streams entry's key is \(utf8.count + 9) bytes")
                }
                for entry in entries { stored.append(name: utf8, version: entry.version, sequence: entry.sequence) }
            }
        }
        try writeStreamRun(stored, level: level, into: &catalogue, in: txn)
    }

    /// Writes `entries` (as stored, ascending by key) as a new run of `level` at the end of `streams`:
    /// cut into chunks of at most ``RunCatalogue/chunkBytes``, its filter over the names.
    func writeStreamRun(_ entries: StreamRuns.Entries, level: UInt8, into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws {
        guard entries.count > 0 else { return }
        let number = try nextRunNumber(in: streams, after: catalogue, in: txn)
        let seed = UInt64.random(in: .min ... .max)
        try txn.withWriteCursor(streams) { c in
            try c.put(StreamRuns.filter(of: entries.bytes, count: entries.count, seed: seed).bytes, forKey: RunCatalogue.filterKey(number), flags: .append)
            try putChunks(of: entries.bytes[...], run: number, flags: .append, into: c)
        }
        catalogue.runs.append(.init(number: number, level: level, count: UInt64(entries.count), seed: seed))
    }

    /// Puts `bytes` (whole entries as stored, ascending by key) as chunks of run `number` through `c`,
    /// each of at most ``RunCatalogue/chunkBytes``.
    private func putChunks(of bytes: ArraySlice<UInt8>, run number: UInt64, flags: WriteTransaction.PutFlags,
                           into c: borrowing WriteCursor) throws {
        let runKey = RunCatalogue.filterKey(number)
        try bytes.withUnsafeBytes { all in
            func put(_ range: Range<Int>) throws {
                let key = runKey + all[(range.lowerBound + 1) ..< (range.lowerBound + 1 + Int(all[range.lowerBound]))]
                try key.withUnsafeBytes { k in try c.put(UnsafeRawBufferPointer(rebasing: all[range]), forKey: k, flags: flags) }
            }
            var chunkStart = 0, o = 0
            while o < all.count {
                let size = StreamRuns.entrySize(keyCount: Int(all[o]))
                if o + size - chunkStart > RunCatalogue.chunkBytes, o > chunkStart {
                    try put(chunkStart ..< o)
                    chunkStart = o
                }
                o += size
            }
            if o > chunkStart { try put(chunkStart ..< o) }
        }
    }

    /// At most `limit` entries of run `run` with keys after `key` (from the first when empty), and the
    /// last one's key when the run has more (``RunIndex``).
    func streamEntries(of run: RunCatalogue.Run, after key: [UInt8], limit: Int,
                       in txn: borrowing some ReadableTransaction & ~Copyable) throws -> (entries: StreamRuns.Entries, lastIfMore: [UInt8]?) {
        var out = StreamRuns.Entries()
        var more = false
        var lastKey: [UInt8] = []
        try txn.withCursor(streams) { c in
            // The chunk that may hold `key`, or the run's filter when none begins at or before it.
            var entry = try c.seek(atMost: RunCatalogue.filterKey(run.number) + key)
            guard let found = entry, RunCatalogue.runNumber(ofKey: found.key) == run.number else {
                throw EventLogError.damaged(sequence: 0, reason: "run \(run.number) of the streams index has no filter")
            }
            if found.key.count == 8 { entry = try c.next() }
            while !more, let e = entry, RunCatalogue.isChunkKey(e.key, ofRun: run.number) {
                // The entries taken from a chunk lie side by side in it: copied at once, not an entry at a
                // time (three appends an entry, about 270 instructions an entry more: callgrind, Round 44
                // in docs/BENCHMARKS.md).
                var offset = 0, spanStart: Int?, spanEnd = 0, lastStart = 0, taken = 0
                let whole = key.withUnsafeBytes { after in
                    StreamRuns.forEachEntry(of: e.value) { entryKey, _ in
                        let at = offset
                        offset += StreamRuns.entrySize(keyCount: entryKey.count)
                        if !key.isEmpty, !StreamRuns.precedes(after, entryKey) { return true }
                        if out.count + taken == limit {
                            more = true
                            return false
                        }
                        if spanStart == nil { spanStart = at }
                        (lastStart, spanEnd) = (at, offset)
                        taken += 1
                        if out.count + taken == limit { lastKey = Array(entryKey) }
                        return true
                    }
                }
                guard whole else { throw EventLogError.damaged(sequence: 0, reason: "a chunk of run \(run.number) of the streams index is not whole entries") }
                if let spanStart {
                    out.append(entries: UnsafeRawBufferPointer(rebasing: e.value[spanStart ..< spanEnd]), count: taken, lastAt: lastStart - spanStart)
                }
                entry = try c.next()
            }
        }
        return (out, more ? lastKey : nil)
    }

    /// Writes the entries with keys at most `through` (all when nil) as chunks of run `number`, after its
    /// chunks so far (``RunIndex``).
    func writeStreamChunks(of entries: StreamRuns.Entries, through: [UInt8]?, run number: UInt64,
                           in txn: borrowing WriteTransaction) throws -> (count: Int, lastKey: [UInt8]?) {
        var end = 0, count = 0, lastStart = 0
        _ = entries.bytes.withUnsafeBytes { all in
            StreamRuns.forEachEntry(of: all) { key, _ in
                if let through, through.withUnsafeBytes({ StreamRuns.precedes($0, key) }) { return false }
                lastStart = end
                end += StreamRuns.entrySize(keyCount: key.count)
                count += 1
                return true
            }
        }
        guard count > 0 else { return (0, nil) }
        try txn.withWriteCursor(streams) { c in try putChunks(of: entries.bytes[..<end], run: number, flags: .noOverwrite, into: c) }
        // The last entry's key, made once: its length byte, then the key.
        let keyCount = Int(entries.bytes[lastStart])
        return (count, Array(entries.bytes[(lastStart + 1) ..< (lastStart + 1 + keyCount)]))
    }

    /// A filter for run `run` holding the names of its chunks so far (``RunIndex``): read where they lie.
    func streamFilter(ofChunksOf run: RunCatalogue.Run, capacity: Int, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunFilter {
        var filter = RunFilter(capacity: capacity, seed: run.seed)
        try forEachChunk(of: run, in: streams, in: txn) { chunk in
            guard StreamRuns.addNames(of: chunk, to: &filter) else {
                throw EventLogError.damaged(sequence: 0, reason: "a chunk of run \(run.number) of the streams index is not whole entries")
            }
        }
        return filter
    }

    /// The `streams` index as ``RunIndex``.
    struct StreamRunIndex: RunIndex {
        let log: EventLog
        var database: Database { log.streams }
        var mergeKey: [UInt8] { StreamRuns.mergeKey }
        func entries(of run: RunCatalogue.Run, in txn: borrowing WriteTransaction) throws -> StreamRuns.Entries {
            try log.streamEntries(of: run, in: txn)
        }
        func entries(of run: RunCatalogue.Run, after key: [UInt8], limit: Int,
                     in txn: borrowing WriteTransaction) throws -> (entries: StreamRuns.Entries, lastIfMore: [UInt8]?) {
            try log.streamEntries(of: run, after: key, limit: limit, in: txn)
        }
        func merged(_ inputs: [StreamRuns.Entries]) throws -> StreamRuns.Entries { try StreamRuns.Entries.merged(inputs) }
        func writeRun(_ entries: StreamRuns.Entries, level: UInt8, into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws {
            try log.writeStreamRun(entries, level: level, into: &catalogue, in: txn)
        }
        func writeChunks(of entries: StreamRuns.Entries, through: [UInt8]?, run: UInt64,
                         in txn: borrowing WriteTransaction) throws -> (count: Int, lastKey: [UInt8]?) {
            try log.writeStreamChunks(of: entries, through: through, run: run, in: txn)
        }
        func filter(ofChunksOf run: RunCatalogue.Run, capacity: Int, in txn: borrowing WriteTransaction) throws -> RunFilter {
            try log.streamFilter(ofChunksOf: run, capacity: capacity, in: txn)
        }
        func add(_ entries: StreamRuns.Entries, first count: Int, to filter: inout RunFilter) {
            entries.bytes.withUnsafeBytes { all in
                var end = 0
                for _ in 0 ..< count { end += StreamRuns.entrySize(keyCount: Int(all[end])) }
                StreamRuns.addNames(of: UnsafeRawBufferPointer(rebasing: all[..<end]), to: &filter)
            }
        }
        var mergeFilter: MergeFilter { log.streamMergeFilter }
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
