import EventLog

/// Where the wall-clock time of a catch-up or a replay (``ProjectionSet/catchUp(log:store:batchSize:eventsPerCommit:through:progress:)``)
/// goes, phase by phase, summed over the process (``PhaseTotals``): timed only in a build with
/// `-Xswiftc -DPHASE_TIMES` (`scripts/phase-times`); in every other build the hooks compile away
/// (``TimedPhases``).
///
/// Why: a replay keeps both cores of the machine busy about four fifths of its time (docs/BENCHMARKS.md),
/// and callgrind does not say what the applying thread waits for: the disk, a batch read, a member's
/// computing (Round 46).
public enum ReplayPhases: TimedPhases {
    /// A timed part of a catch-up; phases nest (a commit's transaction holds the rest of the applying
    /// thread's), and the last two are other threads' busy time, so they do not add up.
    public enum Phase: Int, CaseIterable, Sendable {
        /// The store's write transactions whole, their commits included.
        case transactions
        /// The write transactions' bodies: everything before their commits (the commits' time is the
        /// difference).
        case bodies
        /// The applying thread waiting for the next batch to be read and decoded.
        case batchWaits
        /// Members applied on the applying thread (the current state, when the audit trail computes on
        /// another).
        case applied
        /// Concurrent members' batches prepared on the applying thread and their computing started.
        case started
        /// Concurrent members' computed batches written, waits for their computing included.
        case landed
        /// The applying thread waiting for a concurrent member's computing.
        case computedWaits
        /// Reading and decoding batches, on the threads that read ahead.
        case readingThreads
        /// Concurrent members' computing, on other threads.
        case computingThreads
    }

    /// The phases' totals (kept only in a build that times them).
    public static let totals = PhaseTotals(count: Phase.allCases.count)
}
