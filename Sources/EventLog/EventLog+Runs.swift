import Foundation
import LMDB

// What the indexes kept as sorted runs (`ids`, `streams`: ``RunCatalogue``) share.
extension EventLog {
    /// The catalogue stored in `meta` under `key` as `txn` sees it; nil when there is none (the index is
    /// a tree, in a log of an earlier format opened read-only).
    func runCatalogue(_ key: [UInt8], of index: String, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> RunCatalogue? {
        try key.withUnsafeBytes { k in
            try txn.withValue(in: meta, forKey: k) { bytes in
                try bytes.map { b in
                    guard let runs = RunCatalogue(bytes: b) else {
                        throw EventLogError.damaged(sequence: 0, reason: "the \(index) runs catalogue is \(b.count) bytes, not whole runs of \(RunCatalogue.recordSize) in ascending order")
                    }
                    return runs
                }
            }
        }
    }

    /// The runs (newest first) of the catalogue stored in `meta` under `key`, with their filters, as
    /// `txn` sees it (``RunFilters/newestFirst(catalogue:load:)``); nil when there is none.
    func runsAndFilters(_ key: [UInt8], of database: Database, kept: RunFilters,
                        in txn: borrowing some ReadableTransaction & ~Copyable) throws -> (runs: [RunCatalogue.Run], filters: [RunFilter])? {
        try key.withUnsafeBytes { k in
            try txn.withValue(in: meta, forKey: k) { bytes in
                try bytes.map { b in
                    guard let found = try kept.newestFirst(catalogue: b, load: { try loadFilter(of: $0, from: database, in: txn) }) else {
                        throw EventLogError.damaged(sequence: 0, reason: "the \(database.name) runs catalogue is \(b.count) bytes, not whole runs of \(RunCatalogue.recordSize) in ascending order")
                    }
                    return found
                }
            }
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

    /// While a level of `catalogue` holds ``RunCatalogue/fanIn`` runs, merges its oldest ones into one
    /// run of the next level: their entries read (`read`), merged (`merge`: a key in two runs is damage)
    /// and written as a new run (`write`, after them), then the runs deleted from `database` and the
    /// catalogue. The same for every index kept as runs; `Entries` is how each holds a run's entries.
    func mergeRuns<Entries>(_ catalogue: inout RunCatalogue, of database: Database, in txn: borrowing WriteTransaction,
                            read: (RunCatalogue.Run, borrowing WriteTransaction) throws -> Entries,
                            merge: ([Entries]) throws -> Entries,
                            write: (Entries, UInt8, inout RunCatalogue, borrowing WriteTransaction) throws -> Void) throws {
        while let level = catalogue.levelToMerge {
            let inputs = Array(catalogue.runs.filter { $0.level == level }.prefix(RunCatalogue.fanIn))
            var entries: [Entries] = []
            for run in inputs { entries.append(try read(run, txn)) }
            try write(try merge(entries), level + 1, &catalogue, txn)
            for run in inputs { try deleteRun(run, from: database, in: txn) }
            let gone = Set(inputs.map(\.number))
            catalogue.runs.removeAll { gone.contains($0.number) }
        }
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
    func runEntryCount(of database: Database, in txn: borrowing some ReadableTransaction & ~Copyable, catalogue: RunCatalogue,
                       entries: (UnsafeRawBufferPointer) throws -> Int) throws -> Int {
        let listed = Set(catalogue.runs.map(\.number))
        var count = 0
        try txn.withCursor(database) { c in
            var entry = try c.first()
            while let e = entry {
                guard let number = RunCatalogue.runNumber(ofKey: e.key), listed.contains(number) else {
                    throw EventLogError.damaged(sequence: 0, reason: "the \(database.name) index holds a key of \(e.key.count) bytes of no run its catalogue lists")
                }
                if e.key.count > 8 { count += try entries(e.value) }
                entry = try c.next()
            }
        }
        return count
    }
}
