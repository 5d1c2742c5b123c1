import CLMDB
import Foundation

/// An LMDB environment: one memory-mapped file holding named databases, shared by threads and processes.
///
/// Commits are durable by default: an acknowledged write survives `kill -9` and power loss. pledger never
/// uses `MDB_NOSYNC` or `MDB_WRITEMAP`; the event log never `MDB_NOMETASYNC` either (only an environment
/// opened without ``Options/syncsMetaEachCommit``, the projection store's, does). All named databases are opened once, at open,
/// in one transaction; stale reader slots left by dead processes are cleared at open (`mdb_reader_check`).
/// When a write finds the map full, the environment aborts it, grows the map while no transaction of
/// this process is active, and runs the write again.
public final class Environment: @unchecked Sendable {
    /// How an environment is opened.
    public struct Options: Sendable {
        /// Initial map size in bytes. The file is sparse: only written pages use disk.
        public var mapSize: Int = 1 << 30
        /// The largest the map may grow to by itself.
        public var maximumMapSize: Int = 1 << 40
        public var maxReaders: UInt32 = 126
        public var maxDatabases: UInt32 = 16
        /// Open for reading only: no write transaction can start, nothing on disk changes but the lock file.
        public var readOnly: Bool = false
        /// Permissions of files the environment creates.
        public var fileMode: mode_t = 0o600
        /// Whether each commit also flushes the meta page that points at what it wrote (the default).
        /// When false (`MDB_NOMETASYNC`), a commit flushes its data pages, and its meta page reaches
        /// the disk with the next commit's flush or with ``sync()``: a system crash or power loss may
        /// undo the last commit, never one before it and never the environment's integrity (LMDB keeps
        /// atomicity, consistency and isolation). Only for data that is derived again from elsewhere
        /// after such a loss: the projection store, whose checkpoints say what its state covers.
        public var syncsMetaEachCommit = true
        public init() {}
    }

    let handle: OpaquePointer
    /// The directory holding `data.mdb` and `lock.mdb`.
    public let path: String
    public let options: Options
    private var databases: [String: Database] = [:]
    private let gate = TransactionGate()
    /// Readers found stale and cleared when the environment opened.
    public private(set) var staleReadersCleared: Int = 0

