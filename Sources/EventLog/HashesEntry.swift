/// The layout of an entry of the `hashes` database (log format `pledger-log/4`).
///
/// Under event `sequence`'s key (big-endian, as in `events`): its 32-byte leaf hash, then the hash of
/// each complete subtree its leaf completes, level 1 first — as many as `sequence` has trailing zero
/// bits. So the node at level `l` and index `i` is in the entry of event `(i + 1) · 2^l`, at byte
/// `32 · l` (a leaf is level 0), and an appended event writes one entry, with `MDB_APPEND`.
///
/// Why one entry: logs before `/4` wrote the leaf hash to `leaves` and each node to `tree`, keyed by
/// level, so a single-event commit dirtied the paths to a leaf page of both, with their branch pages
/// (docs/BENCHMARKS.md, Round 13).
enum HashesEntry {
    /// The event whose entry holds the tree hash at `level` (0: the leaves) and `index`, and the
    /// hash's offset in that entry; nil when no event could hold it.
    static func location(level: Int, index: UInt64) -> (sequence: UInt64, offset: Int)? {
        guard level >= 0, level < 64, index < UInt64.max >> UInt64(level) else { return nil }
        return ((index + 1) << UInt64(level), 32 * level)
    }

    /// The size of event `sequence`'s entry.
    static func size(of sequence: UInt64) -> Int { 32 * (1 + sequence.trailingZeroBitCount) }
}
