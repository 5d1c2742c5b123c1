import CLMDB

/// An error reported by LMDB, carrying its return code and the C function that returned it.
///
/// Match a specific condition with `~=`, as in `catch LMDBError.Code.mapFull`, or
/// `if case LMDBError.Code.notFound = error`. The message is LMDB's own (`mdb_strerror`).
public struct LMDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The numeric return code: an `MDB_*` constant, or an `errno` value from the system.
    public let code: Code
    /// The LMDB function that failed, such as `mdb_put`.
    public let operation: String

    public init(_ code: Int32, operation: String) {
        self.code = Code(rawValue: code)
        self.operation = operation
    }

    public var description: String {
        "\(operation) failed: \(code.message) (LMDB code \(code.rawValue))"
    }

    /// An LMDB or system return code.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let keyExists = Code(rawValue: MDB_KEYEXIST)
        public static let notFound = Code(rawValue: MDB_NOTFOUND)
        public static let mapFull = Code(rawValue: MDB_MAP_FULL)
        public static let mapResized = Code(rawValue: MDB_MAP_RESIZED)
        public static let readersFull = Code(rawValue: MDB_READERS_FULL)
        public static let databasesFull = Code(rawValue: MDB_DBS_FULL)
        public static let transactionFull = Code(rawValue: MDB_TXN_FULL)
        public static let corrupted = Code(rawValue: MDB_CORRUPTED)
        public static let invalid = Code(rawValue: MDB_INVALID)
        public static let versionMismatch = Code(rawValue: MDB_VERSION_MISMATCH)
        public static let badValueSize = Code(rawValue: MDB_BAD_VALSIZE)
        /// A database exists with other flags than those asked for.
        public static let incompatible = Code(rawValue: MDB_INCOMPATIBLE)
        /// The disk is full (`ENOSPC`).
        public static let noSpace = Code(rawValue: 28)
        /// Permission denied (`EACCES`), also returned for writes in a read-only transaction.
        public static let accessDenied = Code(rawValue: 13)
        /// No such file or directory (`ENOENT`).
        public static let noEntry = Code(rawValue: 2)

        /// LMDB's text for this code.
        public var message: String { String(cString: mdb_strerror(rawValue)) }

        /// Lets `catch LMDBError.Code.mapFull` match an error.
        public static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? LMDBError)?.code == pattern
        }
    }
}

/// Throws for a non-zero LMDB return code. The operation's text is only built for an error: every
/// cursor step and put goes through here.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    if rc != 0 { throw LMDBError(rc, operation: operation()) }
}
