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
    /// As ``prepare(_:from:store:in:)``, for a batch that follows another in the same write transaction
    /// (`previous`: what this member prepared for it; nil for a transaction's first batch), and knowing
    /// whether this batch ends the transaction (`ending`). The batch before may not be written yet when
    /// this one is prepared (nor computed): it is computed, then written, while this one is computed, and
    /// ``compute(_:_:after:from:)`` is given what it computed. What that holds need not be read from the
    /// store, and what the store needs only once the transaction commits may wait for its last batch
    /// (or for ``finish(_:store:in:)``). The default reads everything again, and writes everything
    /// each batch.
    ///
    /// Why: a batch of thousands of events touches about a thousand streams, most of them touched by the batch
    /// before too, and the audit trail read each one's state back (6 % of the applying thread at 200,010
    /// events; callgrind, Round 16 in docs/BENCHMARKS.md), then encoded and wrote each one again, batch
    /// after batch of the same commit (Round 19).
    func prepare(_ events: [DecodedEvent], after previous: Prepared?, ending: Bool, from log: EventLog, store: ProjectionStore,
                 in txn: borrowing WriteTransaction) throws -> Prepared
    /// Computes what applying `events` writes, on any thread, without the store (`log` may be read).
    func compute(_ events: [DecodedEvent], _ prepared: Prepared, from log: EventLog) throws -> Computed
    /// As ``compute(_:_:from:)``, given what the batch before in the same write transaction computed
    /// (`previous`, nil for its first batch), whose `prepare` preceded this one's. The default ignores it.
    func compute(_ events: [DecodedEvent], _ prepared: Prepared, after previous: Computed?, from log: EventLog) throws -> Computed
    /// Writes what ``compute(_:_:from:)`` made, in the same write transaction as its `prepare`.
    func write(_ computed: Computed, store: ProjectionStore, in txn: borrowing WriteTransaction) throws
    /// Writes what the transaction's batches left for its end and the last of them, `last`, did not
    /// write (it was not prepared as `ending`: the transaction ended early), before the transaction
    /// commits. The default writes nothing.
    func finish(_ last: Computed, store: ProjectionStore, in txn: borrowing WriteTransaction) throws
}

extension ConcurrentProjection {
    public func prepare(_ events: [DecodedEvent], after previous: Prepared?, ending: Bool, from log: EventLog, store: ProjectionStore,
                        in txn: borrowing WriteTransaction) throws -> Prepared {
        try prepare(events, from: log, store: store, in: txn)
    }

    public func compute(_ events: [DecodedEvent], _ prepared: Prepared, after previous: Computed?, from log: EventLog) throws -> Computed {
        try compute(events, prepared, from: log)
    }

    public func finish(_ last: Computed, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {}

    /// The three steps on this thread, one after another.
    public func apply(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
        let prepared = try prepare(events, from: log, store: store, in: txn)
        try write(try compute(events, prepared, from: log), store: store, in: txn)
    }

    /// Prepares `events` here, after this member's batch before in this transaction (`previous`, as
    /// this method returned it; `ending` when no batch follows in it), and starts computing them on
    /// another thread once the batch before is computed; the returned batch in flight is written
    /// (waiting for it) by ``PendingWrite/write(in:)``, which must be called, in the same transaction,
    /// after the batch before's.
    func start(_ events: [DecodedEvent], after previous: PendingWrite?, ending: Bool, from log: EventLog, store: ProjectionStore,
               in txn: borrowing WriteTransaction) throws -> PendingWrite {
        let before = previous?.stage as? ConcurrentStage<Self>
        let prepared = try prepare(events, after: before?.prepared, ending: ending, from: log, store: store, in: txn)
        let earlier = before?.computed
        let computed = BackgroundResult {
            let previous = try earlier?.value()
            let computing = ReplayPhases.start()
            defer { ReplayPhases.add(.computingThreads, since: computing) }
            return try compute(events, prepared, after: previous, from: log)
        }
        return PendingWrite(stage: ConcurrentStage<Self>(prepared: prepared, computed: computed), discard: computed.discard) { txn in
            let result = try ReplayPhases.timed(.computedWaits) { try computed.value() }
            try write(result, store: store, in: txn)
            return result
        } finish: { last, txn in
            if let last = last as? Computed { try finish(last, store: store, in: txn) }
        }
    }
}
