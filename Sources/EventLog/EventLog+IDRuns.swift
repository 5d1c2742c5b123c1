import Foundation
import LMDB

// The `ids` index as runs (``IDRuns``): reading, writing, merging, and converting a `/4` log's tree.
extension EventLog {
    /// The catalogue of the `ids` runs `txn` sees; nil for a log whose `ids` is a tree keyed by id
    /// (`/4` and earlier, opened read-only).
    func idRuns(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunCatalogue? {
        try runCatalogue(IDRuns.key, of: "ids", in: txn)
    }

    /// The sequence numbers the `ids` index holds for `batch`'s ids (nil where none), as `txn` sees it:
    /// the catalogue and the filters read once for the batch.
    func indexedSequences(ofEvents batch: [UUID], in txn: borrowing some ReadableTransaction & ~Copyable) throws -> [UInt64?] {
        guard let (runs, filters) = try runsAndFilters(IDRuns.key, of: ids, kept: idFilters, in: txn) else {
            return try batch.map { id in
                try withUnsafeBytes(of: id.uuid) { key in try txn.withValue(in: ids, forKey: key) { $0.map(Key.decodeSequence) } }
            }
        }
        return try batch.map { id in
            let (high, low) = IDTable.halves(of: id)
            for (run, filter) in zip(runs, filters) where filter.mayContain(high, low) {
                if let found = try sequence(of: high, low, in: run, in: txn) { return found }
            }
            return nil
        }
    }

    /// The sequence number run `run` holds for the id with halves `high` and `low`: in the chunk whose
    /// first id is the last at or before it.
    private func sequence(of high: UInt64, _ low: UInt64, in run: RunCatalogue.Run,
                          in txn: borrowing some ReadableTransaction & ~Copyable) throws -> UInt64? {
        let key = IDRuns.chunkKey(run.number, high, low)
        return try txn.withCursor(ids) { c in
            guard let chunk = try c.seek(atMost: key), chunk.key.count == 24, RunCatalogue.runNumber(ofKey: chunk.key) == run.number else { return nil }
            return IDRuns.sequence(of: high, low, inChunk: chunk.value)
        }
    }

    /// Every entry of run `run`, in id order, checked as read: chunks of whole entries, ascending, as
    /// many as the catalogue says.
    /// `filtered`: false for the output of a merge under way, which has no filter yet.
    func entries(of run: RunCatalogue.Run, filtered: Bool = true, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> [IDEntry] {
        var out: [IDEntry] = []
        out.reserveCapacity(Int(clamping: run.count))
        try forEachChunk(of: run, in: ids, keyCount: 24, filtered: filtered, in: txn) { chunk in
            guard !chunk.isEmpty, chunk.count % IDRuns.entrySize == 0 else {
                throw EventLogError.damaged(sequence: 0, reason: "a chunk of run \(run.number) of the ids index is \(chunk.count) bytes")
            }
            for i in 0 ..< chunk.count / IDRuns.entrySize {
                let next = IDRuns.entry(i, of: chunk)
                if let last = out.last, (last.high, last.low) >= (next.high, next.low) {
                    throw EventLogError.damaged(sequence: next.sequence, reason: "run \(run.number) of the ids index is not in id order")
                }
                out.append(next)
            }
        }
        guard UInt64(out.count) == run.count else {
            throw EventLogError.damaged(sequence: 0, reason: "run \(run.number) of the ids index holds \(out.count) entries, its catalogue says \(run.count)")
        }
        return out
    }

    /// Writes `entries` (ascending by id, none already in the index) as a new run of `level` at the end
    /// of `ids`, and lists it last in `catalogue`.
    func writeRun(_ entries: [IDEntry], level: UInt8, into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws {
        guard !entries.isEmpty else { return }
        let number = try nextRunNumber(in: ids, after: catalogue, in: txn)
        let seed = UInt64.random(in: .min ... .max)
        try txn.withWriteCursor(ids) { c in
            try c.put(IDRuns.filter(of: entries, seed: seed).bytes, forKey: RunCatalogue.filterKey(number), flags: .append)
            try putChunks(of: entries[...], run: number, flags: .append, into: c)
        }
        catalogue.runs.append(.init(number: number, level: level, count: UInt64(entries.count), seed: seed))
    }

    /// Puts `entries` as chunks of run `number` through `c`.
    private func putChunks(of entries: ArraySlice<IDEntry>, run number: UInt64, flags: WriteTransaction.PutFlags,
                           into c: borrowing WriteCursor) throws {
        // Every entry's bytes stored into one buffer, then put a chunk's slice at a time: appending
        // 8 bytes at a time to an array took about 100 instructions each (callgrind, Round 27).
        let bytes = [UInt8](unsafeUninitializedCapacity: entries.count * IDRuns.entrySize) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for (i, e) in entries.enumerated() {
                raw.storeBytes(of: e.high.bigEndian, toByteOffset: i * IDRuns.entrySize, as: UInt64.self)
                raw.storeBytes(of: e.low.bigEndian, toByteOffset: i * IDRuns.entrySize + 8, as: UInt64.self)
                raw.storeBytes(of: e.sequence.bigEndian, toByteOffset: i * IDRuns.entrySize + 16, as: UInt64.self)
            }
            initialized = entries.count * IDRuns.entrySize
        }
        try bytes.withUnsafeBytes { all in
            for start in stride(from: 0, to: entries.count, by: IDRuns.entriesPerChunk) {
                let end = min(start + IDRuns.entriesPerChunk, entries.count)
                let first = entries[entries.startIndex + start]
                try IDRuns.chunkKey(number, first.high, first.low).withUnsafeBytes { k in
                    try c.put(UnsafeRawBufferPointer(rebasing: all[(start * IDRuns.entrySize) ..< (end * IDRuns.entrySize)]), forKey: k, flags: flags)
                }
            }
        }
    }

    /// At most `limit` entries of run `run` with ids after `key` (the id's 16 bytes; from the first when
    /// empty), and the last one's id when the run has more (``RunIndex``).
    func entries(of run: RunCatalogue.Run, after key: [UInt8], limit: Int,
                 in txn: borrowing some ReadableTransaction & ~Copyable) throws -> (entries: [IDEntry], lastIfMore: [UInt8]?) {
        let after = key.isEmpty ? nil : try IDRuns.halves(ofKey: key)
        var out: [IDEntry] = []
        out.reserveCapacity(limit)
        var more = false
        try txn.withCursor(ids) { c in
            // The chunk that may hold `key`, or the run's filter when none begins at or before it.
            var entry = try c.seek(atMost: RunCatalogue.filterKey(run.number) + key)
            guard let found = entry, RunCatalogue.runNumber(ofKey: found.key) == run.number else {
                throw EventLogError.damaged(sequence: 0, reason: "run \(run.number) of the ids index has no filter")
            }
            if found.key.count == 8 { entry = try c.next() }
            chunks: while let e = entry, e.key.count == 24, RunCatalogue.runNumber(ofKey: e.key) == run.number {
                guard !e.value.isEmpty, e.value.count % IDRuns.entrySize == 0 else {
                    throw EventLogError.damaged(sequence: 0, reason: "a chunk of run \(run.number) of the ids index is \(e.value.count) bytes")
                }
                for i in 0 ..< e.value.count / IDRuns.entrySize {
                    let next = IDRuns.entry(i, of: e.value)
                    if let after, (next.high, next.low) <= after { continue }
                    if out.count == limit {
                        more = true
                        break chunks
                    }
                    out.append(next)
                }
                entry = try c.next()
            }
        }
        return (out, more ? out.last.map(IDRuns.idKey) : nil)
    }

    /// Writes the entries with ids at most `through` (all when nil) as chunks of run `number`, after its
    /// chunks so far (``RunIndex``).
    func writeChunks(of entries: [IDEntry], through: [UInt8]?, run number: UInt64,
                     in txn: borrowing WriteTransaction) throws -> (count: Int, lastKey: [UInt8]?) {
        let end = try through.map { t in
            let last = try IDRuns.halves(ofKey: t)
            return entries.firstIndex { ($0.high, $0.low) > last } ?? entries.count
        } ?? entries.count
        guard end > 0 else { return (0, nil) }
        try txn.withWriteCursor(ids) { c in try putChunks(of: entries[..<end], run: number, flags: .noOverwrite, into: c) }
        return (end, IDRuns.idKey(entries[end - 1]))
    }

    /// A filter for run `run` holding the ids of its chunks so far (``RunIndex``): read where they lie.
    func filter(ofChunksOf run: RunCatalogue.Run, capacity: Int, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunFilter {
        var filter = RunFilter(capacity: capacity, seed: run.seed)
        try forEachChunk(of: run, in: ids, keyCount: 24, in: txn) { chunk in
            for i in 0 ..< chunk.count / IDRuns.entrySize {
                let next = IDRuns.entry(i, of: chunk)
                filter.insert(next.high, next.low)
            }
        }
        return filter
    }

    /// The `ids` index as ``RunIndex``.
    struct IDRunIndex: RunIndex {
        let log: EventLog
        var database: Database { log.ids }
        var mergeKey: [UInt8] { IDRuns.mergeKey }
        func entries(of run: RunCatalogue.Run, in txn: borrowing WriteTransaction) throws -> [IDEntry] { try log.entries(of: run, in: txn) }
        func entries(of run: RunCatalogue.Run, after key: [UInt8], limit: Int,
                     in txn: borrowing WriteTransaction) throws -> (entries: [IDEntry], lastIfMore: [UInt8]?) {
            try log.entries(of: run, after: key, limit: limit, in: txn)
        }
        func merged(_ inputs: [[IDEntry]]) throws -> [IDEntry] { try EventLog.merge(inputs) }
        func writeRun(_ entries: [IDEntry], level: UInt8, into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws {
            try log.writeRun(entries, level: level, into: &catalogue, in: txn)
        }
        func writeChunks(of entries: [IDEntry], through: [UInt8]?, run: UInt64,
                         in txn: borrowing WriteTransaction) throws -> (count: Int, lastKey: [UInt8]?) {
            try log.writeChunks(of: entries, through: through, run: run, in: txn)
        }
        func filter(ofChunksOf run: RunCatalogue.Run, capacity: Int, in txn: borrowing WriteTransaction) throws -> RunFilter {
            try log.filter(ofChunksOf: run, capacity: capacity, in: txn)
        }
        func add(_ entries: [IDEntry], first count: Int, to filter: inout RunFilter) {
            for e in entries.prefix(count) { filter.insert(e.high, e.low) }
        }
        var mergeFilter: MergeFilter { log.idMergeFilter }
    }

    /// Lists of entries, each ascending by id, as one ascending list: all merged at once, each entry
    /// copied once. An id in two lists is damage.
    static func merge(_ inputs: [[IDEntry]]) throws -> [IDEntry] {
        var out: [IDEntry] = []
        out.reserveCapacity(inputs.reduce(0) { $0 + $1.count })
        var heads = inputs.map { _ in 0 }
        while true {
            var best = -1
            for i in inputs.indices where heads[i] < inputs[i].count {
                guard best >= 0 else { best = i; continue }
                let x = inputs[i][heads[i]], y = inputs[best][heads[best]]
                if (x.high, x.low) < (y.high, y.low) {
                    best = i
                } else if (x.high, x.low) == (y.high, y.low) {
                    throw EventLogError.damaged(sequence: max(x.sequence, y.sequence), reason: "its id is in two runs of the ids index (also at seq \(min(x.sequence, y.sequence)))")
                }
            }
            guard best >= 0 else { return out }
            out.append(inputs[best][heads[best]])
            heads[best] += 1
        }
    }

    /// Makes the `ids` tree of a `/4` or earlier log (16-byte ids → 8-byte sequence numbers, in id
    /// order) one run, and writes the catalogue.
    func convertIDTreeToRuns(in txn: borrowing WriteTransaction) throws {
        var entries: [IDEntry] = []
        try txn.withCursor(ids) { c in
            var entry = try c.first()
            while let e = entry {
                guard e.key.count == 16, e.value.count == 8 else {
                    throw EventLogError.damaged(sequence: 0, reason: "an entry of the ids index has a key of \(e.key.count) bytes and a value of \(e.value.count)")
                }
                entries.append((UInt64(bigEndian: e.key.loadUnaligned(as: UInt64.self)),
                                UInt64(bigEndian: e.key.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                                Key.decodeSequence(e.value)))
                entry = try c.next()
            }
        }
        try txn.removeAll(in: ids)
        var catalogue = RunCatalogue()
        try writeRun(entries, level: RunCatalogue.level(ofSize: UInt64(entries.count)), into: &catalogue, in: txn)
        try txn.put(catalogue.bytes, forKey: IDRuns.key, in: meta)
    }

    /// The entries the `ids` index holds (``runEntryCount(of:in:catalogue:entries:)``), or its tree's in a `/4` log.
    /// The output of a merge under way is read too, and must hold as many entries as the merge says.
    func idEntryCount(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> Int {
        guard let catalogue = try idRuns(in: txn) else { return try txn.statistics(ids).entries }
        for run in catalogue.runs { _ = try entries(of: run, in: txn) }
        let merge = try runMerge(IDRuns.mergeKey, in: txn)
        if let merge { _ = try entries(of: merge.output, filtered: false, in: txn) }
        return try runEntryCount(of: ids, in: txn, catalogue: catalogue, merging: merge) { $0.count / IDRuns.entrySize }
    }
}
