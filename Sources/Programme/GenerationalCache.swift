import EventLog
import Synchronization

/// A thread-safe cache whose memory stays bounded however many keys pass through it.
///
/// Entries live in two generations of at most `generationSize` keys each. When the newer fills, the
/// older is dropped and the newer takes its place; a lookup that finds its key in the older generation
/// moves it to the newer. Keys in steady use stay; keys used once age out after two generations. It
/// costs two tables and no per-entry bookkeeping, unlike a least-recently-used list. Keyed by stream
/// name, in ``StreamTable``s: a lookup is a probe by the name's fingerprint, not a SipHash of it.
final class GenerationalCache<Value: Sendable>: Sendable {
    /// Both generations, behind one lock: reached through `withLock`'s `inout`, a table is not a
    /// class's stored property, whose every access the runtime checks for exclusivity (about 80
    /// instructions a lookup: callgrind, Round 18 in docs/BENCHMARKS.md).
    private struct Generations {
        var recent = StreamTable<Value>()
        var older = StreamTable<Value>()
    }

    private let generations = Mutex(Generations())
    let generationSize: Int

    /// A cache holding at most `2 × generationSize` entries.
    init(generationSize: Int) {
        self.generationSize = max(1, generationSize)
    }

    /// Number of entries held.
    var count: Int { generations.withLock { $0.recent.count + $0.older.count } }

    /// The value kept for `key`, moved to the newer generation when found in the older.
    func value(for key: StreamName) -> Value? {
        generations.withLock { g in
            if let value = g.recent[key] { return value }
            guard let value = g.older.removeValue(forKey: key) else { return nil }
            insert(value, for: key, into: &g)
            return value
        }
    }

    /// `body` given the value kept for `key` in the newer generation, read where it is kept (not
    /// copied out), under the lock; nil when that generation does not hold `key` (``value(for:)`` then
    /// finds it in the older one).
    func withRecentValue<R: Sendable>(for key: StreamName, _ body: (borrowing Value) -> R) -> R? {
        generations.withLock { g in g.recent.withValue(forKey: key, body) }
    }

    /// `body` given the value kept for `key` in the newer generation to change where it is kept, under
    /// the lock; nil, and `body` not called, when that generation does not hold `key`.
    func withRecentValueMutating<R: Sendable>(for key: StreamName, _ body: (inout Value) throws -> R) throws -> R? {
        try generations.withLock { g in try g.recent.withMutableValue(forKey: key, body) }
    }

    /// Keeps `value` for `key` in the newer generation, moved there rather than copied.
    func set(_ value: consuming Value, for key: StreamName) {
        var pending = Optional(value)
        generations.withLock { g in
            if let value = pending.take() { insert(value, for: key, into: &g) }
        }
    }

    /// Forgets every entry.
    func removeAll() {
        generations.withLock { $0 = Generations() }
    }

    /// Inserts into the newer generation, ageing the generations first when it is full. Lock held.
    private func insert(_ value: consuming Value, for key: StreamName, into g: inout Generations) {
        // The count first: only a full generation needs the key looked up before it is set.
        if g.recent.count >= generationSize, !g.recent.contains(key) {
            g.older = g.recent
            g.recent = StreamTable(minimumCapacity: generationSize)
        }
        g.recent.updateValue(value, forKey: key)
    }
}
