import Foundation
#if PHASE_TIMES
import Synchronization
#endif

/// Wall-clock totals of a process's phases of some work, each summed over every thread that times it:
/// kept only in a build with `-Xswiftc -DPHASE_TIMES` (`scripts/phase-times`). In every other build
/// ``now()`` is a constant and ``add(_:since:)`` does nothing, so the hooks in the work compile away.
///
/// Why: callgrind counts instructions, not the time work waits (for the disk, for another thread),
/// and `perf` is not available on these machines (docs/BENCHMARKS.md, Round 46). ``AppendPhases`` and
/// the projections' `ReplayPhases` keep their phases here.
public final class PhaseTotals: Sendable {
    #if PHASE_TIMES
    @usableFromInline let totals: Mutex<[UInt64]>
    #endif
    @usableFromInline let count: Int

    /// Whether this build keeps the totals: a constant, so that a hook that asks it first compiles
    /// away where it is false.
    @inlinable public static var timed: Bool {
        #if PHASE_TIMES
        return true
        #else
        return false
        #endif
    }

    /// Totals for phases numbered `0 ..< count`.
    public init(count: Int) {
        self.count = count
        #if PHASE_TIMES
        totals = Mutex(Array(repeating: 0, count: count))
        #endif
    }

    /// Now, in nanoseconds of the monotonic clock (0 in a build that keeps no totals).
    @inlinable @inline(__always) public static func now() -> UInt64 {
        #if PHASE_TIMES
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
        #else
        return 0
        #endif
    }

    /// Adds the time since `start` (from ``now()``) to phase `phase`.
    @inlinable @inline(__always) public func add(_ phase: Int, since start: UInt64) {
        #if PHASE_TIMES
        let elapsed = Self.now() &- start
        totals.withLock { $0[phase] &+= elapsed }
        #endif
    }

    /// Sets every total to zero.
    public func reset() {
        #if PHASE_TIMES
        totals.withLock { $0 = Array(repeating: 0, count: count) }
        #endif
    }

    /// Each phase's total in nanoseconds since the totals were made or reset: all zero in a build that
    /// keeps none.
    public func nanoseconds() -> [UInt64] {
        #if PHASE_TIMES
        return totals.withLock { $0 }
        #else
        return Array(repeating: 0, count: count)
        #endif
    }
}
