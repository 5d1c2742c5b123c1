import Foundation

/// Numbers for appending transactions, unique within the process: a rule's cache may trust what it
/// checked earlier in the same transaction (nothing else writes to the log meanwhile), and across
/// transactions only what it read in the log's last committed one (a batch may be rolled back; LMDB
/// reuses the id of an aborted write transaction, so its own ids cannot tell; and a number is never
/// reused, even by another log).
final class AppendTransactionNumbers: @unchecked Sendable {
    static let shared = AppendTransactionNumbers()
    private let lock = NSLock()
    private var last: UInt64 = 0

    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        return last
    }
}
