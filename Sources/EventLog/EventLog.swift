import Foundation
import LMDB

/// The append-only event log of one ledger, stored in an LMDB environment.
///
/// Events are appended in batches, each batch one durable write transaction: all of it or none.
/// Every event gets the next global sequence number and the next version of its stream; its canonical
/// bytes are stored under the big-endian sequence number, and right after them its RFC 9162 leaf hash
/// with the tree nodes it completes (``HashesEntry``); the indexes
/// by id, stream, type and effective date are written in bulk (docs/FORMAT.md). Nothing is ever updated
/// or deleted.
///
/// Several processes may read while one writes; a second writer waits for the first.
public final class EventLog: @unchecked Sendable {
    /// How to open a log.
    public struct Configuration: Sendable {
        /// Initial map size; the map grows by itself when full.
        public var mapSize: Int = 1 << 30
        /// Open for reading only (auditors): nothing can be appended.
        public var readOnly = false
        /// The clock that stamps `recorded`. Tests inject their own.
        public var clock: @Sendable () -> Timestamp = { Timestamp.now() }
        /// How many events a range of entries of the indexes written in bulk (ids, streams, types,
        /// effective dates) may wait to be indexed (see docs/FORMAT.md): an
        /// appending transaction after which an index's lowest range's watermark is this far behind the
        /// head writes that range's waiting entries into the index, in key order. Larger spreads the
        /// indexes' writes over more events; a restarted writer, and a reader's first lookup, read up
        /// to about this many events back. Values below 1 count as 1.
        ///
        /// Why 32,768: a range's waiting ids land on nearly every leaf of its sixteenth of `ids`, so the
        /// pages a bulk write dirties grow with the log, not with the entries, and twice the entries a
        /// write halves the pages each costs; but a larger limit made single-event commits slower. With
        /// 65,536 (Round 24 in docs/BENCHMARKS.md, alternated runs of one build): 1,000-event appends at
        /// 1,000,000 events +15 %, single commits −7 to −8 % (their pages more often apart), a writer
        /// holding 3.4 to 4.9 MiB more, and a new process reading about twice the events back. A process
        /// that appends in large batches only (an import) may raise it.
        public var bulkIndexLimit: Int = 32_768
        /// The most entries of an index kept as runs that one transaction merges whole; a larger merge
        /// goes on over several transactions, about this many entries a step (``RunMerge``). Values
        /// below 1 count as 1.
        ///
        /// Why 8,192: four runs of level 0 (the default bulk limit's range, 2,048 entries) are merged
        /// whole, larger merges in steps of about 200 KB of `ids` entries, a fifth of what a batch of
        /// 1,000 events writes to `events`. At 1,000,000 events the slowest batch of 1,000 took 16.5–32.8
        /// ms against 150–156 ms with every merge whole (three alternated pairs); steps of 32,768 (the
        /// filter then read as a merge reads a run) left it at 65–69 ms (Round 28 in docs/BENCHMARKS.md).
        public var mergeStepEntries: Int = 8_192
        public init() {}
    }

