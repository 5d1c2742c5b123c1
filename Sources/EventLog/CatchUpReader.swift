import Foundation

/// Reads the log from a position and then follows it as it grows, including appends made by other
/// processes.
///
/// Each ``next(limit:)`` opens a fresh snapshot, copies out up to `limit` events and closes it, so a
/// reader never holds a transaction between calls. ``events(pollInterval:)`` wraps it as an
/// `AsyncSequence` that waits for new appends by polling: LMDB has no change notification across processes.
public struct CatchUpReader: Sendable {
    public let log: EventLog
    /// The next sequence number this reader will yield.
    public private(set) var position: UInt64
    public let filter: EventLog.Filter

    public init(log: EventLog, from position: UInt64 = 1, filter: EventLog.Filter = .init()) {
        self.log = log
        self.position = max(position, 1)
        self.filter = filter
    }

    /// Up to `limit` events from the current position; empty when the reader has caught up.
    @available(*, noasync, message: "reading holds a transaction")
    public mutating func next(limit: Int = 512) throws -> [RecordedEvent] {
        try pollOnce(limit: limit)
    }

    /// An endless sequence of events from the current position: everything already there, then each
    /// new event as it is committed. End it by cancelling the task that iterates it.
    public func events(pollInterval: Duration = .milliseconds(20)) -> AsyncThrowingStream<RecordedEvent, any Error> {
        let start = self
        return AsyncThrowingStream { continuation in
            let task = Task.detached {
                var reader = start
                do {
                    while !Task.isCancelled {
                        let batch = try reader.pollOnce()
                        for event in batch { continuation.yield(event) }
                        if batch.isEmpty { try await Task.sleep(for: pollInterval) }
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// ``next(limit:)`` without the `noasync` mark, for ``events(pollInterval:)``: the read transaction
    /// opens and closes inside this call and never crosses an `await`.
    mutating func pollOnce(limit: Int = 512) throws -> [RecordedEvent] {
        let batch = try log.read(from: position, direction: .forward, filter: filter, limit: limit)
        if let last = batch.last { position = last.sequence + 1 }
        return batch
    }
}
