/// A name placed in a ``NameTable`` by its fingerprint.
public protocol FingerprintedName: Equatable {
    /// A 64-bit fingerprint of the name's text (``IndexWatermarks/fingerprint(ofName:)``), made once.
    var fingerprint: UInt64 { get }
}

/// Values by stream name: ``NameTable`` keyed by ``StreamName``.
public typealias StreamTable<Value> = NameTable<StreamName, Value>

/// Values by name (a stream's; a type's or a date's in the log's tail), each found through its name's
/// fingerprint rather than a hash of its text.
///
/// Why: `Dictionary` hashes every key it is asked for with SipHash (a hasher made, fed the name's
/// fingerprint and finalized: about 130 instructions), and an append looks up its streams' versions,
/// stamps and cached states about fifteen times an event, a replay its streams' states several times
/// (callgrind, Round 20 in docs/BENCHMARKS.md). A name carries a 64-bit fingerprint made once; this table places a name by that
/// fingerprint, mixed with a seed drawn per process and spread by a multiplication, so where names land
/// is not known in advance. Names with equal fingerprints share their probe sequence (as they shared
/// SipHash's input before) and are told apart by their text.
///
/// Open addressing with linear probing, at most half full; a removal moves the entries after it back,
/// so no slot is ever marked deleted. A value type with copy-on-write storage, like `Dictionary`: only
/// the slots in use hold a name and a value (``Storage``), so a table is made, copied and freed in
/// proportion to what it holds; a table of optional values in arrays paid the runtime's generic value
/// witnesses for every slot (Round 20).
///
/// Its methods are inlined into the modules that use it: after a change to this type, rebuild those
/// modules from clean (a debug build that recompiled only some of them crashed in Round 20).
public struct NameTable<Name: FingerprintedName, Value> {
    @usableFromInline var storage: Storage

    /// An empty table that holds `minimumCapacity` names before it grows.
    @inlinable
    public init(minimumCapacity: Int = 0) {
        var size = 8
        while size < 2 * minimumCapacity { size *= 2 }
        storage = Storage(slots: size)
    }

    /// The number of names held.
    @inlinable public var count: Int { storage.count }

    /// Whether the table holds no name.
    @inlinable public var isEmpty: Bool { storage.count == 0 }

    /// Whether the table holds `name` (its value is not copied out).
    @inlinable
    public func contains(_ name: Name) -> Bool { storage.find(name).found }

    /// The value kept for `name`; setting `nil` removes it.
    @inlinable
    public subscript(name: Name) -> Value? {
        get {
            let (slot, found) = storage.find(name)
            return found ? storage.values[slot] : nil
        }
        set {
            if let newValue { updateValue(newValue, forKey: name) } else { removeValue(forKey: name) }
        }
    }

    /// `body` given the value kept for `name` where it is kept, not copied out; nil when there is none.
    @inlinable
    public func withValue<R>(forKey name: Name, _ body: (borrowing Value) throws -> R) rethrows -> R? {
        let (slot, found) = storage.find(name)
        guard found else { return nil }
        return try body(storage.values[slot])
    }

    /// `body` given the value kept for `name` to change in place; nil, and `body` not called, when there
    /// is none. (A storage shared with another table is copied first, slot for slot.)
    @inlinable
    public mutating func withMutableValue<R>(forKey name: Name, _ body: (inout Value) throws -> R) rethrows -> R? {
        let (slot, found) = storage.find(name)
        guard found else { return nil }
        makeUnique()
        return try body(&storage.values[slot])
    }

    /// Keeps `value` for `name`, replacing what was kept.
    @inlinable
    public mutating func updateValue(_ value: consuming Value, forKey name: Name) {
        let (slot, found) = slot(for: name)
        if found { storage.values[slot] = value } else { (storage.values + slot).initialize(to: value) }
    }

