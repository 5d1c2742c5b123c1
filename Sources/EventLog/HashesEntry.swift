/// The layout of an event's hashes in `events` (log format `pledger-log/4`).
///
/// Under event `sequence`'s key (big-endian) followed by one byte 0x01, so right after the event's own
/// entry: its 32-byte leaf hash, then the hash of each complete subtree its leaf completes, level 1
/// first — as many as `sequence` has trailing zero bits. So the node at level `l` and index `i` is in
/// the hashes of event `(i + 1) · 2^l`, at byte `32 · l` (a leaf is level 0), and an appended event
/// writes two entries side by side at the end of one database, with `MDB_APPEND`.
///
/// Why there: logs before `/4` wrote the leaf hash to `leaves` and each node to `tree`, keyed by level,
/// so a single-event commit dirtied, besides the event's page, a leaf page of both with their branch
/// pages (docs/BENCHMARKS.md, Round 13). Readers of events pass over the 9-byte keys.
enum HashesEntry {
    /// The byte after the event's key that makes the key of its hashes.
    static let keySuffix: UInt8 = 0x01

    /// The event whose entry holds the tree hash at `level` (0: the leaves) and `index`, and the
    /// hash's offset in that entry; nil when no event could hold it.
    static func location(level: Int, index: UInt64) -> (sequence: UInt64, offset: Int)? {
        guard level >= 0, level < 64, index < UInt64.max >> UInt64(level) else { return nil }
        return ((index + 1) << UInt64(level), 32 * level)
    }

    /// The size of event `sequence`'s entry.
    static func size(of sequence: UInt64) -> Int { 32 * (1 + sequence.trailingZeroBitCount) }
}
