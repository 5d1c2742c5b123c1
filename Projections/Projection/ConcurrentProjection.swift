import EventLog
import LMDB
import Programme

/// A projection whose work on a batch is mostly computing, apart from the store: it reads what it keeps
/// for the batch, computes what to write on any thread, and writes it, so that a ``ProjectionSet``
/// computes it on another thread while the other members apply the same batch.
///
/// A replay spent its time on one thread, applying both projections in turn (about 1.2 cores busy on
/// a machine of two): the audit trail's rows are computed from the batch and each stream's state before
/// it, and need the store only to read those states and write the rows. The store's write transaction
/// stays on its thread (LMDB binds it there): ``prepare(_:from:store:in:)`` and
/// ``write(_:store:in:)`` run there, ``compute(_:_:from:)`` anywhere.
public protocol ConcurrentProjection: Projection {
    /// What ``prepare(_:from:store:in:)`` reads from the store for a batch: bytes copied out.
    associatedtype Prepared: Sendable
    /// What ``compute(_:_:from:)`` makes of a batch, for ``write(_:store:in:)``.
    associatedtype Computed: Sendable

    /// Reads from the store what computing `events` needs, in the store's write transaction.
    func prepare(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws -> Prepared
    /// Computes what applying `events` writes, on any thread, without the store (`log` may be read).
    func compute(_ events: [DecodedEvent], _ prepared: Prepared, from log: EventLog) throws -> Computed
    /// Writes what ``compute(_:_:from:)`` made, in the same write transaction as its `prepare`.
    func write(_ computed: Computed, store: ProjectionStore, in txn: borrowing WriteTransaction) throws
}

extension ConcurrentProjection {
    /// The three steps on this thread, one after another.
    public func apply(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        let prepared = try prepare(events, from: log, store: store, in: txn)
        try write(try compute(events, prepared, from: log), store: store, in: txn)
    }

    /// Prepares `events` here and starts computing them on another thread; the returned step writes
    /// the result once computed (waiting for it), and must be called, in the same transaction.
    func start(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore,
               in txn: borrowing WriteTransaction) throws -> PendingWrite {
        let prepared = try prepare(events, from: log, store: store, in: txn)
        let computed = BackgroundResult { try compute(events, prepared, from: log) }
        return PendingWrite(computed.discard) { txn in try write(try computed.take(), store: store, in: txn) }
    }
}

/// A concurrent projection's batch being computed on another thread: ``write(in:)`` waits for it and
/// writes it; ``discard()`` waits for it and drops it (after another member failed).
struct PendingWrite {
    let discard: () -> Void
    let writeInTransaction: (borrowing WriteTransaction) throws -> Void

    init(_ discard: @escaping () -> Void, write: @escaping (borrowing WriteTransaction) throws -> Void) {
        self.discard = discard
        self.writeInTransaction = write
    }

    func write(in txn: borrowing WriteTransaction) throws { try writeInTransaction(txn) }
}
