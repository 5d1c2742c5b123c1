import Foundation

/// Numbers for appending transactions, unique within the process: a rule's cache may trust what it
/// checked earlier in the same transaction (nothing else writes to the log meanwhile), never across
/// transactions (a batch may be rolled back; LMDB reuses the id of an aborted write transaction).
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
