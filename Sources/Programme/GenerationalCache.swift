import Foundation

/// A thread-safe cache whose memory stays bounded however many keys pass through it.
///
/// Entries live in two generations of at most `generationSize` keys each. When the newer fills, the
/// older is dropped and the newer takes its place; a lookup that finds its key in the older generation
/// moves it to the newer. Keys in steady use stay; keys used once age out after two generations. It
/// costs two dictionaries and no per-entry bookkeeping, unlike a least-recently-used list.
final class GenerationalCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var recent: [Key: Value] = [:]
    private var older: [Key: Value] = [:]
    let generationSize: Int

    /// A cache holding at most `2 × generationSize` entries.
    init(generationSize: Int) {
        self.generationSize = max(1, generationSize)
    }

    /// Number of entries held.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return recent.count + older.count
    }

    /// The value kept for `key`, moved to the newer generation when found in the older.
    func value(for key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        if let value = recent[key] { return value }
        guard let value = older.removeValue(forKey: key) else { return nil }
        insert(value, for: key)
        return value
    }

    /// Keeps `value` for `key` in the newer generation.
    func set(_ value: Value, for key: Key) {
        lock.lock()
        insert(value, for: key)
        lock.unlock()
    }

    /// Forgets every entry.
    func removeAll() {
        lock.lock()
        recent = [:]
        older = [:]
        lock.unlock()
    }

    /// Inserts into the newer generation, ageing the generations first when it is full. Lock held.
    private func insert(_ value: Value, for key: Key) {
        if recent[key] == nil, recent.count >= generationSize {
            older = recent
            recent = [:]
            recent.reserveCapacity(generationSize)
        }
        recent[key] = value
    }
}
