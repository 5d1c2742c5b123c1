import EventLog

/// A key of `state-events`: the number of an entity with a correction (``SnapshotKey``'s high half), four
/// bytes big-endian, with an empty value. A correction may change what an earlier event did or replace
/// the entity's definition, which the effects kept with its snapshots (``EffectList``) do not say: such an
/// entity is folded from the log, and a back-dated event of it replaces its snapshots.
///
/// Why only corrections: until store layout 13 every event had a key here (the entity's number, its day
/// and its sequence number, with its effect), a put an event in a replay; its effect is now kept with the
/// snapshot of its day (Round 55 in docs/BENCHMARKS.md).
enum CorrectionKey {
    /// The key marking that entity `number` has a correction.
    static func of(_ number: UInt32) -> [UInt8] { withUnsafeBytes(of: number.bigEndian, Array.init) }
}
