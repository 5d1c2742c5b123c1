/// Where the wall-clock time of appends goes, phase by phase, summed over the process (``PhaseTotals``):
/// timed only in a build with `-Xswiftc -DPHASE_TIMES` (`scripts/phase-times`); in every other build
/// the hooks in the appends compile away (``TimedPhases``).
///
/// Why: callgrind counts instructions, not the time an append waits for the disk or for the thread
/// that encodes its events (docs/BENCHMARKS.md, Round 46).
public enum AppendPhases: TimedPhases {
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
    }

    /// The phases' totals (kept only in a build that times them).
    public static let totals = PhaseTotals(count: Phase.allCases.count)
}