    /// `body` given the value kept for `name` to change in place, `defaultValue` kept first when there
    /// is none: a value that is an array is appended to without a copy, as with `Dictionary`'s
    /// `subscript(_:default:)`.
    @inlinable
    public mutating func modifyValue<R>(forKey name: Name, default defaultValue: @autoclosure () -> Value,
                                        _ body: (inout Value) throws -> R) rethrows -> R {
        let (slot, found) = slot(for: name)
        if !found { (storage.values + slot).initialize(to: defaultValue()) }
        return try body(&storage.values[slot])
    }

    /// Removes `name`, returning the value it kept.
    @inlinable @discardableResult
    public mutating func removeValue(forKey name: Name) -> Value? {
        guard storage.find(name).found else { return nil }
        makeUnique()
        return storage.remove(name)
    }

    /// Removes every name; with `keepingCapacity`, the slots stay allocated.
    @inlinable
    public mutating func removeAll(keepingCapacity: Bool = false) {
        if keepingCapacity, isKnownUniquelyReferenced(&storage) {
            storage.removeAll()
        } else {
            storage = Storage(slots: keepingCapacity ? storage.slots : 8)
        }
    }

    /// The slot of `name`, with a name but no value when it was not found: the caller initializes the
    /// value. The storage is this table's own afterwards, and grown first if it would be over half full.
    @inlinable
    mutating func slot(for name: Name) -> (slot: Int, found: Bool) {
        makeUnique()
        var (slot, found) = storage.find(name)
        if !found {
            if 2 * (storage.count + 1) > storage.slots {
                storage = storage.moved(toSlots: 2 * storage.slots)
                slot = storage.find(name).slot
            }
            storage.tags[slot] = storage.tag(of: name)
            (storage.names + slot).initialize(to: name)
            storage.count += 1
        }
        return (slot, found)
    }

    /// Copies the storage if another table shares it.
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copied() }
    }
}

extension NameTable {
    /// The slots: a tag each, and a name and a value in each slot whose tag is not 0.
    ///
    /// A tag is the name's fingerprint mixed with the seed, its lowest bit set; 0 marks an empty slot. A
    /// search compares tags, and only on equal tags the names; neither the names nor the values are
    /// copied on the way.
    @usableFromInline
    final class Storage {
        /// The number of slots, a power of two (at least 8).
        @usableFromInline let slots: Int
        /// 64 less the base-2 logarithm of ``slots``: a tag shifted right by it is a slot.
        @usableFromInline let shift: UInt64
        /// The per-process seed, copied here: a global set at run time checks its initialization at
        /// each read.
        @usableFromInline let seed: UInt64
        @usableFromInline let tags: UnsafeMutablePointer<UInt64>
        @usableFromInline let names: UnsafeMutablePointer<Name>
        @usableFromInline let values: UnsafeMutablePointer<Value>
        /// The slots in use. Changed only through a table holding the one reference to this storage,
        /// never across a call that could reach it again: the runtime's check of each access for overlap
        /// (about 80 instructions) is left out.
        @usableFromInline @exclusivity(unchecked) var count = 0

        @usableFromInline
        init(slots: Int) {
            self.slots = slots
            shift = UInt64(64 - slots.trailingZeroBitCount)
            seed = streamTableSeed
            tags = .allocate(capacity: slots)
            tags.initialize(repeating: 0, count: slots)
            names = .allocate(capacity: slots)
            values = .allocate(capacity: slots)
        }

        deinit {
            removeAll()
            tags.deallocate()
            names.deallocate()
            values.deallocate()
        }

        /// `name`'s tag: its fingerprint mixed with the seed by a multiplication, whose high bits (those
        /// that pick the slot) depend on every bit of the fingerprint.
        @inlinable
        func tag(of name: Name) -> UInt64 { ((name.fingerprint ^ seed) &* 0x9E37_79B9_7F4A_7C15) | 1 }

        /// The slot where the search for `name` starts.
        @inlinable
        func home(of name: Name) -> Int { Int(truncatingIfNeeded: tag(of: name) >> shift) }

