import EventLog
import Foundation
import LMDB

/// What a test log's `streams` index holds, read from LMDB as docs/FORMAT.md lays it out (not through
/// the log), and the index turned back into the tree of logs before `pledger-log/6`.
enum StoredStreams {
    /// Every entry the index holds, key (name, 0x00, big-endian version) → sequence number: from the
    /// runs' chunks (keys beginning with the run's 8-byte number, whose first byte is 0: a name begins
    /// with a letter or digit) or from a tree's entries.
    static func entries(_ log: EventLog) throws -> [[UInt8]: UInt64] {
        let streams = try log.lmdb.database("streams")
        return try log.lmdb.read { txn in
            var out: [[UInt8]: UInt64] = [:]
            try txn.withCursor(streams) { c in
                var entry = try c.first()
                while let e = entry {
                    if e.key.first != 0 {
                        out[Array(e.key)] = fromBigEndian(e.value)
                    } else if e.key.count > 8 {
                        let chunk = Array(e.value)
                        var o = 0
                        while o < chunk.count {
                            let length = Int(chunk[o])
                            out[Array(chunk[o + 1 ..< o + 1 + length])] = fromBigEndian(chunk[o + 1 + length ..< o + 9 + length])
                            o += 9 + length
                        }
                    }
                    entry = try c.next()
                }
            }
            return out
        }
    }

    /// The index as logs before `/6` kept it: a tree keyed by name, 0x00, version, and no catalogue.
    static func moveToTree(_ log: EventLog) throws {
        let held = try entries(log)
        let streams = try log.lmdb.database("streams"), meta = try log.lmdb.database("meta")
        try log.lmdb.write { txn in
            try txn.removeAll(in: streams)
            for (key, seq) in held { try txn.put(withUnsafeBytes(of: seq.bigEndian, Array.init), forKey: key, in: streams) }
            _ = try txn.delete(Array("streams-runs".utf8), in: meta)
        }
    }
}