    /// Opens (creating it when allowed) the environment in directory `path` and every database in `databases`.
    ///
    /// In read-only mode every named database must already exist.
    public init(path: String, options: Options = Options(), databases specs: [Database.Spec]) throws {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(MDB_INVALID, operation: "mdb_env_create") }
        self.handle = env
        self.path = path
        self.options = options
        // From here on `deinit` closes the handle, also when this initializer throws.
        do {
            try check(mdb_env_set_maxdbs(env, options.maxDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            if !options.readOnly {
                try check(mdb_env_set_mapsize(env, options.mapSize), "mdb_env_set_mapsize")
            }
            // MDB_NOTLS: read slots belong to transactions, not threads, so one thread may hold several.
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            if !options.syncsMetaEachCommit { flags |= UInt32(MDB_NOMETASYNC) }
            try check(mdb_env_open(env, path, flags, options.fileMode), "mdb_env_open")
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead), "mdb_reader_check")
            staleReadersCleared = Int(dead)
            try openDatabases(specs)
        }
    }

    deinit { mdb_env_close(handle) }

    private func openDatabases(_ specs: [Database.Spec]) throws {
        var txn: OpaquePointer?
        let flags: UInt32 = options.readOnly ? UInt32(MDB_RDONLY) : 0
        try check(mdb_txn_begin(handle, nil, flags, &txn), "mdb_txn_begin")
        guard let txn else { throw LMDBError(MDB_INVALID, operation: "mdb_txn_begin") }
        var opened: [String: Database] = [:]
        do {
            for spec in specs {
                var dbi = MDB_dbi()
                var dbFlags: UInt32 = options.readOnly ? 0 : UInt32(MDB_CREATE)
                if spec.integerKeys, !spec.asStored { dbFlags |= UInt32(MDB_INTEGERKEY) }
                let opening = mdb_dbi_open(txn, spec.name, dbFlags, &dbi)
                if opening == MDB_NOTFOUND, spec.optional, options.readOnly { continue }
                try check(opening, "mdb_dbi_open(\(spec.name))")
                // LMDB keeps the flags a database was created with and ignores those asked for later: a
                // database made without integer keys would silently sort integer keys as bytes.
                var stored: UInt32 = 0
                try check(mdb_dbi_flags(txn, dbi, &stored), "mdb_dbi_flags(\(spec.name))")
                guard spec.asStored || (stored & UInt32(MDB_INTEGERKEY) != 0) == spec.integerKeys else {
                    throw LMDBError(MDB_INCOMPATIBLE, operation: "mdb_dbi_open(\(spec.name)): created \(spec.integerKeys ? "without" : "with") integer keys,")
                }
                opened[spec.name] = Database(name: spec.name, dbi: dbi)
            }
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        // A failed commit frees the transaction: it must not be aborted afterwards.
        try check(mdb_txn_commit(txn), "mdb_txn_commit")
        databases = opened
    }

    /// The named database opened at start. Throws when the name was not among those opened.
    public func database(_ name: String) throws -> Database {
        guard let db = databases[name] else { throw LMDBError(MDB_NOTFOUND, operation: "database(\(name))") }
        return db
    }

    /// Runs `body` in a read-only snapshot.
    ///
    /// The transaction cannot escape the closure, and the closure cannot suspend: a transaction never
    /// crosses an `await`.
    @available(*, noasync, message: "a transaction must not cross an await")
    public func read<R>(_ body: (borrowing ReadTransaction) throws -> R) throws -> R {
        try gate.enter()
        defer { gate.leave() }
        let txn = try begin(flags: UInt32(MDB_RDONLY))
        defer { mdb_txn_abort(txn) }
        return try body(ReadTransaction(txn))
    }

    /// Runs `body` in a write transaction and commits it when `body` returns; aborts when it throws.
    ///
    /// A second writer, in this process or another, waits until the first commits or aborts.
    /// When the map is full, the write is aborted, the map grows, and `body` runs again from the
    /// start: keep `body` free of side effects outside the transaction.
    @available(*, noasync, message: "a transaction must not cross an await")
    public func write<R>(_ body: (borrowing WriteTransaction) throws -> R) throws -> R {
        while true {
            do {
                return try writeOnce(body)
            } catch LMDBError.Code.mapFull {
                try grow()
            }
        }
    }

    private func writeOnce<R>(_ body: (borrowing WriteTransaction) throws -> R) throws -> R {
        try gate.enter()
        defer { gate.leave() }
        let txn = try begin(flags: 0)
        let result: R
        do {
            result = try body(WriteTransaction(txn))
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        // After a failed commit LMDB has already freed the handle: never abort it.
        try check(mdb_txn_commit(txn), "mdb_txn_commit")
        return result
    }

    private func begin(flags: UInt32) throws -> OpaquePointer {
        while true {
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, flags, &txn)
            if rc == MDB_MAP_RESIZED {
                // Another process grew the map: adopt its size while nothing else of ours is active.
                gate.leave()
                defer { try? gate.enter() }
                try gate.exclusively { try check(mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize") }
                continue
            }
            try check(rc, "mdb_txn_begin")
            guard let txn else { throw LMDBError(MDB_INVALID, operation: "mdb_txn_begin") }
            return txn
        }
    }

    /// Doubles the map size (up to ``Options/maximumMapSize``) while no transaction of this process is active.
    private func grow() throws {
        try gate.exclusively {
            let current = info().mapSize
            guard current < options.maximumMapSize else {
                throw LMDBError(MDB_MAP_FULL, operation: "grow map beyond \(options.maximumMapSize) bytes")
            }
            let next = min(current * 2, options.maximumMapSize)
            try check(mdb_env_set_mapsize(handle, next), "mdb_env_set_mapsize")
        }
    }

    /// Size and use of the memory map.
    public struct Info: Sendable {
        public var mapSize: Int
        public var lastPage: Int
        public var lastTransaction: Int
        public var maxReaders: Int
        public var readers: Int
    }

    public func info() -> Info {
        var i = MDB_envinfo()
        mdb_env_info(handle, &i)
        return Info(mapSize: i.me_mapsize, lastPage: i.me_last_pgno, lastTransaction: i.me_last_txnid,
                    maxReaders: Int(i.me_maxreaders), readers: Int(i.me_numreaders))
    }

    /// Writes a consistent copy of the environment into the existing empty directory `destination`,
    /// compacting it. Safe while other processes write.
    public func copy(to destination: String, compact: Bool = true) throws {
        try check(mdb_env_copy2(handle, destination, compact ? UInt32(MDB_CP_COMPACT) : 0), "mdb_env_copy2")
    }

    /// Runs `body` in a read-only snapshot, as ``read(_:)`` does, unless that would wait: nil, and `body`
    /// not run, when the map is about to be resized (a thread waits for every transaction of this
    /// process to end) or another process has resized it.
    ///
    /// For a helper thread of a writer: the writer waits for the helper, so a helper that waited for the
    /// writer's transaction to end would wait for ever. It reads the state the writer's transaction
    /// started from (no other transaction commits while one writes).
    @available(*, noasync, message: "a transaction must not cross an await")
    public func readWithoutWaiting<R>(_ body: (borrowing ReadTransaction) throws -> R) throws -> R? {
        guard gate.tryEnter() else { return nil }
        defer { gate.leave() }
        var txn: OpaquePointer?
        let rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn)
        if rc == MDB_MAP_RESIZED { return nil }
        try check(rc, "mdb_txn_begin")
        guard let txn else { throw LMDBError(MDB_INVALID, operation: "mdb_txn_begin") }
        defer { mdb_txn_abort(txn) }
        return try body(ReadTransaction(txn))
    }

    /// Flushes to disk what commits wrote: they flush it themselves, but for the meta page of the last
    /// commit of an environment opened without ``Options/syncsMetaEachCommit``, which this makes durable.
    public func sync() throws { try check(mdb_env_sync(handle, 1), "mdb_env_sync") }

    /// Whether each commit flushes the pages it wrote before it returns, as LMDB reports the
    /// environment's flags: neither `MDB_NOSYNC` nor `MDB_WRITEMAP` set (pledger sets neither, anywhere).
    public var syncsEachCommit: Bool { flags & UInt32(MDB_NOSYNC | MDB_WRITEMAP | MDB_MAPASYNC) == 0 }

    /// Whether each commit also flushes its meta page, as LMDB reports the environment's flags: false
    /// where opened without ``Options/syncsMetaEachCommit``.
    public var syncsMetaEachCommit: Bool { flags & UInt32(MDB_NOMETASYNC) == 0 }

    private var flags: UInt32 {
        var f: UInt32 = 0
        mdb_env_get_flags(handle, &f)
        return f
    }

    /// The version of the linked liblmdb, such as "LMDB 0.9.24: (July 24, 2019)".
    public static var libraryVersion: String { String(cString: mdb_version(nil, nil, nil)) }
}

/// Counts this process's active transactions so that the map can be resized when there are none.
final class TransactionGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var active = 0
    private var exclusive = false

    func enter() throws {
        condition.lock()
        while exclusive { condition.wait() }
        active += 1
        condition.unlock()
    }

    /// Enters unless a resize is waiting or under way; false then, without entering.
    func tryEnter() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !exclusive else { return false }
        active += 1
        return true
    }

    func leave() {
        condition.lock()
        active -= 1
        condition.broadcast()
        condition.unlock()
    }

    func exclusively<R>(_ body: () throws -> R) throws -> R {
        condition.lock()
        while exclusive { condition.wait() }
        exclusive = true
        while active > 0 { condition.wait() }
        condition.unlock()
        defer {
            condition.lock()
            exclusive = false
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
