import LMDB

extension EventLog {
    /// How many entries one index written in bulk holds, against how many events its watermarks cover.
    public struct IndexEntryCount: Sendable, Equatable {
        /// The index's database: `ids`, `streams`, `types` or `effective`.
        public var index: String
        /// Events whose entry the watermarks say the index holds.
        public var covered: Int
        /// Entries the index holds.
        public var stored: Int
    }

    /// For each index written in bulk, the entries its watermarks cover and the entries it holds, read
    /// in one snapshot: equal when every bulk write was whole (docs/FORMAT.md). Reads every event's
    /// index entries (without decoding the rest): for checks after a crash, not for every query.
    public func indexEntryCounts() throws -> [IndexEntryCount] {
        try environment.read { txn in
            let state = try indexState(in: txn)
            var covered = (ids: 0, streams: 0, types: 0, effective: 0)
            try txn.withCursor(events) { c in
                var entry = try c.firstEvent()
                while let e = entry {
                    let sequence = Key.decodeSequence(e.key)
                    let stored = try Self.decodeStored(e.value, sequence: sequence, EventCodec.storedEntry)
                    if state.ids.covers(stored.id, at: sequence) { covered.ids += 1 }
                    if state.streams.covers(stored.stream, at: sequence) { covered.streams += 1 }
                    if state.types.covers(ofName: stored.type, at: sequence) { covered.types += 1 }
                    if state.effective.covers(ofName: stored.effective, at: sequence) { covered.effective += 1 }
                    entry = try c.nextEvent()
                }
            }
            return try [("ids", ids, covered.ids), ("streams", streams, covered.streams), ("types", types, covered.types),
                        ("effective", effective, covered.effective)].map { name, database, count in
                IndexEntryCount(index: name, covered: count,
                                stored: database == ids ? try idEntryCount(in: txn)
                                    : database == streams ? try streamEntryCount(in: txn) : try sequenceCount(of: database, name, in: txn))
            }
        }
    }

    /// The sequence numbers the `types` or `effective` index holds: the count of each entry's
    /// (``SequenceChunk``).
    private func sequenceCount(of database: Database, _ name: String, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> Int {
        try txn.withCursor(database) { c in
            var count = 0
            var entry = try c.first()
            while let e = entry {
                count += try SequenceChunk.count(key: e.key, value: e.value, index: name)
                entry = try c.next()
            }
            return count
        }
    }
}