    /// The format written into a new log's `meta` database.
    ///
    /// `pledger-log/8` files the `types` and `effective` indexes' sequence numbers together, up to
    /// 240 of one name in an entry (``SequenceChunk``); `/7` and earlier kept one entry an event, with
    /// an empty value, which `/8` reads as an entry of one.
    /// `/7` merges large runs of the `ids` and `streams` indexes over several transactions
    /// (``RunMerge``: under `ids-merge` and `streams-merge` in `meta` while one is under way, its output's
    /// chunks in the index under a number the catalogue does not list yet); `/6` merged every run whole.
    /// `/6` keeps the `ids` and `streams` indexes as sorted runs merged in tiers
    /// (``RunCatalogue``: their catalogues under `ids-runs` and `streams-runs` in `meta`); `/5` kept
    /// `ids` so and `streams` as a tree, `/4` and earlier both as trees. `/4` stores each event's leaf
    /// hash and the tree nodes it completes in one entry of `events`, right after the event, and reads
    /// the head from the last event; `/3` and earlier stored the hashes in `leaves` and `tree` and the
    /// head in `meta`. `/3` and later index the ids, streams, types and effective dates of their newest
    /// events in bulk (docs/FORMAT.md), up to the `ids-through`, `streams-through`, `types-through` and
    /// `effective-through` watermarks in `meta`; `pledger-log/2` indexed all but the ids as they were
    /// appended, `pledger-log/1` the ids as well.
    /// An earlier log opened for writing becomes `/8`: each index kept as a tree (`ids` and `streams`
    /// before `/6`, `/5`) becomes one run; the watermarks of what it indexed as it went are its head,
    /// its hashes stay where they are, new ones going beside their events, and its `types` and
    /// `effective` entries stay as they are; opened read-only, it is read as it is. Earlier pledgers
    /// refuse `/8` logs, whose entries of several sequence numbers they would read as one.
    public static let formatVersion = "pledger-log/8"
    /// The formats before ``formatVersion``, oldest first.
    static let earlierFormatVersions = ["pledger-log/1", "pledger-log/2", "pledger-log/3", "pledger-log/4", "pledger-log/5", "pledger-log/6",
                                        "pledger-log/7"]
    /// The formats that keep their hashes in `leaves` and `tree` and their head in `meta`.
    static let legacyHashFormats = ["pledger-log/1", "pledger-log/2", "pledger-log/3"]

    let environment: Environment
    /// Each event's canonical bytes, and (from `pledger-log/4` on) after each its hashes (``HashesEntry``).
    let events: Database
    /// Where `/3` and earlier logs kept leaf hashes and tree nodes; an upgraded log keeps them there.
    let leaves: Database
    let tree: Database
    let ids: Database
    let streams: Database
    let types: Database
    let effective: Database
    let meta: Database
    let configuration: Configuration
    /// The number of this log's latest appending transaction known to have committed in this process
    /// (0 before any), under its lock: read and written only through `lastCommittedTransaction` and
    /// `recordCommitted(_:)` (EventLog+Append.swift).
    var lastCommitted: UInt64 = 0
    let lastCommittedLock = NSLock()
    /// The newest events' waiting index entries, kept by this process's appending transactions between them.
    let writerTail = LogTail.Slot()
    /// The newest events' waiting index entries as this process's readers last read them.
    let readerTail = LogTail.ReaderCache()
    /// The filters of the `ids` runs this process has read.
    let idFilters = RunFilters()
    /// The filters of the `streams` runs this process has read.
    let streamFilters = RunFilters()
    /// The filters of the `ids` and `streams` merges under way, as this process's steps made them.
    let idMergeFilter = MergeFilter()
    let streamMergeFilter = MergeFilter()
    /// The directory of the LMDB environment.
    public let path: String

    static let databaseSpecs: [Database.Spec] = [
        .init("events"), .init("leaves"), .init("tree"), .init("ids"), .init("streams"), .init("types"), .init("effective"), .init("meta"),
    ]

    /// Creates an empty log in directory `path` (created with mode 0700, with its parents), or opens
    /// the log already there.
    public static func create(at path: String, configuration: Configuration = .init()) throws -> EventLog {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let log = try EventLog(opening: path, configuration: configuration, creating: true)
        return log
    }

    /// Opens the log in directory `path`; fails with ``EventLogError/noLedger(path:)`` when there is none.
    public convenience init(path: String, configuration: Configuration = .init()) throws {
        try self.init(opening: path, configuration: configuration, creating: false)
    }

    init(opening path: String, configuration: Configuration, creating: Bool) throws {
        guard FileManager.default.fileExists(atPath: path + "/data.mdb") || creating else {
            throw EventLogError.noLedger(path: path)
        }
        var options = Environment.Options()
        options.mapSize = configuration.mapSize
        options.readOnly = configuration.readOnly
        let env = try Environment(path: path, options: options, databases: Self.databaseSpecs)
        self.environment = env
        self.events = try env.database("events")
        self.leaves = try env.database("leaves")
        self.tree = try env.database("tree")
        self.ids = try env.database("ids")
        self.streams = try env.database("streams")
        self.types = try env.database("types")
        self.effective = try env.database("effective")
        self.meta = try env.database("meta")
        self.configuration = configuration
        self.path = path
        try checkFormat(creating: creating)
    }

