import LMDB

/// Moves over the events of `events`, passing over the hashes stored after each (``HashesEntry``).
extension Cursor {
    /// The first event at or after `sequence`.
    func seekEvent(atLeast sequence: UInt64) throws -> Entry? { try eventFrom(try seek(atLeast: Key.sequence(sequence))) }

    /// The last event at or before `sequence`.
    func seekEvent(atMost sequence: UInt64) throws -> Entry? { try eventBackFrom(try seek(atMost: Key.sequence(sequence))) }

    /// The last event.
    func lastEvent() throws -> Entry? { try eventBackFrom(try last()) }

    /// The first event.
    func firstEvent() throws -> Entry? { try eventFrom(try first()) }

    /// The event after the current entry.
    func nextEvent() throws -> Entry? { try eventFrom(try next()) }

    /// The event before the current entry.
    func previousEvent() throws -> Entry? { try eventBackFrom(try previous()) }

    /// `entry` when it is an event, else the first event after it.
    private func eventFrom(_ entry: Entry?) throws -> Entry? {
        var entry = entry
        while let e = entry, !Key.isEvent(e.key) { entry = try next() }
        return entry
    }

    /// `entry` when it is an event, else the last event before it.
    private func eventBackFrom(_ entry: Entry?) throws -> Entry? {
        var entry = entry
        while let e = entry, !Key.isEvent(e.key) { entry = try previous() }
        return entry
    }
}
