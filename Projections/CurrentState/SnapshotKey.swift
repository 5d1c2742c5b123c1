import EventLog
import LMDB

/// The key of one snapshot in `state-snapshots`: one 64-bit integer, the entity's number in the high
/// half and the snapshot's day, counted backwards, in the low half; stored in native byte order, in a
/// database with integer keys (`MDB_INTEGERKEY`), so an entity's snapshots lie together, newest first.
///
/// Why: "the programme as of a date" seeks once per entity. Keys of 8 bytes instead of the stream name
/// and the date as text (about 30 bytes, store layouts up to 7) make the tree a level shallower at a
/// million events, and LMDB compares integers without a call to `memcmp`. Days counted backwards make
/// the snapshot in force on a day the first key at or after (entity, day): one seek, no step back.
///
/// An entity's number is given when the projection first meets it, in the order entities first appear
/// in the log, so stores caught up in any batch sizes number their entities alike; it is kept beside
/// the name in `state-entities` (``EntityEntry``).
struct SnapshotKey: Equatable {
    /// The entity's number in the high 32 bits, ``countdown(_:)`` of the day in the low.
    let packed: UInt64

    static let size = 8

    init(_ number: UInt32, countdown: UInt32) { packed = UInt64(number) << 32 | UInt64(countdown) }
    /// The key of entity `number`'s snapshot after day `day`; as a sought key, the first at or after it
    /// is the snapshot in force on `day`, if it has the same number.
    init(_ number: UInt32, _ day: CalendarDate) { self.init(number, countdown: Self.countdown(day)) }

    /// The key stored at `bytes`, or `nil` when they are not a key of this form.
    init?(stored bytes: UnsafeRawBufferPointer) {
        guard bytes.count == Self.size else { return nil }
        packed = bytes.loadUnaligned(as: UInt64.self)
    }

    var number: UInt32 { UInt32(truncatingIfNeeded: packed >> 32) }
    var day: CalendarDate { Self.day(ascending: ~UInt32(truncatingIfNeeded: packed)) }

    /// The stored form, for LMDB calls that take arrays.
    var bytes: [UInt8] { withUnsafeBytes(of: packed, Array.init) }

    /// Calls `body` with the stored form, without an allocation (the query's hot path).
    func withStoredBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: packed, body)
    }

    /// The lowest key entity `number` can have: its newest snapshot is the first at or after it.
    static func newest(_ number: UInt32) -> SnapshotKey { SnapshotKey(number, countdown: 0) }

    /// A day as 32 bits that sort in the opposite order of days (days before 1970 too).
    static func countdown(_ day: CalendarDate) -> UInt32 { ~ascending(day) }

    /// A day as 32 bits that sort in the order of days, days before 1970 too (the sign bit flipped):
    /// ``countdown(_:)`` inverted.
    static func ascending(_ day: CalendarDate) -> UInt32 {
        UInt32(bitPattern: Int32(clamping: day.daysSinceEpoch)) ^ 0x8000_0000
    }

    /// The day that ``ascending(_:)`` wrote as `bits`.
    static func day(ascending bits: UInt32) -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int64(Int32(bitPattern: bits ^ 0x8000_0000)))
    }

    /// The snapshot in force at `sought`: the first entry at or after it, when it is of the same entity
    /// (none when the entity has no snapshot by that day). `newest(n)` finds entity `n`'s latest snapshot.
    static func inForce(at sought: SnapshotKey, in c: borrowing Cursor) throws -> Cursor.Entry? {
        try sought.withStoredBytes { bytes in
            try c.seek(atLeast: bytes).flatMap { SnapshotKey(stored: $0.key)?.number == sought.number ? $0 : nil }
        }
    }
}
