import Foundation
import LMDB
import Programme

extension CurrentStateProjection {
    /// What `read` gives for the entities listed in `state-entities`, read in `txn` as one pass of the
    /// shared snapshot decoder (``EntitySnapshotDecoder/pass()``, what it learnt kept for later passes).
    ///
    /// When earlier passes read at least `threshold` entities, the key range is split at their middle
    /// and `read` runs for each half on its own thread, in a read transaction of the same committed
    /// state (checked by transaction id), and `join` appends the second half's value to the first's;
    /// when a write came between, or fewer entities are known, `read` runs once, on this thread, for
    /// the whole range. `read` is given the range (`from`, or the first key; up to but not including
    /// `upTo`, or to the last), a size hint for its result, and the pass to decode through.
    ///
    /// Why one piece: both reads of the current state, as known now (snapshots) and as known at a past
    /// point (effects), split and join the same way.
    static func splitRead<Value: Sendable>(
        in txn: borrowing ReadTransaction, splittingFrom threshold: Int,
        _ read: @Sendable (_ txn: borrowing ReadTransaction, _ from: [UInt8]?, _ upTo: [UInt8]?, _ capacity: Int,
                           _ pass: inout EntitySnapshotDecoder.Pass) throws -> Value,
        join: (inout Value, consuming Value) -> Void
    ) throws -> Value {
        let decoder = EntitySnapshotDecoder.shared
        let start = decoder.pass()
        if let middle = start.middleKey(minimum: threshold) {
            let id = txn.snapshotID
            let halves = Halves<Value>()
            try txn.concurrently(workers: 2) { w, worker in
                guard worker.snapshotID == id else { return }   // a write came between: read on one thread below
                var pass = start
                // The first half's result takes the second's after: room for both.
                let capacity = w == 0 ? start.knownCount + 16 : start.knownCount / 2 + 16
                let value = try read(worker, w == 0 ? nil : middle, w == 0 ? middle : nil, capacity, &pass)
                halves.set(w, value, pass)
            }
            if let (first, second) = halves.take() {
                decoder.keep(first.pass, second.pass)
                var out = first.value
                join(&out, second.value)
                return out
            }
        }
        var pass = start
        let out = try read(txn, nil, nil, start.knownCount, &pass)
        decoder.keep(pass)
        return out
    }
}
