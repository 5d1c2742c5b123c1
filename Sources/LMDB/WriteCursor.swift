import CLMDB

/// A cursor of a write transaction that stores keys in order (`mdb_cursor_put`).
///
/// Why: `mdb_put` opens a cursor for every key and searches the tree from its root. A cursor kept across
/// puts stays on the leaf it last wrote, and LMDB looks there first: keys written in ascending order,
/// several to a leaf (an index filled in bulk), skip the descent.
public struct WriteCursor: ~Copyable {
    let handle: OpaquePointer
    /// The database the cursor stores into.
    public let database: Database

    /// The same cursor, for seeks and reads. A seek leaves it on the leaf it found, so a put of a key
    /// near the one sought (between that leaf's first and last keys) searches that leaf only.
    ///
    /// Why: a replay reads an entity's latest snapshot and then stores the snapshots after it, next to
    /// it; through one cursor the stores skip the descent from the root and the dirty-page lookups.
    public var reading: Cursor { Cursor(handle: handle, database: database) }

    /// Stores `value` under `key`, as ``WriteTransaction/put(_:forKey:in:flags:)`` does.
    public func put(_ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer, flags: WriteTransaction.PutFlags = []) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_cursor_put(handle, &k, &v, flags.rawValue), "mdb_cursor_put(\(database.name))")
    }

    /// Stores `value` under `key`.
    public func put(_ value: [UInt8], forKey key: [UInt8], flags: WriteTransaction.PutFlags = []) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try put(v, forKey: k, flags: flags) } }
    }
}

extension WriteTransaction {
    /// Opens a cursor for storing keys in `database` for the duration of `body` (``WriteCursor``).
    public func withWriteCursor<R>(_ database: Database, _ body: (borrowing WriteCursor) throws -> R) throws -> R {
        try withCursorHandle(database) { try body(WriteCursor(handle: $0, database: database)) }
    }
}
