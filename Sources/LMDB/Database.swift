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
        /// Keys compare as native-endian integers (`MDB_INTEGERKEY`); off by default, since
        /// pledger uses big-endian keys that sort bytewise and read the same on every machine.
        public var integerKeys: Bool
        public init(_ name: String, integerKeys: Bool = false) {
            self.name = name
            self.integerKeys = integerKeys
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
