import EventLog
import LMDB
import Programme
import Projection

extension CurrentStateProjection {
    /// A snapshot of an entity as a search of `state-snapshots` finds it: its day, its bounds, and its
    /// stored state (the bytes after the bounds, valid while the read transaction lasts).
    struct FoundSnapshot {
        var day: CalendarDate
        var bounds: SnapshotBounds
        var state: UnsafeRawBufferPointer
    }

    /// What an entity's state known at a past point is folded from (``knownRange(_:in:_:steppingFirst:)``).
    struct KnownRange {
        /// The latest snapshot on or before the slice's date whose events were all known then: the fold
        /// starts from its state. `nil`: none was, and the fold starts from the definition.
        var start: FoundSnapshot?
        /// The last day whose events the fold walks: on and after the day after it, no event of the
        /// entity was known by the slice's sequence number (or it is the slice's date).
        var end: CalendarDate
    }

    /// Where the state of entity `number` in `slice` is folded from, read from its snapshots' bounds
    /// (``SnapshotBounds``) through `s`; `nil` when it has no snapshot by the slice's date (it is not
    /// effective then, or its events must be folded from its first).
    ///
    /// From the snapshot in force on the slice's date, back to the one to start from: first
    /// `steppingFirst` snapshots one cursor step each (the usual case: the slice's sequence number
    /// recent for its date), then by seeks to days 1, 2, 4… before, and by halving the last interval.
    /// The last day to walk is found the same way among the snapshots passed over. About two seeks for
    /// each doubling of the days between the slice's date and the events recorded near its sequence
    /// number, in place of a walk over every event of the entity effective by the date.
    static func knownRange(_ number: UInt32, in slice: ResolvedSlice, _ s: borrowing Cursor, steppingFirst: Int) throws -> KnownRange? {
        let known = slice.sequence
        func found(_ e: Cursor.Entry?) throws -> FoundSnapshot? {
            guard let e, let key = SnapshotKey(stored: e.key), key.number == number else { return nil }
            let (bounds, state) = try SnapshotBounds.read(e.value)
            return FoundSnapshot(day: key.day, bounds: bounds, state: state)
        }
        func inForce(_ day: CalendarDate) throws -> FoundSnapshot? {
            try SnapshotKey(number, day).withStoredBytes { try found(try s.seek(atLeast: $0)) }
        }
        func day(_ d: CalendarDate, _ n: Int64) -> CalendarDate { CalendarDate(daysSinceEpoch: d.daysSinceEpoch + n) }
        func days(_ from: CalendarDate, _ to: CalendarDate) -> Int64 { to.daysSinceEpoch - from.daysSinceEpoch }

        guard let top = try inForce(slice.asOf) else { return nil }
        if top.bounds.lastFolded <= known { return KnownRange(start: top, end: top.day) }
        // `high`: the earliest snapshot seen whose events were not all known; `stop`: the earliest seen
        // from whose day on none was known. `start` is before `high`.
        var high = top
        var stop: CalendarDate? = top.bounds.firstOnOrAfter > known ? top.day : nil
        func passed(_ snapshot: FoundSnapshot) {
            high = snapshot
            if snapshot.bounds.firstOnOrAfter > known { stop = snapshot.day }
        }
        // The snapshot in force on `low` (none, or `start`) had all its events known.
        var start: FoundSnapshot?
        var low: CalendarDate?
        // One step at a time: every snapshot passed over is seen, so `start` and `stop` are exact.
        for _ in 0..<steppingFirst {
            guard let next = try found(try s.next()) else { low = day(high.day, -1); break }
            if next.bounds.lastFolded <= known {
                start = next
                low = next.day
                break
            }
            passed(next)
        }
        let stepped = low != nil
        if low == nil {
            // Days 1, 2, 4… before the earliest passed, then the interval halved.
            var gap: Int64 = 1
            while low == nil {
                let d = day(high.day, -gap)
                let p = try inForce(d)
                if let p, p.bounds.lastFolded > known { passed(p); gap *= 2 } else { start = p; low = d }
            }
        }
        guard var lowDay = low else { return nil }   // set above
        while !stepped, days(lowDay, high.day) > 1 {
            let mid = day(lowDay, days(lowDay, high.day) / 2)
            let p = try inForce(mid)
            if let p, p.bounds.lastFolded > known { passed(p) } else { start = p; lowDay = mid }
        }
        // `start`'s own day has an event known then (all its events were), so the stop is after it.
        guard var stopDay = stop else { return KnownRange(start: start, end: slice.asOf) }
        var lowStop = start?.day ?? day(high.day, -1)
        while !stepped, days(lowStop, stopDay) > 1 {
            let mid = day(lowStop, days(lowStop, stopDay) / 2)
            if let p = try inForce(mid), p.bounds.firstOnOrAfter > known { stopDay = p.day } else { lowStop = mid }
        }
        return KnownRange(start: start, end: day(stopDay, -1))
    }
}
