import EventLog

/// Entities' states in ascending stream-name order (bytewise, the order of the stores' keys): "the
/// programme at a date", as a query answers it.
///
/// Why not a `[StreamName: EntityState]`: a query reads entities in key order, and its readers — a
/// report, an export — go through them in name order. An array kept in that order is filled without
/// hashing a name, the two halves of a query read on two threads join by one append, a reader needs
/// no sort, and a lookup by name is a binary search.
public struct EntityStates: Sendable, Equatable, RandomAccessCollection {
    public typealias Element = (stream: StreamName, state: EntityState)

    // Inlinable, as the standard collections are: a reader in another module then iterates and looks
    // up through specialized code, not generic witnesses that copy each element through the runtime.
    @usableFromInline var elements: [Entry] = []

    /// A name and its state as kept: a struct, not the `Element` pair, so that a kept name is read where
    /// it is. Reading `elements[i].stream` of a kept pair copied the whole pair out first (a retain and
    /// a release of each of the state's fields, through the runtime's generic tuple copy) in each
    /// append's comparison with the last name: 8.5 % of a query's instructions as of a date (callgrind,
    /// Round 43 in docs/BENCHMARKS.md).
    @usableFromInline struct Entry: Sendable {
        @usableFromInline var stream: StreamName
        @usableFromInline var state: EntityState
        @inlinable init(_ stream: consuming StreamName, _ state: consuming EntityState) { self.stream = stream; self.state = state }
    }

    /// No entity.
    @inlinable public init() {}

    /// The states of `pairs`, given in any order; of a name given twice, the last state is kept.
    public init(_ pairs: some Sequence<(StreamName, EntityState)>) {
        // The standard sort is stable: a name's states stay in the order given; the last of each run is kept.
        let sorted = pairs.sorted { $0.0 < $1.0 }
        elements.reserveCapacity(sorted.count)
        for (stream, state) in sorted {
            if let last = elements.indices.last, elements[last].stream == stream {
                elements[last].state = state
            } else {
                elements.append(Entry(stream, state))
            }
        }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { elements.count }
    @inlinable public subscript(position: Int) -> Element { (elements[position].stream, elements[position].state) }

    /// The stream names, ascending.
    @inlinable public var streams: some RandomAccessCollection<StreamName> { elements.lazy.map(\.stream) }

    /// Makes room for `capacity` states without growing again.
    @inlinable public mutating func reserveCapacity(_ capacity: Int) { elements.reserveCapacity(capacity) }

    /// Adds `state` for `stream`. The usual case, a name after every one held, is one append; any
    /// other name is put in its place (or replaces the state held for it).
    @inlinable public mutating func append(_ stream: consuming StreamName, _ state: consuming EntityState) {
        if elements.isEmpty || elements[elements.count - 1].stream < stream {
            elements.append(Entry(stream, state))
        } else {
            self[stream] = state
        }
    }

    /// Adds every state of `other`. The usual case, names all after those held (the second half of a
    /// query read on two threads), is one append of the whole array; otherwise states are added one by one.
    public mutating func append(contentsOf other: consuming EntityStates) {
        if let last = elements.last, let first = other.elements.first, !(last.stream < first.stream) {
            for e in other.elements { self[e.stream] = e.state }
        } else if elements.isEmpty {
            elements = other.elements
        } else {
            elements.append(contentsOf: other.elements)
        }
    }

    /// The state of `stream`, or `nil`; setting `nil` removes it.
    @inlinable public subscript(stream: StreamName) -> EntityState? {
        get {
            let i = index(of: stream)
            return i < elements.count && elements[i].stream == stream ? elements[i].state : nil
        }
        set {
            let i = index(of: stream)
            let present = i < elements.count && elements[i].stream == stream
            switch (newValue, present) {
            case (let state?, true): elements[i].state = state
            case (let state?, false): elements.insert(Entry(stream, state), at: i)
            case (nil, true): elements.remove(at: i)
            case (nil, false): break
            }
        }
    }

    /// The first position whose name is not below `stream`.
    @inlinable func index(of stream: StreamName) -> Int {
        var low = 0, high = elements.count
        while low < high {
            let mid = (low + high) / 2
            if elements[mid].stream < stream { low = mid + 1 } else { high = mid }
        }
        return low
    }

    public static func == (a: EntityStates, b: EntityStates) -> Bool {
        a.elements.count == b.elements.count && zip(a.elements, b.elements).allSatisfy { $0.stream == $1.stream && $0.state == $1.state }
    }
}
