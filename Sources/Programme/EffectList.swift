import EventLog

/// A list of events' effects, each with its event's sequence number and effective day: what the
/// current-state projection keeps beside each snapshot for the events of its day
/// (``EntitySnapshot/withEncoded(_:prefix:beside:definitionNumber:in:_:)``).
///
/// Each entry is the sequence number in unsigned LEB128, the day's offset from the snapshot's day
/// zigzag-encoded (zero but for events effective before their entity's definition, kept with the
/// definition's day), the effect's length in unsigned LEB128 and the effect (``EntityEffect``'s stored
/// form; none, length zero, for an event without one: the definition, or a payload that did not decode).
///
/// Why: the projection folds a state known at a past point, or a back-dated event, from the effects of
/// the events after a snapshot. Kept under a key of their own, they cost a put an event in a replay,
/// about a tenth of the thread that sets its pace (Round 55 in docs/BENCHMARKS.md).
public enum EffectList {
    /// Appends the entry of event `sequence`, effective `dayOffset` days after the snapshot's day, with
    /// `effect` (none: `nil`), to `list`.
    public static func append(sequence: UInt64, dayOffset: Int64, effect: EntityEffect?, to list: inout [UInt8]) {
        let bound = 3 * SnapshotWriter.maximumNumberSize + EntityEffect.maximumSize
        SnapshotWriter.append(bound: bound, to: &list) { w in
            w.unsigned(sequence)
            w.signed(Int128(dayOffset))
            guard let effect else { return w.unsigned(UInt64(0)) }
            // The effect after a one-byte length: an effect is at most ``EntityEffect/maximumSize`` bytes.
            let lengthAt = w.count
            w.byte(0)
            w.effect(effect)
            w.set(UInt8(w.count - lengthAt - 1), at: lengthAt)
        }
    }

    /// Calls `body` with each entry of `list` in order: its sequence number, its day's offset and its
    /// stored effect (empty for none). Bytes that are not whole entries throw ``FieldError``.
    public static func forEach(_ list: UnsafeRawBufferPointer,
                               _ body: (_ sequence: UInt64, _ dayOffset: Int64, _ effect: UnsafeRawBufferPointer) throws -> Void) throws {
        var r = SnapshotReader(bytes: list)
        while !r.atEnd {
            let sequence = try r.unsigned64()
            let offset = try r.signed()
            guard let dayOffset = Int64(exactly: offset) else { throw FieldError(field: "(effects)", "a day offset out of range at byte \(r.offset)") }
            let length = try r.unsigned64()
            guard length <= UInt64(EntityEffect.maximumSize) else { throw FieldError(field: "(effects)", "an effect of \(length) bytes at byte \(r.offset)") }
            try body(sequence, dayOffset, try r.take(Int(length)))
        }
    }
}
