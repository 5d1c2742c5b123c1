import Dispatch
import EventLog
import Programme

/// One batch of events read and decoded on another thread, payloads included (``DecodedEvent``), so
/// that a catch-up reads the next batch while it applies this one.
///
/// The read takes a read transaction of its own on that thread (the log's environment ties read slots
/// to transactions, not threads) and sees the committed log, which only grows: the same events as a
/// read on the caller's thread. A started read is always waited for, by ``events()`` or ``discard()``,
/// so none outlives the catch-up that started it.
final class BatchRead: @unchecked Sendable {
    private var result: Result<[DecodedEvent], any Error> = .success([])
    private let finished = DispatchSemaphore(value: 0)
    private var waited = false

    /// Starts reading up to `limit` events from sequence `start`.
    init(_ log: EventLog, from start: UInt64, limit: Int) {
        DispatchQueue.global().async {
            // Written before the signal, read after the wait: the semaphore orders the two.
            self.result = Result { try log.read(from: start, limit: limit).map(DecodedEvent.init) }
            self.finished.signal()
        }
    }

    /// The batch, once read; the read's error if it failed.
    func events() throws -> [DecodedEvent] {
        wait()
        return try result.get()
    }

    /// Waits for the read and drops its result.
    func discard() { wait() }

    private func wait() {
        guard !waited else { return }
        finished.wait()
        waited = true
    }
}