    private func checkFormat(creating: Bool) throws {
        let key = Array("format".utf8)
        let found = try environment.read { try $0.value(in: meta, forKey: key) }
        if let found {
            let text = String(decoding: found, as: UTF8.self)
            guard text == Self.formatVersion || Self.earlierFormatVersions.contains(text) else { throw EventLogError.unsupportedFormat(found: text) }
            let complete = try environment.read { txn in try Key.watermarkKeys.allSatisfy { try txn.value(in: meta, forKey: $0) != nil } }
            if text != Self.formatVersion || !complete, !configuration.readOnly {
                try environment.write { txn in
                    // Read again under the write lock: another process may have upgraded it and appended.
                    guard try txn.value(in: meta, forKey: key) == Array(text.utf8) else { return }
                    // What an earlier format indexed as it went is in the index: its watermark is the head.
                    let state = try self.indexState(in: txn)
                    for (k, watermarks) in zip(Key.watermarkKeys, [state.ids, state.streams, state.types, state.effective]) {
                        try txn.put(watermarks.bytes, forKey: k, in: meta)
                    }
                    // Its hashes stay in `leaves` and `tree`, completed first if an early log lacks nodes.
                    // The head is read from the last event: what earlier formats kept of it goes.
                    if Self.legacyHashFormats.contains(text) {
                        try completeLegacyTree(in: txn)
                        for k in [Key.head, Key.treeSize] { _ = try txn.delete(k, in: meta) }
                    }
                    // Its `ids` and `streams` trees, in key order, become one run each.
                    if try idRuns(in: txn) == nil { try convertIDTreeToRuns(in: txn) }
                    if try streamRuns(in: txn) == nil { try convertStreamTreeToRuns(in: txn) }
                    try txn.put(Array(Self.formatVersion.utf8), forKey: key, in: meta)
                }
            }
        } else if creating {
            try environment.write { txn in
                // Read again under the write lock: another process may have created it and appended.
                guard try txn.value(in: meta, forKey: key) == nil else { return }
                for k in Key.watermarkKeys { try txn.put(IndexWatermarks(allThrough: 0).bytes, forKey: k, in: meta) }
                try txn.put(RunCatalogue().bytes, forKey: IDRuns.key, in: meta)
                try txn.put(RunCatalogue().bytes, forKey: StreamRuns.key, in: meta)
                try txn.put(Array(Self.formatVersion.utf8), forKey: key, in: meta)
            }
        } else {
            throw EventLogError.noLedger(path: path)
        }
    }

    /// The underlying environment, for tools that copy or inspect it.
    public var lmdb: Environment { environment }

    /// Writes a compact, consistent copy of the log into the directory `destination`, which is created
    /// (mode 0700) and must not exist yet. Safe while other processes append: the copy is one snapshot.
    public func backup(to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: destination])
        }
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try environment.copy(to: destination, compact: true)
        for file in ["data.mdb", "lock.mdb"] where FileManager.default.fileExists(atPath: destination + "/" + file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: destination + "/" + file)
        }
    }
}

/// The last event of the log: its sequence number and recorded time (both zero for an empty log).
public struct LogHead: Sendable, Equatable {
    public var sequence: UInt64
    public var recorded: Timestamp
    public init(sequence: UInt64, recorded: Timestamp) {
        self.sequence = sequence
        self.recorded = recorded
    }
}

/// Big-endian keys: they sort bytewise in numeric order, the same on every machine.
enum Key {
    static func sequence(_ n: UInt64) -> [UInt8] { withUnsafeBytes(of: n.bigEndian, Array.init) }

