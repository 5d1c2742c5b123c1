import CLMDB

/// A named database inside an ``Environment``: a sorted map from byte keys to byte values.
///
/// Handles are opened once, when the environment opens, and stay valid for its lifetime;
/// they are plain values and may be shared between threads.
public struct Database: Sendable, Hashable {
    /// The name the database was opened with.
    public let name: String
    let dbi: MDB_dbi

    /// How a named database is created.
    public struct Spec: Sendable, Hashable {
        public var name: String
        /// Keys compare as native-endian integers (`MDB_INTEGERKEY`, keys all 4 or all 8 bytes). Off by
        /// default: the log's keys are big-endian, sort bytewise and read the same on every machine; a
        /// derived store may use integers where key comparisons are its hot path. Opening a database
        /// made with the other setting fails with ``LMDBError/Code/incompatible`` (LMDB itself would
        /// keep the flags it was made with and silently compare keys its way).
        public var integerKeys: Bool
        /// Open the database with the flags it was made with, whatever `integerKeys` says (a new one is
        /// made without): for a store of an older layout, to read or delete what it holds.
        public var asStored = false
        /// When the environment is opened read-only and has no such database, leave it unopened
        /// (``Environment/database(_:)`` then throws) instead of failing the open: for reading a store
        /// of an older layout, which lacks databases a newer one added.
        public var optional = false
        public init(_ name: String, integerKeys: Bool = false) {
            self.name = name
            self.integerKeys = integerKeys
        }

        /// The database `name` opened with the flags it was made with.
        public static func asStored(_ name: String) -> Spec {
            var spec = Spec(name)
            spec.asStored = true
            return spec
        }
    }
}

/// Statistics about one database, from `mdb_stat`.
public struct DatabaseStatistics: Sendable, Equatable {
    public var entries: Int
    public var depth: Int
    public var branchPages: Int
    public var leafPages: Int
    public var overflowPages: Int
    public var pageSize: Int
}
