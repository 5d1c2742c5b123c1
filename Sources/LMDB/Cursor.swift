import CLMDB

/// A position in a database, for ordered scans and range seeks.
///
/// A cursor lives only inside ``ReadableTransaction/withCursor(_:_:)``. Each move returns the
/// ``Entry`` it lands on, or `nil` past either end.
public struct Cursor: ~Copyable {
    let handle: OpaquePointer
    let database: Database

    /// A key and value under the cursor. The buffers point into the memory map and are valid
    /// until the transaction ends or writes: copy what you keep.
    public struct Entry {
        public let key: UnsafeRawBufferPointer
        public let value: UnsafeRawBufferPointer
    }

    private func move(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws -> Entry? {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get(\(database.name))")
        return Entry(key: UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                     value: UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    public func first() throws -> Entry? { try move(MDB_FIRST) }
    public func last() throws -> Entry? { try move(MDB_LAST) }
    public func next() throws -> Entry? { try move(MDB_NEXT) }
    public func previous() throws -> Entry? { try move(MDB_PREV) }
    public func current() throws -> Entry? { try move(MDB_GET_CURRENT) }

    /// Moves to the first entry whose key is greater than or equal to `key`.
    public func seek(atLeast key: UnsafeRawBufferPointer) throws -> Entry? { try move(MDB_SET_RANGE, key: key) }

    /// Moves to the first entry whose key is greater than or equal to `key`.
    public func seek(atLeast key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { try seek(atLeast: $0) }
    }

    /// Moves to the last entry whose key is less than or equal to `key`.
    public func seek(atMost key: [UInt8]) throws -> Entry? {
        guard let found = try seek(atLeast: key) else { return try last() }
        if found.key.elementsEqual(key) { return found }
        return try previous()
    }
}