    static func decodeSequence(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard bytes.count == 8 else { return 0 }
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        return v
    }

    static func uuid(_ id: UUID) -> [UInt8] { withUnsafeBytes(of: id.uuid, Array.init) }

    /// A name's bytes and 0x00: what every key ``named(_:_:)`` makes of that name begins with, and no
    /// key of another name (the 0x00 keeps `a/b` apart from `a/b/c`).
    static func namePrefix(_ utf8: some Collection<UInt8>) -> [UInt8] {
        var prefix: [UInt8] = []
        prefix.reserveCapacity(utf8.count + 1)
        prefix.append(contentsOf: utf8)
        prefix.append(0)
        return prefix
    }

    /// `name` 0x00 big-endian `n`: the 0x00 keeps `a/b` apart from `a/b/c`.
    static func named(_ name: String, _ n: UInt64) -> [UInt8] {
        var name = name
        // One allocation, the name's bytes copied at once, not a byte at a time (about 300 instructions
        // a key: callgrind, Round 18).
        return name.withUTF8 { utf8 in
            var key: [UInt8] = []
            key.reserveCapacity(utf8.count + 9)
            key.append(contentsOf: utf8)
            key.append(0)
            withUnsafeBytes(of: n.bigEndian) { key.append(contentsOf: $0) }
            return key
        }
    }

    /// The last seq and its recorded time in a `/3` or earlier log (read from the last event since).
    static let head = Array("head".utf8)
    /// How many events `tree` covers in a `/3` or earlier log (not written since).
    static let treeSize = Array("tree-size".utf8)
    /// For each range of ids, the last sequence number whose id the `ids` index holds (``IndexWatermarks``;
    /// absent in a `pledger-log/1` log, which indexed all).
    static let idsThrough = Array("ids-through".utf8)
    /// For each range of streams, the last sequence number whose stream entry the `streams` index holds
    /// (``IndexWatermarks``; absent in `pledger-log/1` and `/2` logs, which indexed all).
    static let streamsThrough = Array("streams-through".utf8)
    /// For each range of type names, the last sequence number whose entry the `types` index holds.
    static let typesThrough = Array("types-through".utf8)
    /// For each range of dates, the last sequence number whose entry the `effective` index holds.
    static let effectiveThrough = Array("effective-through".utf8)
    /// The watermarks' keys, in ``EventLog/IndexState`` order.
    static let watermarkKeys = [idsThrough, streamsThrough, typesThrough, effectiveThrough]

    /// Level byte, then the big-endian index: complete subtree `index` at `level` (level ≥ 1).
    static func treeNode(level: Int, index: UInt64) -> [UInt8] { [UInt8(level)] + sequence(index) }

    /// The key of event `n`'s hashes in `events` (``HashesEntry``): its key and one byte 0x01, so that
    /// it sorts right after the event and before the next.
    static func hashes(_ n: UInt64) -> [UInt8] { withHashes(n, Array.init) }

    /// `body` given event `n`'s key (``sequence(_:)``), made on the stack.
    static func withSequence<R>(_ n: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: n.bigEndian) { try body($0) }
    }

    /// `body` given the key of event `n`'s hashes (``hashes(_:)``), made on the stack.
    static func withHashes<R>(_ n: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: 9, alignment: 8) { key in
            key.storeBytes(of: n.bigEndian, toByteOffset: 0, as: UInt64.self)
            key[8] = HashesEntry.keySuffix
            return try body(UnsafeRawBufferPointer(key))
        }
    }

    /// Whether a key of `events` is an event's (8 bytes), not its hashes' (9).
    static func isEvent(_ key: UnsafeRawBufferPointer) -> Bool { key.count == 8 }

    /// The event whose hashes a key of `events` is the key of; nil for any other key.
    static func sequence(ofHashes key: UnsafeRawBufferPointer) -> UInt64? {
        guard key.count == 9, key[8] == HashesEntry.keySuffix else { return nil }
        return decodeSequence(UnsafeRawBufferPointer(rebasing: key.prefix(8)))
    }
}
