import Foundation

/// CPU time used so far by the whole process and by the calling thread (`clock_gettime`'s CPU clocks).
///
/// Why: `pledger bench` reports the CPU an event costs beside its wall-clock rate, so a run shows how
/// much of a phase's time is work (and on which thread) and how much is waiting (for the disk, for
/// another thread): the CPU a phase costs, spread over the machine's cores, bounds the rate it could
/// reach with no waiting at all (docs/BENCHMARKS.md).
struct CPUTime {
    /// Every thread's CPU time, user and system.
    var process: Duration
    /// The calling thread's CPU time, user and system.
    var thread: Duration

    /// The clocks at the start of an interval: the process's read first, so that the thread's interval
    /// lies inside the process's and the process's share is never the smaller.
    static func atStart() -> CPUTime {
        let process = read(CLOCK_PROCESS_CPUTIME_ID)
        return CPUTime(process: process, thread: read(CLOCK_THREAD_CPUTIME_ID))
    }

    /// The clocks at the end of an interval: the thread's read first (see ``atStart()``).
    static func atEnd() -> CPUTime {
        let thread = read(CLOCK_THREAD_CPUTIME_ID)
        return CPUTime(process: read(CLOCK_PROCESS_CPUTIME_ID), thread: thread)
    }

    static let zero = CPUTime(process: .zero, thread: .zero)

    static func - (end: CPUTime, start: CPUTime) -> CPUTime {
        CPUTime(process: end.process - start.process, thread: end.thread - start.thread)
    }

    static func += (total: inout CPUTime, interval: CPUTime) {
        total.process += interval.process
        total.thread += interval.thread
    }

    private static func read(_ clock: clockid_t) -> Duration {
        var t = timespec()
        // Both clocks exist on every Linux this runs on; a failure reads as no time, not a crash.
        guard clock_gettime(clock, &t) == 0 else { return .zero }
        return .seconds(t.tv_sec) + .nanoseconds(t.tv_nsec)
    }
}
