import Dispatch

/// A value computed on another thread: a batch of events read and decoded ahead while the one before is
/// applied, or a projection's work on a batch (``ConcurrentProjection``) while the other projections
/// apply theirs.
///
/// A started computation is always waited for, by ``take()`` or ``discard()``, so none outlives the
/// catch-up that started it. Reading the log on that thread takes a read transaction of its own there
/// (the log's environment ties read slots to transactions, not threads) and sees the committed log,
/// which only grows: the same events as a read on the caller's thread.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    // Replaced by the work's result before `finished` is signalled.
    private var result: Result<Value, any Error> = .failure(CancellationError())
    private let finished = DispatchSemaphore(value: 0)
    private var waited = false

    /// Starts `work` on another thread.
    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async {
            // Written before the signal, read after the wait: the semaphore orders the two.
            self.result = Result { try work() }
            self.finished.signal()
        }
    }

    /// The value, once computed; the error `work` threw if it failed. Taken: this object no longer
    /// holds it, so whoever takes it decides on which thread it is freed.
    func take() throws -> Value {
        wait()
        defer { result = .failure(CancellationError()) }
        return try result.get()
    }

    /// Waits for the work and drops its result.
    func discard() { wait() }

    private func wait() {
        guard !waited else { return }
        finished.wait()
        waited = true
    }
}
