import Foundation
import LMDB

// What the indexes kept as sorted runs (`ids`, `streams`: ``RunCatalogue``) share.
extension EventLog {
    /// The value stored in `meta` under `key` as `parse` reads it, nil when there is none; damage, named
    /// by `damage` (given the value's size), when `parse` refuses it.
    private func parsedMeta<Value>(_ key: [UInt8], in txn: borrowing some ReadableTransaction & ~Copyable, damage: (Int) -> String,
                                   _ parse: (UnsafeRawBufferPointer) throws -> Value?) throws -> Value? {
        try key.withUnsafeBytes { k in
            try txn.withValue(in: meta, forKey: k) { bytes in
                try bytes.map { b in
                    guard let value = try parse(b) else { throw EventLogError.damaged(sequence: 0, reason: damage(b.count)) }
                    return value
                }
            }
        }
    }

    /// The catalogue stored in `meta` under `key` as `txn` sees it; nil when there is none (the index is
    /// a tree, in a log of an earlier format opened read-only).
    func runCatalogue(_ key: [UInt8], of index: String, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunCatalogue? {
        try parsedMeta(key, in: txn, damage: { "the \(index) runs catalogue is \($0) bytes, not whole runs of \(RunCatalogue.recordSize) in ascending order" }) {
            RunCatalogue(bytes: $0)
        }
    }

    /// The runs (newest first) of the catalogue stored in `meta` under `key`, with their filters, as
    /// `txn` sees it (``RunFilters/newestFirst(catalogue:load:)``); nil when there is none.
    func runsAndFilters(_ key: [UInt8], of database: Database, kept: RunFilters,
                        in txn: borrowing some ReadableTransaction & ~Copyable) throws -> (runs: [RunCatalogue.Run], filters: [RunFilter])? {
        try parsedMeta(key, in: txn, damage: { "the \(database.name) runs catalogue is \($0) bytes, not whole runs of \(RunCatalogue.recordSize) in ascending order" }) { b in
            try kept.newestFirst(catalogue: b, load: { try loadFilter(of: $0, from: database, in: txn) })
        }
    }

    /// Run `run`'s filter, read from `database`.
    func loadFilter(of run: RunCatalogue.Run, from database: Database, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunFilter {
        try RunCatalogue.filterKey(run.number).withUnsafeBytes { k in
            try txn.withValue(in: database, forKey: k) { bytes in
                guard let bytes, let filter = RunFilter(bytes: bytes, seed: run.seed) else {
                    throw EventLogError.damaged(sequence: 0, reason: "run \(run.number) of the \(database.name) index has no filter, or one of \(bytes?.count ?? 0) bytes")
                }
                return filter
            }
        }
    }

    /// The number of a new run of `database`: after every key there, listed or not, so that each put
    /// appends.
    func nextRunNumber(in database: Database, after catalogue: RunCatalogue, in txn: borrowing WriteTransaction) throws -> UInt64 {
        let lastKeyRun = try txn.withCursor(database) { c in try c.last().flatMap { RunCatalogue.runNumber(ofKey: $0.key) } } ?? 0
        return max(lastKeyRun, catalogue.runs.last?.number ?? 0) + 1
    }

    /// The merge under way of the index kept as runs whose merge is stored in `meta` under `key`, if any.
    func runMerge(_ key: [UInt8], in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunMerge? {
        try parsedMeta(key, in: txn, damage: { "the merge under way stored as \(String(decoding: key, as: UTF8.self)) is \($0) bytes, not a merge" }) {
            RunMerge(bytes: $0)
        }
    }

    /// Calls `body` with the value of each chunk of run `run` in `database`, in key order: the keys after
    /// the run's filter that begin with its number (of `keyCount` bytes, or of any length past the
    /// number). `filtered`: the filter must be there (not for the output of a merge under way).
    func forEachChunk(of run: RunCatalogue.Run, in database: Database, keyCount: Int? = nil, filtered: Bool = false,
                      in txn: borrowing some ReadableTransaction & ~Copyable, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try txn.withCursor(database) { c in
            var entry = try c.seek(atLeast: RunCatalogue.filterKey(run.number))
            if filtered {
                guard let first = entry, first.key.count == 8, RunCatalogue.runNumber(ofKey: first.key) == run.number else {
                    throw EventLogError.damaged(sequence: 0, reason: "run \(run.number) of the \(database.name) index has no filter")
                }
                entry = try c.next()
            }
            while let e = entry, RunCatalogue.isChunkKey(e.key, ofRun: run.number), keyCount.map({ e.key.count == $0 }) ?? true {
                try body(e.value)
                entry = try c.next()
            }
        }
    }

    /// Merges runs of `index` while a level of `catalogue` holds ``RunCatalogue/fanIn`` runs, after a
    /// transaction wrote `written` entries into it as runs of level 0: the oldest runs of the lowest such
    /// level whole when they hold at most ``Configuration/mergeStepEntries`` entries together; a larger
    /// merge goes on over transactions (``RunMerge``), one at a time, each transaction writing steps of
    /// it until it has written that many entries, or `written` times the levels if more (what keeps the
    /// merges up with the runs written, however large the batches).
    func mergeRuns<Index: RunIndex>(_ catalogue: inout RunCatalogue, of index: Index, after written: Int,
                                    in txn: borrowing WriteTransaction) throws {
        let step = UInt64(max(1, configuration.mergeStepEntries))
        let levels = UInt64(catalogue.runs.map(\.level).max() ?? 0) + 1
        var budget = max(step, levels * UInt64(written))
        let stored = try runMerge(index.mergeKey, in: txn)
        var merge = stored
        /// The oldest runs of the lowest level to merge, besides a merge under way's.
        func nextInputs() -> [RunCatalogue.Run]? {
            let busy = merge?.inputs ?? []
            guard let level = catalogue.levelToMerge(excluding: busy) else { return nil }
            return Array(catalogue.runs.filter { $0.level == level && !busy.contains($0.number) }.prefix(RunCatalogue.fanIn))
        }
        func mergeWhole(_ inputs: [RunCatalogue.Run]) throws {
            var entries: [Index.Entries] = []
            for run in inputs { entries.append(try index.entries(of: run, in: txn)) }
            try index.writeRun(try index.merged(entries), level: inputs[0].level + 1, into: &catalogue, in: txn)
            for run in inputs { try deleteRun(run, from: index.database, in: txn) }
            let gone = Set(inputs.map(\.number))
            catalogue.runs.removeAll { gone.contains($0.number) }
        }
        // Small merges whole, lowest level first, beside a merge under way.
        while let inputs = nextInputs(), inputs.reduce(0, { $0 + $1.count }) <= step { try mergeWhole(inputs) }
        // Steps of the merge under way, then of the next large one, while the budget lasts.
        while budget > 0 {
            if merge == nil {
                guard let inputs = nextInputs() else { break }
                if inputs.reduce(0, { $0 + $1.count }) <= step {
                    try mergeWhole(inputs)
                    continue
                }
                let number = try nextRunNumber(in: index.database, after: catalogue, in: txn)
                merge = RunMerge(output: .init(number: number, level: inputs[0].level + 1, count: 0, seed: .random(in: .min ... .max)),
                                 inputs: inputs.map(\.number))
            }
            guard var m = merge else { break }
            let before = m.output.count
            let finished = try mergeStep(&m, of: &catalogue, index, step: step, in: txn)
            // A step that is not the last writes at least the entries of one input's window.
            guard finished || m.output.count > before else {
                throw EventLogError.damaged(sequence: 0, reason: "a merge of runs of the \(index.database.name) index made no progress after \(before) entries")
            }
            budget -= min(budget, m.output.count - before)
            merge = finished ? nil : m
        }
        if let merge {
            try txn.put(merge.bytes, forKey: index.mergeKey, in: meta)
        } else if stored != nil {
            _ = try txn.delete(index.mergeKey, in: meta)
        }
    }

    /// One step of `merge`: from each input, the entries after the last written, at most
    /// `step` ÷ inputs; merged, and those up to the least last key of an input with more entries
    /// written as the output's next chunks (the last of them perhaps short), their keys added to the
    /// output's filter (kept between steps: ``MergeFilter``). True when that was every entry left: then
    /// the filter is written, the output listed in `catalogue` in place of the inputs, and the inputs
    /// deleted.
    private func mergeStep<Index: RunIndex>(_ merge: inout RunMerge, of catalogue: inout RunCatalogue, _ index: Index,
                                            step: UInt64, in txn: borrowing WriteTransaction) throws -> Bool {
        let inputs = try merge.inputs.map { number in
            guard let run = catalogue.runs.first(where: { $0.number == number }) else {
                throw EventLogError.damaged(sequence: 0, reason: "run \(number) of the \(index.database.name) index, merged under way, is not listed")
            }
            return run
        }
        let expected = inputs.reduce(0) { $0 + $1.count }
        var filter = try index.mergeFilter.take(for: merge.output, holdingThrough: merge.lastKey)
            ?? index.filter(ofChunksOf: merge.output, capacity: Int(clamping: expected), in: txn)
        let limit = Int(clamping: max(1, step / UInt64(inputs.count)))
        var windows: [Index.Entries] = []
        var through: [UInt8]?
        for run in inputs {
            let window = try index.entries(of: run, after: merge.lastKey, limit: limit, in: txn)
            windows.append(window.entries)
            if let last = window.lastIfMore, through.map({ last.lexicographicallyPrecedes($0) }) ?? true { through = last }
        }
        let merged = try index.merged(windows)
        let written = try index.writeChunks(of: merged, through: through, run: merge.output.number, in: txn)
        index.add(merged, first: written.count, to: &filter)
        merge.output.count += UInt64(written.count)
        if let last = written.lastKey { merge.lastKey = last }
        guard through == nil else {
            index.mergeFilter.keep(filter, for: merge.output, through: merge.lastKey)
            return false
        }
        guard merge.output.count == expected else {
            throw EventLogError.damaged(sequence: 0, reason: "a merge of runs of the \(index.database.name) index wrote \(merge.output.count) entries of \(expected)")
        }
        index.mergeFilter.forget()
        try txn.put(filter.bytes, forKey: RunCatalogue.filterKey(merge.output.number), in: index.database, flags: .noOverwrite)
        for run in inputs { try deleteRun(run, from: index.database, in: txn) }
        let gone = Set(merge.inputs)
        catalogue.runs.removeAll { gone.contains($0.number) }
        catalogue.runs.append(merge.output)
        catalogue.runs.sort { $0.number < $1.number }
        return true
    }

    /// Deletes run `run`'s filter and chunks from `database`.
    func deleteRun(_ run: RunCatalogue.Run, from database: Database, in txn: borrowing WriteTransaction) throws {
        var keys: [[UInt8]] = []
        try txn.withCursor(database) { c in
            var entry = try c.seek(atLeast: RunCatalogue.filterKey(run.number))
            while let e = entry, RunCatalogue.runNumber(ofKey: e.key) == run.number {
                keys.append(Array(e.key))
                entry = try c.next()
            }
        }
        for key in keys { try txn.delete(key, in: database) }
    }

    /// The entries of every chunk in `database` (`entries` counts a chunk's), refusing a key of a run the
    /// catalogue does not list: for checks after a crash.
    /// The output of a merge under way (`merging`) is not counted: its entries are its inputs'.
    func runEntryCount(of database: Database, in txn: borrowing some ReadableTransaction & ~Copyable, catalogue: RunCatalogue,
                       merging: RunMerge?, entries: (UnsafeRawBufferPointer) throws -> Int) throws -> Int {
        let listed = Set(catalogue.runs.map(\.number))
        var count = 0
        try txn.withCursor(database) { c in
            var entry = try c.first()
            while let e = entry {
                guard let number = RunCatalogue.runNumber(ofKey: e.key), listed.contains(number) || number == merging?.output.number else {
                    throw EventLogError.damaged(sequence: 0, reason: "the \(database.name) index holds a key of \(e.key.count) bytes of no run its catalogue lists")
                }
                if e.key.count > 8, listed.contains(number) { count += try entries(e.value) }
                entry = try c.next()
            }
        }
        return count
    }
}
