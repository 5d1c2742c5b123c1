import EventLog
import Programme

/// A key of `state-events`, the index of the events the current state has applied: the entity's number
/// (as in ``SnapshotKey``), the event's effective day and its sequence number, 16 big-endian bytes, so an
/// entity's events lie together in valid-time order; the value is the event's effect
/// (``EntityEffect``, empty for a definition or a correction). The entity's number alone (4 bytes,
/// sorting before its events) marks an entity with a correction.
///
/// Why numbers: every event adds a key here. With the stream's name and the date as text (store layouts
/// up to 9) a key was about 40 bytes, built with a date formatted per event; at 16 bytes the index is
/// less than half the size, so a commit's inserts, one region per entity touched, dirty fewer pages.
struct EventIndexKey {
    static let size = 16

    /// The key of the event `sequence` of entity `number`, effective on `day`.
    static func event(_ number: UInt32, _ day: CalendarDate, _ sequence: UInt64) -> [UInt8] {
        withEvent(number, day, sequence, Array.init)
    }

    /// `body` given the bytes of ``event(_:_:_:)``, made on the stack: a replay puts a key an event.
    static func withEvent<R>(_ number: UInt32, _ day: CalendarDate, _ sequence: UInt64,
                             _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        // 4 + 4 + 8 bytes, laid out in this order without padding.
        let key = (number.bigEndian, SnapshotKey.ascending(day).bigEndian, sequence.bigEndian)
        return try withUnsafeBytes(of: key) { try body($0) }
    }

    /// The lowest key of entity `number`'s events effective on or after `day`.
    static func from(_ number: UInt32, _ day: CalendarDate) -> [UInt8] { event(number, day, 0) }

    /// The key marking that entity `number` has a correction.
    static func corrected(_ number: UInt32) -> [UInt8] { withUnsafeBytes(of: number.bigEndian, Array.init) }

    /// The effect stored as the value of event `sequence` of `entity` (its stream's name); a value that
    /// is not one whole effect is a damaged store, reported with the entity and event and what to do.
    static func effect(stored value: UnsafeRawBufferPointer, of entity: @autoclosure () -> String,
                       sequence: UInt64) throws(FieldError) -> EntityEffect {
        do throws(FieldError) {
            return try EntityEffect(stored: value)
        } catch {
            throw FieldError(field: "(state-events)", "\(entity()), event \(sequence): \(error.message); rebuild the store with `pledger replay`")
        }
    }

    /// The entity number, effective day and sequence number of an event key; `nil` for a key of
    /// another form.
    static func parse(_ key: UnsafeRawBufferPointer) -> (number: UInt32, day: CalendarDate, sequence: UInt64)? {
        guard key.count == size else { return nil }
        let number = key.loadUnaligned(fromByteOffset: 0, as: UInt32.self).bigEndian
        let day = SnapshotKey.day(ascending: key.loadUnaligned(fromByteOffset: 4, as: UInt32.self).bigEndian)
        let sequence = key.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian
        return (number, day, sequence)
    }
}
