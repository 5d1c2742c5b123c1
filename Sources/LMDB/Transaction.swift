import Dispatch
import Foundation
import CLMDB

/// Reading operations shared by ``ReadTransaction`` and ``WriteTransaction``.
///
/// Byte buffers handed to closures point into LMDB's memory map: they are valid only inside the
/// closure and must be copied out (for example with `Array(buffer)`) before the transaction ends.
public protocol ReadableTransaction: ~Copyable {
    /// The underlying `MDB_txn *`, for calls this wrapper does not cover. Do not commit, abort or keep it.
    var unsafeHandle: OpaquePointer { get }
}

extension ReadableTransaction where Self: ~Copyable {
    /// Calls `body` with the value stored under `key`, or with `nil` when there is none.
    public func withValue<R>(
        in database: Database, forKey key: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(unsafeHandle, database.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return try body(nil) }
        try check(rc, "mdb_get(\(database.name))")
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// A copy of the value stored under `key`, or `nil`.
    public func value(in database: Database, forKey key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { k in try withValue(in: database, forKey: k) { $0.map { Array($0) } } }
    }

    /// Whether `key` has a value.
    public func contains(_ key: [UInt8], in database: Database) throws -> Bool {
        try key.withUnsafeBytes { k in try withValue(in: database, forKey: k) { $0 != nil } }
    }

    /// The id of the committed state this transaction sees (`mdb_txn_id`): two read transactions with
    /// the same id see the same data.
    public var snapshotID: Int { Int(mdb_txn_id(unsafeHandle)) }

    /// Opens a cursor on `database` for the duration of `body`.
    public func withCursor<R>(_ database: Database, _ body: (borrowing Cursor) throws -> R) throws -> R {
        try withCursorHandle(database) { try body(Cursor(handle: $0, database: database)) }
    }

    /// Opens an `MDB_cursor *` on `database` for the duration of `body`, and closes it after: what
    /// ``Cursor`` and ``WriteCursor`` are made from.
    func withCursorHandle<R>(_ database: Database, _ body: (OpaquePointer) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(unsafeHandle, database.dbi, &cursor), "mdb_cursor_open(\(database.name))")
        guard let cursor else { throw LMDBError(MDB_INVALID, operation: "mdb_cursor_open(\(database.name))") }
        defer { mdb_cursor_close(cursor) }
        return try body(cursor)
    }

    /// Entry counts and page usage of `database`.
    public func statistics(_ database: Database) throws -> DatabaseStatistics {
        var s = MDB_stat()
        try check(mdb_stat(unsafeHandle, database.dbi, &s), "mdb_stat(\(database.name))")
        return DatabaseStatistics(
            entries: s.ms_entries, depth: Int(s.ms_depth), branchPages: s.ms_branch_pages,
            leafPages: s.ms_leaf_pages, overflowPages: s.ms_overflow_pages, pageSize: Int(s.ms_psize))
    }
}

/// A read-only snapshot of an ``Environment``.
///
/// It exists only inside ``Environment/read(_:)``: it cannot be copied, stored or sent elsewhere,
/// and every reader sees one consistent, committed state for its whole life.
public struct ReadTransaction: ~Copyable, ReadableTransaction {
    public let unsafeHandle: OpaquePointer
    init(_ handle: OpaquePointer) { self.unsafeHandle = handle }

