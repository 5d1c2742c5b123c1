import Foundation
import LMDB

// The `streams` index as runs (``StreamRuns``): reading a stream's entries, its version and the names
// (writing and merging: EventLog+StreamRunWrites.swift).
extension EventLog {
    /// The catalogue of the `streams` runs `txn` sees; nil for a log whose `streams` is a tree (`/5`
    /// and earlier, opened read-only).
    func streamRuns(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunCatalogue? {
        try runCatalogue(StreamRuns.key, of: "streams", in: txn)
    }

    /// The runs of the catalogue that may hold entries of the stream named `name`, newest first.
    private func runs(mayHold name: UnsafeRawBufferPointer, of runs: [RunCatalogue.Run], filters: [RunFilter]) -> [RunCatalogue.Run] {
        let (high, low) = StreamRuns.filterHalves(ofName: name)
        var out: [RunCatalogue.Run] = []
        for (run, filter) in zip(runs, filters) where filter.mayContain(high, low) { out.append(run) }
        return out
    }

    /// The runs of `streams` and their filters as `txn` sees them; nil for a tree.
    private func streamRunsAndFilters(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> (runs: [RunCatalogue.Run], filters: [RunFilter])? {
        try runsAndFilters(StreamRuns.key, of: streams, kept: streamFilters, in: txn)
    }

    /// The (version, sequence number) entries the `streams` index holds for `stream` after version
    /// `after`, ascending by version (not the waiting ones).
    func indexedEntries(of stream: StreamName, afterVersion after: UInt64 = 0,
                        in txn: borrowing some ReadableTransaction & ~Copyable) throws -> [LogTail.StreamEntry] {
        var name = stream.rawValue
        return try name.withUTF8 { utf8 in
            let name = UnsafeRawBufferPointer(utf8)
            let prefix = Key.namePrefix(name)
            let first = prefix + Key.sequence(after &+ 1)
            guard let catalogue = try streamRunsAndFilters(in: txn) else {
                // A tree keyed by name, 0x00, version.
                var out: [LogTail.StreamEntry] = []
                guard after < .max else { return out }
                try txn.withCursor(streams) { c in
                    var entry = try c.seek(atLeast: first)
                    while let e = entry, prefix.withUnsafeBytes({ StreamRuns.isEntry(e.key, of: $0) }) {
                        out.append(.init(version: StreamRuns.version(ofKey: e.key), sequence: Key.decodeSequence(e.value)))
                        entry = try c.next()
                    }
                }
                return out
            }
            var out: [LogTail.StreamEntry] = []
            var runsFound = 0
            for run in runs(mayHold: name, of: catalogue.runs, filters: catalogue.filters) {
                let before = out.count
                guard after < .max else { break }
                try entries(withPrefix: prefix, from: first, in: run, in: txn) { key, sequence in
                    let version = StreamRuns.version(ofKey: key)
                    if version > after { out.append(.init(version: version, sequence: sequence)) }
                }
                if out.count > before { runsFound += 1 }
            }
            // A stream's entries in one run are in version order; from several, put together.
            if runsFound > 1 { out.sort { $0.version < $1.version } }
            return out
        }
    }

    /// Calls `body` with each entry of run `run` whose key is `prefix` (a name and its 0x00) and a
    /// version, in key order, from the chunk that may hold the key `first` (the prefix and a version),
    /// on while chunks begin with the prefix; `body` may be given some entries before `first`.
    private func entries(withPrefix prefix: [UInt8], from first: [UInt8], in run: RunCatalogue.Run,
                         in txn: borrowing some ReadableTransaction & ~Copyable,
                         _ body: (UnsafeRawBufferPointer, UInt64) throws -> Void) throws {
        let probe = RunCatalogue.filterKey(run.number) + first
        try txn.withCursor(streams) { c in
            // The last chunk beginning at or before `first` may hold it (and the stream's first entries);
            // when that is not a chunk of this run, the run's first chunk after it.
            var entry = try c.seek(atMost: probe)
            if !(entry.map { RunCatalogue.isChunkKey($0.key, ofRun: run.number) } ?? false) { entry = try c.seek(atLeast: probe) }
            var firstChunk = true
            while let e = entry, RunCatalogue.isChunkKey(e.key, ofRun: run.number) {
                let chunkFirst = UnsafeRawBufferPointer(rebasing: e.key[8...])
                // Past the first chunk, one that does not begin with the stream holds none of it.
                if !firstChunk, !prefix.withUnsafeBytes({ StreamRuns.starts(chunkFirst, with: $0) }) { return }
                firstChunk = false
                var past = false
                let whole = try prefix.withUnsafeBytes { p in
                    try StreamRuns.forEachEntry(of: e.value) { key, sequence in
                        if StreamRuns.isEntry(key, of: p) {
                            try body(key, sequence)
                        } else if StreamRuns.precedes(p, key) {
                            past = true
                            return false
                        }
                        return true
                    }
                }
                guard whole else { throw EventLogError.damaged(sequence: 0, reason: "a chunk of run \(run.number) of the streams index is not whole entries") }
                if past { return }
                entry = try c.next()
            }
        }
    }

    /// The sequence number of `stream`'s event at `version` if the `streams` index holds it, as `txn`
    /// sees it: in the one chunk of each run that may hold it (the last beginning at or before its key).
    func indexedSequence(of stream: StreamName, version: UInt64, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> UInt64? {
        let key = Key.named(stream.rawValue, version)
        guard let catalogue = try streamRunsAndFilters(in: txn) else {
            return try key.withUnsafeBytes { k in try txn.withValue(in: streams, forKey: k) { $0.map(Key.decodeSequence) } }
        }
        var name = stream.rawValue
        return try name.withUTF8 { utf8 in
            for run in runs(mayHold: UnsafeRawBufferPointer(utf8), of: catalogue.runs, filters: catalogue.filters) {
                let probe = RunCatalogue.filterKey(run.number) + key
                let found: UInt64? = try txn.withCursor(streams) { c in
                    guard let chunk = try c.seek(atMost: probe), chunk.key.count > 8,
                          RunCatalogue.runNumber(ofKey: chunk.key) == run.number else { return nil }
                    var found: UInt64?
                    StreamRuns.forEachEntry(of: chunk.value) { entryKey, sequence in
                        guard key.withUnsafeBytes({ entryKey.hasSameBytes(as: $0) }) else { return true }
                        found = sequence
                        return false
                    }
                    return found
                }
                if let found { return found }
            }
            return nil
        }
    }

    /// The last version the `streams` index holds for `stream` (0 when none), as `txn` sees it.
    func indexedVersion(of stream: StreamName, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> UInt64? {
        guard let catalogue = try streamRunsAndFilters(in: txn) else { return nil }
        var name = stream.rawValue
        return try name.withUTF8 { utf8 in
            let name = UnsafeRawBufferPointer(utf8)
            let prefix = Key.namePrefix(name)
            var last: UInt64 = 0
            for run in runs(mayHold: name, of: catalogue.runs, filters: catalogue.filters) {
                // The stream's last entry in the run is in the last chunk beginning at or before it.
                let probe = RunCatalogue.filterKey(run.number) + prefix + [UInt8](repeating: 0xFF, count: 8)
                try txn.withCursor(streams) { c in
                    guard let chunk = try c.seek(atMost: probe), chunk.key.count > 8,
                          RunCatalogue.runNumber(ofKey: chunk.key) == run.number else { return }
                    StreamRuns.forEachEntry(of: chunk.value) { key, _ in
                        if prefix.withUnsafeBytes({ StreamRuns.isEntry(key, of: $0) }) { last = max(last, StreamRuns.version(ofKey: key)) }
                        return true
                    }
                }
            }
            return last
        }
    }

    /// Every entry of run `run` as stored (``StreamRuns/Entries``), its chunks end to end, checked as
    /// read: whole entries, ascending, as many as the catalogue says.
    /// `filtered`: false for the output of a merge under way, which has no filter yet.
    func streamEntries(of run: RunCatalogue.Run, filtered: Bool = true, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> StreamRuns.Entries {
        var out = StreamRuns.Entries()
        try forEachChunk(of: run, in: streams, filtered: filtered, in: txn) { chunk in
            guard !chunk.isEmpty, out.appendChecked(chunk: chunk) else {
                throw EventLogError.damaged(sequence: 0, reason: "a chunk of run \(run.number) of the streams index is not whole entries in key order")
            }
        }
        guard UInt64(out.count) == run.count else {
            throw EventLogError.damaged(sequence: 0, reason: "run \(run.number) of the streams index holds \(out.count) entries, its catalogue says \(run.count)")
        }
        return out
    }

    /// The entries the `streams` index holds (``runEntryCount(of:in:catalogue:entries:)``), or its tree's
    /// in a log before `/6`.
    func streamEntryCount(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> Int {
        guard let catalogue = try streamRuns(in: txn) else { return try txn.statistics(streams).entries }
        for run in catalogue.runs { _ = try streamEntries(of: run, in: txn) }
        let merge = try runMerge(StreamRuns.mergeKey, in: txn)
        if let merge { _ = try streamEntries(of: merge.output, filtered: false, in: txn) }
        return try runEntryCount(of: streams, in: txn, catalogue: catalogue, merging: merge) { chunk in
            var n = 0
            StreamRuns.forEachEntry(of: chunk) { _, _ in n += 1; return true }
            return n
        }
    }

    /// The names of the streams the `streams` index holds entries of, in name order.
    func indexedStreamNames(in txn: borrowing some ReadableTransaction & ~Copyable) throws -> [StreamName] {
        guard let catalogue = try streamRuns(in: txn) else {
            return try txn.withCursor(streams) { c in
                var out: [StreamName] = []
                var entry = try c.first()
                while let e = entry, let zero = e.key.firstIndex(of: 0) {
                    let name = String(decoding: e.key[..<zero], as: UTF8.self)
                    if let stream = try? StreamName(validating: name) { out.append(stream) }
                    entry = try c.seek(atLeast: Array(e.key[..<zero]) + [1])
                }
                return out
            }
        }
        // Each run's names, in name order, merged: two lists at a time, each name once.
        var lists = try catalogue.runs.map { try streamNames(of: $0, in: txn) }
        while lists.count > 1 {
            lists = stride(from: 0, to: lists.count, by: 2).map { i in
                i + 1 < lists.count ? Self.union(lists[i], lists[i + 1]) : lists[i]
            }
        }
        return lists.first ?? []
    }

    /// The names of the streams `run` holds entries of, in name order.
    ///
    /// A run's entries are in key order (name, 0x00, version), a name's side by side: its names come out
    /// in name order, and a name whose entries go on into the next chunk is passed over with one seek,
    /// to the last chunk that begins with it, instead of reading every chunk of it. Why: the state at an
    /// (as-of, known-at) pair lists every stream, and at 1,000,000 events reading every chunk of every
    /// run and sorting the names was a fifth of that query's instructions (callgrind, Round 29).
    private func streamNames(of run: RunCatalogue.Run, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> [StreamName] {
        let runKey = RunCatalogue.filterKey(run.number)
        var names: [StreamName] = []
        var last: [UInt8] = []
        try txn.withCursor(streams) { c in
            // The run's filter (keyed by its number alone), then its chunks.
            var entry = try c.seek(atLeast: runKey)
            if let e = entry, e.key.count == 8 { entry = try c.next() }
            while var e = entry, RunCatalogue.isChunkKey(e.key, ofRun: run.number) {
                // A chunk that begins with the last name read holds more of its entries, as does every
                // chunk up to the last one beginning at or before the name's end (name, 0x01): that one
                // may hold the next names.
                if !last.isEmpty, let first = StreamRuns.name(ofKey: UnsafeRawBufferPointer(rebasing: e.key[8...])),
                   last.withUnsafeBytes({ first.hasSameBytes(as: $0) }) {
                    guard let found = try c.seek(atMost: runKey + last + [1]), RunCatalogue.isChunkKey(found.key, ofRun: run.number) else {
                        throw EventLogError.damaged(sequence: 0, reason: "run \(run.number) of the streams index lost a chunk while it was read")
                    }
                    e = found
                }
                let whole = StreamRuns.forEachEntry(of: e.value) { key, _ in
                    guard let name = StreamRuns.name(ofKey: key) else { return true }
                    guard !last.withUnsafeBytes({ name.hasSameBytes(as: $0) }) else { return true }
                    last = Array(name)
                    if let stream = try? StreamName(validatingUTF8: name) { names.append(stream) }
                    return true
                }
                guard whole else { throw EventLogError.damaged(sequence: 0, reason: "a chunk of run \(run.number) of the streams index is not whole entries") }
                entry = try c.next()
            }
        }
        return names
    }

    /// The names in `a` or `b` (each in name order, each name once), in name order, each name once.
    static func union(_ a: [StreamName], _ b: [StreamName]) -> [StreamName] {
        var out: [StreamName] = []
        out.reserveCapacity(max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                out.append(a[i]); i += 1; j += 1
            } else if a[i] < b[j] {
                out.append(a[i]); i += 1
            } else {
                out.append(b[j]); j += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}
