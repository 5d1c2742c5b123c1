import EventLog
import LMDB
import Testing

/// Where a test log keeps its hashes: after each event in `events` (from `pledger-log/4` on), or in `leaves` and `tree`, as logs before `/4` did and upgraded ones still do for
/// their earlier events.
enum HashLayout: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case entries, legacy
    var testDescription: String { rawValue }
}

/// Reads and changes a test log's stored hashes in either ``HashLayout``, for tests that tamper with them.
struct StoredHashes {
    let layout: HashLayout
    let events: Database, leaves: Database, tree: Database

    init(_ log: EventLog, layout: HashLayout) throws {
        self.layout = layout
        events = try log.lmdb.database("events")
        leaves = try log.lmdb.database("leaves")
        tree = try log.lmdb.database("tree")
    }

    /// The key of event `n`'s hashes in `events`.
    static func hashesKey(_ n: UInt64) -> [UInt8] { bigEndianBytes(n) + [0x01] }
    static func node(_ level: Int, _ index: UInt64) -> [UInt8] { [UInt8(level)] + bigEndianBytes(index) }

    /// The stored hash at `level` (0: the leaf hashes) and `index`.
    func hash(level: Int, index: UInt64, in txn: borrowing WriteTransaction) throws -> [UInt8]? {
        switch layout {
        case .entries:
            let offset = 32 * level
            guard let entry = try txn.value(in: events, forKey: Self.hashesKey((index + 1) << UInt64(level))), entry.count >= offset + 32 else { return nil }
            return Array(entry[offset ..< offset + 32])
        case .legacy:
            return try level == 0 ? txn.value(in: leaves, forKey: bigEndianBytes(index + 1)) : txn.value(in: tree, forKey: Self.node(level, index))
        }
    }

    /// Stores `hash` at `level` and `index` in place of the one there.
    func set(_ hash: [UInt8], level: Int, index: UInt64, in txn: borrowing WriteTransaction) throws {
        switch layout {
        case .entries:
            let key = Self.hashesKey((index + 1) << UInt64(level)), offset = 32 * level
            guard var entry = try txn.value(in: events, forKey: key), entry.count >= offset + 32 else { return }
            entry.replaceSubrange(offset ..< offset + 32, with: hash)
            try txn.put(entry, forKey: key, in: events)
        case .legacy:
            if level == 0 { try txn.put(hash, forKey: bigEndianBytes(index + 1), in: leaves) } else { try txn.put(hash, forKey: Self.node(level, index), in: tree) }
        }
    }

    /// Removes the hash at `level` and `index`: in an entry, by cutting it short there.
    func remove(level: Int, index: UInt64, in txn: borrowing WriteTransaction) throws {
        switch layout {
        case .entries:
            let key = Self.hashesKey((index + 1) << UInt64(level))
            guard let entry = try txn.value(in: events, forKey: key) else { return }
            if level == 0 { _ = try txn.delete(key, in: events) } else { try txn.put(Array(entry.prefix(32 * level)), forKey: key, in: events) }
        case .legacy:
            _ = try level == 0 ? txn.delete(bigEndianBytes(index + 1), in: leaves) : txn.delete(Self.node(level, index), in: tree)
        }
    }

    /// Moves every event's hashes from `events` into `leaves` and `tree`, sets `tree-size` and `head`
    /// (the last seq and its recorded time) in `meta`, and, when given, writes `format`: the log as a
    /// pledger before `/4` would have written it (its `ids` and `streams` trees: ``StoredIDs/moveToTree(_:)``, ``StoredStreams/moveToTree(_:)``).
    static func moveToLegacy(_ log: EventLog, format: String? = nil) throws {
        try StoredIDs.moveToTree(log)
        try StoredStreams.moveToTree(log)
        let head = try log.head()
        let env = log.lmdb
        let events = try env.database("events"), leaves = try env.database("leaves"), tree = try env.database("tree")
        let meta = try env.database("meta")
        try env.write { txn in
            var entries: [(UInt64, [UInt8])] = []
            try txn.withCursor(events) { c in
                var e = try c.first()
                while let entry = e {
                    if entry.key.count == 9 { entries.append((fromBigEndian(entry.key.prefix(8)), Array(entry.value))) }
                    e = try c.next()
                }
            }
            for (seq, value) in entries {
                try txn.put(Array(value.prefix(32)), forKey: bigEndianBytes(seq), in: leaves)
                for level in stride(from: 1, through: seq.trailingZeroBitCount, by: 1) {
                    try txn.put(Array(value[32 * level ..< 32 * level + 32]), forKey: Self.node(level, (seq >> UInt64(level)) - 1), in: tree)
                }
                _ = try txn.delete(Self.hashesKey(seq), in: events)
            }
            try txn.put(bigEndianBytes(entries.last?.0 ?? 0), forKey: Array("tree-size".utf8), in: meta)
            try txn.put(bigEndianBytes(head.sequence) + bigEndianBytes(UInt64(bitPattern: head.recorded.microsecondsSinceEpoch)), forKey: Array("head".utf8), in: meta)
            if let format { try txn.put(Array(format.utf8), forKey: Array("format".utf8), in: meta) }
        }
    }
}