    /// Runs `body(worker, transaction)` for `workers` workers at once, on as many threads, each with a
    /// read transaction of its own, begun now and ended when `body` returns; throws the first error.
    ///
    /// Why: one LMDB transaction serves one thread at a time, so reading on several cores takes
    /// several. They are begun while this one is active, so they need no second admission to the
    /// environment (which could wait behind a map resize that waits for this one). Each sees the
    /// state committed when it began: this one's, or a later one — the same, for data that is never
    /// rewritten, such as a log's past.
    @available(*, noasync, message: "a transaction must not cross an await")
    public func concurrently(workers: Int, _ body: @Sendable (Int, borrowing ReadTransaction) throws -> Void) throws {
        let env = mdb_txn_env(unsafeHandle)
        var handles: [OpaquePointer] = []
        defer { for h in handles { mdb_txn_abort(h) } }
        for _ in 0..<max(1, workers) {
            var txn: OpaquePointer?
            try check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin")
            guard let txn else { throw LMDBError(MDB_INVALID, operation: "mdb_txn_begin") }
            handles.append(txn)
        }
        let errors = Errors(count: handles.count)
        nonisolated(unsafe) let shared = handles
        DispatchQueue.concurrentPerform(iterations: shared.count) { w in
            do { try body(w, ReadTransaction(shared[w])) } catch { errors.record(error, at: w) }
        }
        if let error = errors.first { throw error }
    }

    /// The errors of concurrent workers, one slot each.
    private final class Errors: @unchecked Sendable {
        private var slots: [(any Error)?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func record(_ error: any Error, at index: Int) { lock.lock(); slots[index] = error; lock.unlock() }
        var first: (any Error)? { lock.lock(); defer { lock.unlock() }; return slots.lazy.compactMap { $0 }.first }
    }
}

/// A write transaction: at most one at a time per environment, across all processes.
///
/// It exists only inside ``Environment/write(_:)``, which commits it when the closure returns and
/// aborts it when the closure throws, so a write is all or nothing.
public struct WriteTransaction: ~Copyable, ReadableTransaction {
    public let unsafeHandle: OpaquePointer
    init(_ handle: OpaquePointer) { self.unsafeHandle = handle }

    /// This transaction's id (`mdb_txn_id`): one more than the last committed write transaction's, in
    /// any process, when it began. The ids of committed write transactions that changed anything run
    /// on one by one, so a writer that began with the id after its own last commit's knows that nothing
    /// else has been committed since, provided that commit changed something: a write transaction
    /// that changed nothing commits without using its id, which the next write transaction gets again.
    public var id: Int { Int(mdb_txn_id(unsafeHandle)) }

    /// How ``put(_:forKey:in:flags:)`` treats existing keys.
    public struct PutFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Fail with ``LMDBError/Code/keyExists`` instead of replacing a value.
        public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
        /// The key sorts after every key in the database: a fast path for logs. Fails with
        /// ``LMDBError/Code/keyExists`` when it does not.
        public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    }

    /// Stores `value` under `key`.
    public func put(
        _ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer,
        in database: Database, flags: PutFlags = []
    ) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(unsafeHandle, database.dbi, &k, &v, flags.rawValue), "mdb_put(\(database.name))")
    }

    /// Stores `value` under `key`.
    public func put(_ value: [UInt8], forKey key: [UInt8], in database: Database, flags: PutFlags = []) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try put(v, forKey: k, in: database, flags: flags) } }
    }

    /// Removes every key of `database`, keeping the database itself (`mdb_drop` with `del` 0): one call,
    /// without reading the keys out.
    public func removeAll(in database: Database) throws {
        try check(mdb_drop(unsafeHandle, database.dbi, 0), "mdb_drop(\(database.name))")
    }

    /// Deletes `database` from the environment (`mdb_drop` with `del` 1), keys, flags and name: once
    /// committed, its handle is closed, and the name can be created anew, with other flags, only by
    /// opening the environment again.
    public func deleteDatabase(_ database: Database) throws {
        try check(mdb_drop(unsafeHandle, database.dbi, 1), "mdb_drop(\(database.name), delete)")
    }

    /// Removes `key` and its value; returns whether it was there.
    @discardableResult
    public func delete(_ key: [UInt8], in database: Database) throws -> Bool {
        try key.withUnsafeBytes { kb in
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            let rc = mdb_del(unsafeHandle, database.dbi, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc, "mdb_del(\(database.name))")
            return true
        }
    }
}
