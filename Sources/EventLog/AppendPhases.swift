import Foundation
#if APPEND_PHASES
import Synchronization
#endif

/// Where the wall-clock time of appends goes, phase by phase, summed over the process: timed only in a
/// build with `-Xswiftc -DAPPEND_PHASES` (`scripts/append-phases`); in every other build the hooks in
/// the appends are a constant and an empty function, which the compiler removes, and ``timed`` is false.
///
/// Why: callgrind counts instructions, not the time an append waits for the disk or for the thread
/// that encodes its events, and `perf` is not available on these machines (docs/BENCHMARKS.md, Round 46).
public enum AppendPhases {
    /// A timed part of an append; phases nest (the loop holds the chunk waits, the event puts and the
    /// hashes), so they do not add up.
    public enum Phase: Int, CaseIterable, Sendable {
        /// ``EventLog/append(_:rules:)`` whole: its write transaction, the commit included.
        case call
        /// The write transaction's body: everything before its commit.
        case transaction
        /// The stamps predicted before the loop, for the events encoded on another thread.
        case predictStamps
        /// The loop over the events: rules, writes, and the waits for encoded chunks.
        case loop
        /// The appending thread waiting for the encoding thread's chunks.
        case chunkWaits
        /// Each event's put into `events`.
        case eventPuts
        /// Each event's hashes entry: the tree's nodes hashed, and the put.
        case hashes
        /// The bulk index writes when the transaction ends.
        case bulkIndexWrites
        /// The encoding thread's busy time: each chunk of events, from its stamps to its end.
        case encodingThread

        /// The phase's name in `pledger bench`'s figures.
        public var name: String {
            switch self {
            case .call: "call"
            case .transaction: "transaction"
            case .predictStamps: "predictStamps"
            case .loop: "loop"
            case .chunkWaits: "chunkWaits"
            case .eventPuts: "eventPuts"
            case .hashes: "hashes"
            case .bulkIndexWrites: "bulkIndexWrites"
            case .encodingThread: "encodingThread"
            }
        }
    }

    #if APPEND_PHASES
    /// Whether this build times the phases.
    public static let timed = true
    private static let totals = Mutex<[UInt64]>(Array(repeating: 0, count: Phase.allCases.count))

    /// Now, in nanoseconds of the monotonic clock.
    @inline(__always) static func start() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Adds the time since `start` (from ``start()``) to `phase`.
    @inline(__always) static func add(_ phase: Phase, since start: UInt64) {
        let elapsed = Self.start() &- start
        totals.withLock { $0[phase.rawValue] &+= elapsed }
    }

    /// Sets every phase's total to zero.
    public static func reset() {
        totals.withLock { $0 = Array(repeating: 0, count: Phase.allCases.count) }
    }

    /// Each phase's total, in nanoseconds, since the process started or ``reset()``.
    public static func nanoseconds() -> [Phase: UInt64] {
        totals.withLock { t in Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0, t[$0.rawValue]) }) }
    }
    #else
    /// Whether this build times the phases.
    public static let timed = false
    @inline(__always) static func start() -> UInt64 { 0 }
    @inline(__always) static func add(_ phase: Phase, since start: UInt64) {}
    public static func reset() {}
    public static func nanoseconds() -> [Phase: UInt64] { [:] }
    #endif
}
