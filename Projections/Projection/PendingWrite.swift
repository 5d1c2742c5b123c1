import LMDB

/// A concurrent member's batch in flight, being computed on another thread: ``write(in:)`` waits for
/// it, writes it and returns what was computed (for ``finish(_:in:)``); ``discard()`` waits for it
/// and leaves it (after another member failed). Handed to the reading thread once written, to be
/// freed there with the batch it follows.
final class PendingWrite: @unchecked Sendable {
    /// The member's ``ConcurrentStage``, for its next batch.
    let stage: AnyObject
    let discard: () -> Void
    private let writeInTransaction: (borrowing WriteTransaction) throws -> any Sendable
    private let finishInTransaction: (any Sendable, borrowing WriteTransaction) throws -> Void

    init(stage: AnyObject, discard: @escaping () -> Void, write: @escaping (borrowing WriteTransaction) throws -> any Sendable,
         finish: @escaping (any Sendable, borrowing WriteTransaction) throws -> Void) {
        self.stage = stage
        self.discard = discard
        self.writeInTransaction = write
        self.finishInTransaction = finish
    }

    func write(in txn: borrowing WriteTransaction) throws -> any Sendable { try writeInTransaction(txn) }

    /// ``ConcurrentProjection/finish(_:store:in:)`` of what ``write(in:)`` returned.
    func finish(_ last: any Sendable, in txn: borrowing WriteTransaction) throws { try finishInTransaction(last, txn) }
}
