import EventLog
import Foundation
import LMDB

/// What a test log's `ids` index holds, read from LMDB as docs/FORMAT.md lays it out (not through
/// the log), and the index turned back into the tree of logs before `pledger-log/5`.
enum StoredIDs {
    /// Every id the index holds, with its sequence number: from the runs' chunks (24-byte keys: run
    /// number, first id; values of 24-byte entries), or from a tree's entries (16-byte id → 8-byte
    /// sequence number).
    static func entries(_ log: EventLog) throws -> [UUID: UInt64] {
        let ids = try log.lmdb.database("ids")
        return try log.lmdb.read { txn in
            var out: [UUID: UInt64] = [:]
            try txn.withCursor(ids) { c in
                var entry = try c.first()
                while let e = entry {
                    // Keys of 16 bytes are a tree's, of 24 a run's chunks, of 8 a run's filter.
                    if e.key.count == 16 {
                        out[uuid(Array(e.key))] = fromBigEndian(e.value)
                    } else if e.key.count == 24 {
                        let chunk = Array(e.value)
                        for o in stride(from: 0, to: chunk.count, by: 24) {
                            out[uuid(Array(chunk[o ..< o + 16]))] = fromBigEndian(chunk[o + 16 ..< o + 24])
                        }
                    }
                    entry = try c.next()
                }
            }
            return out
        }
    }

    /// The entries of every chunk of runs (24-byte keys), duplicates counted, and the run numbers
    /// the keys of `ids` begin with.
    static func chunks(_ log: EventLog) throws -> (entries: Int, runs: Set<UInt64>) {
        let ids = try log.lmdb.database("ids")
        return try log.lmdb.read { txn in
            var entries = 0
            var runs: Set<UInt64> = []
            try txn.withCursor(ids) { c in
                var entry = try c.first()
                while let e = entry {
                    if e.key.count == 24 { entries += e.value.count / 24 }
                    runs.insert(fromBigEndian(e.key.prefix(8)))
                    entry = try c.next()
                }
            }
            return (entries, runs)
        }
    }

    /// The index as logs before `/5` kept it: a tree keyed by id, and no catalogue of runs.
    static func moveToTree(_ log: EventLog) throws {
        let held = try entries(log)
        let ids = try log.lmdb.database("ids"), meta = try log.lmdb.database("meta")
        try log.lmdb.write { txn in
            try txn.removeAll(in: ids)
            for (id, seq) in held { try txn.put(withUnsafeBytes(of: seq.bigEndian, Array.init), forKey: withUnsafeBytes(of: id.uuid, Array.init), in: ids) }
            _ = try txn.delete(Array("ids-runs".utf8), in: meta)
        }
    }

    private static func uuid(_ b: [UInt8]) -> UUID {
        UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