        /// The slot holding `name`, or the empty slot where it would go.
        @inlinable
        func find(_ name: Name) -> (slot: Int, found: Bool) {
            let tag = tag(of: name)
            let mask = slots - 1
            var i = Int(truncatingIfNeeded: tag >> shift)
            while true {
                let t = tags[i]
                if t == 0 { return (i, false) }
                if t == tag, names[i] == name { return (i, true) }
                i = (i + 1) & mask
            }
        }

        /// Removes `name`, which the storage holds, and returns its value. Each entry after the hole
        /// moves into it unless its search starts after the hole (cyclically): then every search still
        /// reaches its entry before an empty slot.
        @inlinable
        func remove(_ name: Name) -> Value? {
            let (slot, found) = find(name)
            guard found else { return nil }
            let removed = (values + slot).move()
            (names + slot).deinitialize(count: 1)
            tags[slot] = 0
            count -= 1
            let mask = slots - 1
            var hole = slot
            var i = (slot + 1) & mask
            while tags[i] != 0 {
                let start = Int(truncatingIfNeeded: tags[i] >> shift)
                let reachesHole = hole <= i ? (start <= hole || start > i) : (start <= hole && start > i)
                if reachesHole {
                    tags[hole] = tags[i]
                    (names + hole).moveInitialize(from: names + i, count: 1)
                    (values + hole).moveInitialize(from: values + i, count: 1)
                    tags[i] = 0
                    hole = i
                }
                i = (i + 1) & mask
            }
            return removed
        }

        /// Empties every slot in use.
        @inlinable
        func removeAll() {
            guard count > 0 else { return }
            for i in 0..<slots where tags[i] != 0 {
                (names + i).deinitialize(count: 1)
                (values + i).deinitialize(count: 1)
                tags[i] = 0
            }
            count = 0
        }

        /// A storage of the same slots holding copies of these entries, where they are.
        @inlinable
        func copied() -> Storage {
            let copy = Storage(slots: slots)
            for i in 0..<slots where tags[i] != 0 {
                copy.tags[i] = tags[i]
                (copy.names + i).initialize(to: names[i])
                (copy.values + i).initialize(to: values[i])
            }
            copy.count = count
            return copy
        }

        /// A storage of `newSlots` slots with these entries moved into it; this one is left empty.
        @inlinable
        func moved(toSlots newSlots: Int) -> Storage {
            let bigger = Storage(slots: newSlots)
            let mask = newSlots - 1
            for i in 0..<slots where tags[i] != 0 {
                var j = Int(truncatingIfNeeded: tags[i] >> bigger.shift)
                while bigger.tags[j] != 0 { j = (j + 1) & mask }
                bigger.tags[j] = tags[i]
                (bigger.names + j).moveInitialize(from: names + i, count: 1)
                (bigger.values + j).moveInitialize(from: values + i, count: 1)
                tags[i] = 0
            }
            bigger.count = count
            count = 0
            return bigger
        }
    }
}

/// Drawn once per process: which names share slots differs from run to run.
@usableFromInline let streamTableSeed = UInt64.random(in: .min ... .max)

extension NameTable: Sequence {
    /// The names held with their values, in no particular order.
    public struct Iterator: IteratorProtocol {
        @usableFromInline let storage: Storage
        @usableFromInline var slot = 0

        @inlinable init(_ storage: Storage) { self.storage = storage }

        @inlinable
        public mutating func next() -> (name: Name, value: Value)? {
            while slot < storage.slots {
                defer { slot += 1 }
                if storage.tags[slot] != 0 { return (storage.names[slot], storage.values[slot]) }
            }
            return nil
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(storage) }

    @inlinable public var underestimatedCount: Int { storage.count }
}

// The storage is changed only through a table that holds the one reference to it.
extension NameTable: @unchecked Sendable where Name: Sendable, Value: Sendable {}
extension NameTable.Storage: @unchecked Sendable where Name: Sendable, Value: Sendable {}
extension NameTable.Iterator: Sendable where Name: Sendable, Value: Sendable {}
