/// Values by stream name, each found through its name's fingerprint rather than a hash of its text.
///
/// Why: `Dictionary` hashes every key it is asked for with SipHash (a hasher made, fed the name's
/// fingerprint and finalized: about 130 instructions), and an append looks up its streams' versions and
/// stamps about five times an event (callgrind, Round 20 in docs/BENCHMARKS.md). A name carries a 64-bit fingerprint made once; this
/// table places a name by that fingerprint, mixed with a seed drawn per process and spread by a
/// multiplication, so where names land is not known in advance. Names with equal fingerprints share
/// their probe sequence (as they shared SipHash's input before) and are told apart by their text.
///
/// Open addressing with linear probing, at most half full; a removal moves the entries after it back,
/// so no slot is ever marked deleted. A value type with copy-on-write storage, like `Dictionary`.
public struct StreamTable<Value> {
    /// Each slot's tag: its name's mixed fingerprint with the lowest bit set, 0 for an empty slot. A
    /// search compares tags, and only on equal tags the names; neither the names nor the values are
    /// copied on the way (a `Dictionary` probe looks only at keys as well).
    @usableFromInline var tags: [UInt64]
    /// Each slot's name; an empty slot's is ``vacant``, never compared (its tag is 0). Not optional: an
    /// optional name's case is found through a call (a string's spare bit patterns), a tenth of a probe.
    @usableFromInline var names: [StreamName]
    @usableFromInline var values: [Value?]
    /// 64 less the base-2 logarithm of the number of slots: a tag shifted right by it is a slot.
    @usableFromInline var shift: UInt64
    /// The number of names held.
    @usableFromInline var held: Int
    /// The per-process seed, copied here: reading a global set at run time checks its initialization
    /// each time.
    @usableFromInline let seed: UInt64

    /// An empty table that holds `minimumCapacity` names before it grows.
    @inlinable
    public init(minimumCapacity: Int = 0) {
        var size = 8
        while size < 2 * minimumCapacity { size *= 2 }
        tags = Array(repeating: 0, count: size)
        names = Array(repeating: Self.vacant, count: size)
        values = Array(repeating: nil, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
        held = 0
        seed = streamTableSeed
    }

    /// What an empty slot holds as its name.
    @usableFromInline static var vacant: StreamName { "0" }

    /// `name`'s tag: its fingerprint mixed with the per-process seed by a multiplication, whose high
    /// bits (those that pick the slot) depend on every bit of the fingerprint.
    @inlinable
    func tag(of name: StreamName) -> UInt64 {
        ((name.fingerprint ^ seed) &* 0x9E37_79B9_7F4A_7C15) | 1
    }

    /// The slot where the search for `name` starts.
    @inlinable
    func home(of name: StreamName) -> Int { Int(truncatingIfNeeded: tag(of: name) >> shift) }

    /// The slot holding `name`, or the empty slot where it would go.
    @inlinable
    func find(_ name: StreamName) -> (slot: Int, found: Bool) {
        let tag = tag(of: name)
        let mask = tags.count - 1
        var i = Int(truncatingIfNeeded: tag >> shift)
        while true {
            let t = tags[i]
            if t == 0 { return (i, false) }
            if t == tag, names[i] == name { return (i, true) }
            i = (i + 1) & mask
        }
    }

    /// The number of names held.
    @inlinable public var count: Int { held }

    /// Whether the table holds no name.
    @inlinable public var isEmpty: Bool { held == 0 }

    /// The value kept for `name`; setting `nil` removes it.
    @inlinable
    public subscript(name: StreamName) -> Value? {
        get {
            let (slot, found) = find(name)
            return found ? values[slot] : nil
        }
        set {
            // Stored as it is, not unwrapped first: unwrapping would copy the value.
            if newValue == nil { removeValue(forKey: name) } else { values[slot(for: name).slot] = newValue }
        }
    }

    /// The slot for `name`, found or made (the table grown first if it would be over half full).
    @inlinable
    mutating func slot(for name: StreamName) -> (slot: Int, found: Bool) {
        var (slot, found) = find(name)
        if !found {
            if 2 * (held + 1) > tags.count {
                grow()
                slot = find(name).slot
            }
            tags[slot] = tag(of: name)
            names[slot] = name
            held += 1
        }
        return (slot, found)
    }

    /// Keeps `value` for `name`, replacing what was kept.
    @inlinable
    public mutating func updateValue(_ value: consuming Value, forKey name: StreamName) {
        values[slot(for: name).slot] = value
    }

    /// Removes `name`, returning the value it kept.
    @inlinable @discardableResult
    public mutating func removeValue(forKey name: StreamName) -> Value? {
        let (slot, found) = find(name)
        guard found else { return nil }
        let removed = values[slot].take()
        tags[slot] = 0
        names[slot] = Self.vacant
        held -= 1
        // Each entry after the hole moves into it unless its search starts after the hole (cyclically):
        // then every search still reaches its entry before an empty slot.
        let mask = tags.count - 1
        var hole = slot
        var i = (slot + 1) & mask
        while tags[i] != 0 {
            let start = Int(truncatingIfNeeded: tags[i] >> shift)
            let reachesHole = hole <= i ? (start <= hole || start > i) : (start <= hole && start > i)
            if reachesHole {
                tags[hole] = tags[i]
                names[hole] = names[i]
                names[i] = Self.vacant
                values[hole] = values[i].take()
                tags[i] = 0
                hole = i
            }
            i = (i + 1) & mask
        }
        return removed
    }

    /// Removes every name; with `keepingCapacity`, the slots stay allocated.
    @inlinable
    public mutating func removeAll(keepingCapacity: Bool = false) {
        guard keepingCapacity else {
            self = StreamTable()
            return
        }
        for i in tags.indices where tags[i] != 0 {
            tags[i] = 0
            names[i] = Self.vacant
            values[i] = nil
        }
        held = 0
    }

    /// Twice the slots, every entry placed again.
    @usableFromInline
    mutating func grow() {
        var bigger = StreamTable(minimumCapacity: tags.count)
        let mask = bigger.tags.count - 1
        for i in tags.indices where tags[i] != 0 {
            var j = Int(truncatingIfNeeded: tags[i] >> bigger.shift)
            while bigger.tags[j] != 0 { j = (j + 1) & mask }
            bigger.tags[j] = tags[i]
            bigger.names[j] = names[i]
            bigger.values[j] = values[i].take()
        }
        bigger.held = held
        self = bigger
    }
}

/// Drawn once per process: which names share slots differs from run to run.
@usableFromInline let streamTableSeed = UInt64.random(in: .min ... .max)

extension StreamTable: Sequence {
    /// The names held with their values, in no particular order.
    public struct Iterator: IteratorProtocol {
        @usableFromInline let table: StreamTable
        @usableFromInline var slot = 0

        @inlinable init(_ table: StreamTable) { self.table = table }

        @inlinable
        public mutating func next() -> (name: StreamName, value: Value)? {
            while slot < table.tags.count {
                defer { slot += 1 }
                if table.tags[slot] != 0, let value = table.values[slot] { return (table.names[slot], value) }
            }
            return nil
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(self) }

    @inlinable public var underestimatedCount: Int { held }
}

extension StreamTable: Sendable where Value: Sendable {}
