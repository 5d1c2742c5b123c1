import LMDB

/// Moves over the events of `events`, passing over the hashes stored after each (``HashesEntry``).
extension Cursor {
    /// The first event at or after `sequence`.
    func seekEvent(atLeast sequence: UInt64) throws -> Entry? {
        let found = try seek(atLeast: Key.sequence(sequence))
        return try found.map { Key.isEvent($0.key) ? $0 : try nextEvent() } ?? nil
    }

    /// The last event at or before `sequence`.
    func seekEvent(atMost sequence: UInt64) throws -> Entry? {
        let found = try seek(atMost: Key.sequence(sequence))
        return try found.map { Key.isEvent($0.key) ? $0 : try previousEvent() } ?? nil
    }

    /// The last event.
    func lastEvent() throws -> Entry? {
        let found = try last()
        return try found.map { Key.isEvent($0.key) ? $0 : try previousEvent() } ?? nil
    }

    /// The first event.
    func firstEvent() throws -> Entry? {
        let found = try first()
        return try found.map { Key.isEvent($0.key) ? $0 : try nextEvent() } ?? nil
    }

    /// The event after the current entry.
    func nextEvent() throws -> Entry? {
        var entry = try next()
        while let e = entry, !Key.isEvent(e.key) { entry = try next() }
        return entry
    }

    /// The event before the current entry.
    func previousEvent() throws -> Entry? {
        var entry = try previous()
        while let e = entry, !Key.isEvent(e.key) { entry = try previous() }
        return entry
    }
}
