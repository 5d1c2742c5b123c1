import Foundation

/// The peak of a process's private memory (RssAnon) while a piece of work runs, sampled on a thread of
/// its own every `interval`.
///
/// A replay's high-water lies inside its write transactions (the decoded batches and the store's dirty
/// pages), between the points where it reports progress: sampling only there would miss it.
final class PeakMemorySampler: @unchecked Sendable {
    private let stopRequested = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var peak: Int
    private var finished = false

    /// Starts sampling; `initial` is the peak until a sample exceeds it.
    init(startingAt initial: Int, interval: DispatchTimeInterval = .milliseconds(20)) {
        peak = initial
        Thread.detachNewThread { [self] in
            while stopRequested.wait(timeout: .now() + interval) == .timedOut { record(Bench.rssAnonKiB()) }
            record(Bench.rssAnonKiB())
            stopped.signal()
        }
    }

    /// Stops sampling (after one last sample) and returns the peak in KiB; called again, returns it again.
    /// Call from one thread.
    func stop() -> Int {
        if !finished {
            stopRequested.signal()
            stopped.wait()
            finished = true
        }
        return lock.withLock { peak }
    }

    private func record(_ kib: Int) { lock.withLock { peak = max(peak, kib) } }
}
