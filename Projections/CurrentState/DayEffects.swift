import EventLog
import Programme

/// The effects a snapshot keeps of its day's events (``EffectList``), read as events to fold: each
/// event's sequence number, effective day and effect.
enum DayEffects {
    /// Calls `body` with each event kept with the snapshot of day `day` whose stored value is `value`:
    /// its sequence number, its effective day (the snapshot's, or before it for an event effective
    /// before its entity's definition) and its stored effect, read by ``effect(_:of:sequence:)`` (empty:
    /// none, the definition's). Entries that do not read are a damaged store, reported with the entity
    /// (`entity`, its stream's name), the event and what to do.
    static func forEach(in value: UnsafeRawBufferPointer, day: CalendarDate, of entity: @autoclosure () -> String,
                        _ body: (_ sequence: UInt64, _ day: CalendarDate, _ effect: UnsafeRawBufferPointer) throws -> Void) throws {
        let effects = try SnapshotBounds.readWithEffects(value).effects
        var sequence: UInt64 = 0
        do {
            try EffectList.forEach(effects) { s, offset, bytes in
                sequence = s
                try body(s, CalendarDate(daysSinceEpoch: day.daysSinceEpoch + offset), bytes)
            }
        } catch let error as FieldError where error.field == "(effects)" || error.field == "(snapshot)" {
            throw damaged(entity(), sequence, error.message)
        }
    }

    /// The effect stored as `bytes` of event `sequence` of `entity`; `nil` for none (empty: the
    /// definition's). Bytes that are not one whole effect are a damaged store, reported with the entity,
    /// the event and what to do.
    static func effect(_ bytes: UnsafeRawBufferPointer, of entity: @autoclosure () -> String, sequence: UInt64) throws(FieldError) -> EntityEffect? {
        guard !bytes.isEmpty else { return nil }
        do throws(FieldError) {
            return try EntityEffect(stored: bytes)
        } catch {
            throw damaged(entity(), sequence, error.message)
        }
    }

    /// The error of a damaged effect of event `sequence` of `entity`: what it is, and what to do.
    static func damaged(_ entity: String, _ sequence: UInt64, _ message: String) -> FieldError {
        FieldError(field: "(state-snapshots)", "\(entity), event \(sequence): \(message); rebuild the store with `pledger replay`")
    }
}
