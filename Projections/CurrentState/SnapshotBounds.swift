import EventLog
import Programme

/// What a snapshot in `state-snapshots` says of when the entity's events around it were recorded,
/// stored before the state (``EntitySnapshot/withEncoded(_:prefix:beside:definitionNumber:in:_:)``):
/// two sequence numbers, each unsigned LEB128.
///
/// Why: a state known at a past point (sequence number `S`) folds the entity's events recorded by `S`
/// and effective by the date asked. A snapshot whose ``lastFolded`` is at most `S` already is that fold
/// for its own day: every event it holds was known at `S`, and none effective by then was recorded
/// later. From a snapshot whose ``firstOnOrAfter`` exceeds `S`, no event effective on or after its
/// day was known at `S`. Both are monotone in the day (a running maximum and a running minimum), so a
/// query finds by binary search the last snapshot to start from and the day to stop at, and folds only
/// the events between: those recorded near `S` (back-dated, or waiting in a batch), however many the
/// entity has before and after (``CurrentStateProjection/states(in:store:kinds:splittingFrom:)``).
struct SnapshotBounds: Equatable {
    /// The highest sequence number of the entity's events effective on or before the snapshot's day:
    /// the events the snapshot folds (those effective before the definition, folded on its day, too).
    var lastFolded: UInt64
    /// The lowest sequence number of the entity's events effective on or after the snapshot's day.
    var firstOnOrAfter: UInt64

    /// The bounds stored at the start of a snapshot value, and the snapshot after them, the effects kept
    /// between passed over (``readWithEffects(_:)``); a value that does not read so is a damaged store,
    /// reported with what to do.
    static func read(_ value: UnsafeRawBufferPointer) throws(FieldError) -> (SnapshotBounds, UnsafeRawBufferPointer) {
        let (bounds, _, snapshot) = try readWithEffects(value)
        return (bounds, snapshot)
    }

    /// The bounds stored at the start of a snapshot value, the effects of its day's events kept after
    /// them (``EffectList``), and the snapshot after those; a value that does not read so is a damaged
    /// store, reported with what to do.
    static func readWithEffects(_ value: UnsafeRawBufferPointer) throws(FieldError)
        -> (SnapshotBounds, effects: UnsafeRawBufferPointer, snapshot: UnsafeRawBufferPointer) {
        do throws(FieldError) {
            let (numbers, rest) = try EntitySnapshot.prefix(stored: value)
            let (effects, snapshot) = try EntitySnapshot.beside(stored: rest)
            return (SnapshotBounds(lastFolded: numbers.0, firstOnOrAfter: numbers.1), effects, snapshot)
        } catch {
            throw FieldError(field: "(state-snapshots)", "\(error.message); rebuild the store with `pledger replay`")
        }
    }

    /// The bounds of the snapshots of `days` (ascending) of an entity whose events are `events` (in
    /// ascending order of day); or, for a writer that starts from a stored snapshot, the events after
    /// its day and the new ones, where `sameDay` is that snapshot's day and ``firstOnOrAfter`` when the
    /// writer may store a snapshot of that day again (the events it folded on that day were recorded
    /// before any of `events`). Its ``lastFolded`` is not needed: the new events, recorded after every
    /// event before them, are on the first of `days`.
    static func of(days: [CalendarDate], events: [(day: CalendarDate, sequence: UInt64)],
                   sameDay: (day: CalendarDate, firstOnOrAfter: UInt64)? = nil) -> [SnapshotBounds] {
        var out: [SnapshotBounds] = []
        out.reserveCapacity(days.count)
        var last: UInt64 = 0, j = 0
        for day in days {
            while j < events.count, events[j].day <= day { last = max(last, events[j].sequence); j += 1 }
            out.append(SnapshotBounds(lastFolded: last, firstOnOrAfter: .max))
        }
        var first = UInt64.max
        j = events.count
        for i in days.indices.reversed() {
            while j > 0, events[j - 1].day >= days[i] { first = min(first, events[j - 1].sequence); j -= 1 }
            out[i].firstOnOrAfter = sameDay.map { $0.day == days[i] ? min(first, $0.firstOnOrAfter) : first } ?? first
        }
        return out
    }
}
