import Dispatch

/// A value computed on another thread: a batch of events read and decoded ahead while the one before is
/// applied, or a projection's work on a batch (``ConcurrentProjection``) while the other projections
/// apply theirs.
///
/// A started computation is always waited for, by ``take()``, ``value()`` or ``discard()``, so none
/// outlives the catch-up that started it. Reading the log on that thread takes a read transaction of
/// its own there (the log's environment ties read slots to transactions, not threads) and sees the
/// committed log, which only grows: the same events as a read on the caller's thread.
///
/// Any number of threads may wait for it at once (a concurrent member's next batch, computed on
/// another thread, waits for the batch before while the catch-up's thread writes that batch): the work
/// holds a dispatch group from its start to its end, and the result, written before the group is
/// left, is only read after a wait.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    // Replaced by the work's result before the group is left.
    private var result: Result<Value, any Error> = .failure(CancellationError())
    private let running = DispatchGroup()

    /// Starts `work` on another thread, after the work `queue` was given before when it is serial.
    init(on queue: DispatchQueue = .global(), _ work: @escaping @Sendable () throws -> Value) {
        running.enter()
        queue.async {
            // Written before the group is left, read after a wait: the group orders the two.
            self.result = Result { try work() }
            self.running.leave()
        }
    }

    /// The value, once computed; the error `work` threw if it failed. Taken: this object no longer
    /// holds it, so whoever takes it decides on which thread it is freed. Only for a result that one
    /// thread alone waits for (a batch read ahead).
    func take() throws -> Value {
        running.wait()
        defer { result = .failure(CancellationError()) }
        return try result.get()
    }

    /// The value, once computed, left held here too; the error `work` threw if it failed. Any number
    /// of threads may call it at once.
    func value() throws -> Value {
        running.wait()
        return try result.get()
    }

    /// Waits for the work and leaves its result.
    func discard() { running.wait() }
}
