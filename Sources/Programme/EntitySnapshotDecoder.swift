import EventLog
import Foundation

/// Reads ``EntitySnapshot`` bytes, keeping the last decoded definition of each entity: a snapshot whose
/// definition bytes equal the kept ones reuses its decoded value (equal bytes decode to equal values).
///
/// Three ways in: ``decode(_:stream:)`` and ``decode(_:definitions:stream:)`` for one entity at a time
/// (a snapshot holding its definition, or referring to one of a list; kept definitions looked up by
/// stream name), and a ``Pass`` for a read of many entities in key order, such as "the programme as of a
/// date".
public final class EntitySnapshotDecoder: @unchecked Sendable {
    /// Decoded definitions, the bytes they were decoded from, and the entity's key (empty when kept by
    /// a single read, which looks entries up by stream name) and stream name (a class: a lookup copies
    /// one reference). One definition for a self-contained snapshot; the entity's list for snapshots
    /// that refer to their definition by number.
    final class Kept: Sendable {
        let name: [UInt8]
        let stream: StreamName
        let bytes: [UInt8]
        let states: [EntityState]
        init(name: [UInt8], stream: StreamName, bytes: [UInt8], states: [EntityState]) {
            self.name = name; self.stream = stream; self.bytes = bytes; self.states = states
        }

        /// Whether `definition` are the bytes this was decoded from.
        func decodedFrom(_ definition: UnsafeRawBufferPointer) -> Bool { Kept.equal(bytes, definition) }

        /// Whether `key` is this entry's key.
        func isKept(under key: UnsafeRawBufferPointer) -> Bool { Kept.equal(name, key) }

        private static func equal(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
            a.withUnsafeBytes { $0.hasSameBytes(as: b) }
        }
    }

    /// Decoded definitions by entity, bounded (``GenerationalCache``s): for ``decode(_:stream:)`` and
    /// for ``decode(_:definitions:stream:)``.
    private let definitions: GenerationalCache<Kept>
    private let lists: GenerationalCache<Kept>
    /// What passes learnt, in key order, for the next ``Pass``; at most `orderedLimit` entries (past it,
    /// only the last passes' entries are kept).
    private var ordered: [Kept] = []
    private let orderedLimit: Int
    private let lock = NSLock()

    /// One decoder for the process: queries share what earlier ones decoded.
    public static let shared = EntitySnapshotDecoder()

    /// A decoder keeping at most `2 × generationSize` decoded definitions for single reads of each form,
    /// and as many for passes.
    public init(generationSize: Int = 4_096) {
        definitions = GenerationalCache(generationSize: generationSize)
        lists = GenerationalCache(generationSize: generationSize)
        orderedLimit = 2 * max(1, generationSize)
    }

    /// How many entities' definitions are kept (for tests: a query's size hint is ``Pass/knownCount``).
    var keptCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return max(definitions.count, lists.count, ordered.count)
    }

    /// Forgets every kept definition: the next reads decode them again (for measuring a cold read).
    public func forget() {
        definitions.removeAll()
        lists.removeAll()
        lock.lock()
        ordered = []
        lock.unlock()
    }

    /// The state stored in `bytes` for `stream`; throws ``FieldError`` for bytes that are not a snapshot.
    public func decode(_ bytes: UnsafeRawBufferPointer, stream: StreamName) throws -> EntityState {
        var r = SnapshotReader(bytes: bytes)
        let definitionBytes = try r.lengthPrefixed()
        let base: EntityState
        if let kept = definitions.value(for: stream), kept.decodedFrom(definitionBytes), let state = kept.states.first {
            base = state
        } else {
            base = try Self.definition(definitionBytes)
            definitions.set(Kept(name: [], stream: stream, bytes: Array(definitionBytes), states: [base]), for: stream)
        }
        return try Self.state(from: base, rest: &r)
    }

    /// The state stored in `snapshot` for `stream`, which refers by number to one of the entity's
    /// `definitions` (``EntitySnapshot/encodeDefinitions(_:)``); throws ``FieldError`` for bytes that
    /// are not such a snapshot and list, or a number not in the list.
    public func decode(_ snapshot: UnsafeRawBufferPointer, definitions list: UnsafeRawBufferPointer, stream: StreamName) throws -> EntityState {
        let kept: Kept
        if let k = lists.value(for: stream), k.decodedFrom(list) {
            kept = k
        } else {
            kept = Kept(name: [], stream: stream, bytes: Array(list), states: try Self.definitions(list))
            lists.set(kept, for: stream)
        }
        var r = SnapshotReader(bytes: snapshot)
        return try Self.state(referringTo: kept.states, rest: &r)
    }

    /// Keeps `states` as what `list`, `stream`'s definition list (``EntitySnapshot/encodeDefinitions(_:)``),
    /// decodes to, one state a definition in order: the next ``decode(_:definitions:stream:)`` of the
    /// stream with that list reads its states rather than decoding the list. Each state must equal its
    /// definition as decoded, down to its decimals' digits (``EntityState/hasIdenticalDefinition(to:)``),
    /// which debug builds check.
    ///
    /// Why: a replay's current state writes each new entity's list and reads it back at the entity's
    /// next batch, where decoding it took about 19,000 instructions an entity on the applying thread
    /// (callgrind, Round 54 in docs/BENCHMARKS.md).
    public func keep(_ list: [UInt8], decoded states: [EntityState], for stream: StreamName) {
        assert((try? list.withUnsafeBytes(Self.definitions)).map { decoded in
            decoded.count == states.count && zip(decoded, states).allSatisfy { $0 == $1 && $0.hasIdenticalDefinition(to: $1) }
        } ?? false, "kept definitions are not what their list decodes to")
        lists.set(Kept(name: [], stream: stream, bytes: list, states: states), for: stream)
    }

    /// The stored bytes of `state`, the state of `stream`, with ``definitionBytes(of:stream:)``: a writer
    /// storing an entity's state after each of its events encodes the definition once, not per event.
    public func encode(_ state: EntityState, stream: StreamName) -> [UInt8] {
        EntitySnapshot.encode(state, definition: definitionBytes(of: state, stream: stream))
    }

    /// ``EntitySnapshot/definitionBytes(of:)`` of `state`, the state of `stream`: the bytes kept for the
    /// stream when its definition is identical (``EntityState/hasIdenticalDefinition(to:)``), else made
    /// and kept. Both stored projections write a new entity's definition (the current state in its
    /// definition list, the audit trail in its stream state): its canonical JSON, about 19,000
    /// instructions, is made once for both.
    ///
    /// `written`, where given, are those bytes already made (``EntityState/decisionDefinitionBytes(payload:)``):
    /// kept and returned as they are, checked against the made ones in debug builds.
    public func definitionBytes(of state: EntityState, stream: StreamName, written: [UInt8]? = nil) -> [UInt8] {
        if let kept = definitions.value(for: stream), let base = kept.states.first, base.hasIdenticalDefinition(to: state) {
            return kept.bytes
        }
        let base = state.definitionOnly
        let bytes = written ?? EntitySnapshot.definitionBytes(of: base)
        assert(written.map { $0 == EntitySnapshot.definitionBytes(of: base) } ?? true,
               "definition bytes written from the payload are not the definition's canonical JSON")
        definitions.set(Kept(name: [], stream: stream, bytes: bytes, states: [base]), for: stream)
        return bytes
    }

    /// A read of many entities in ascending key order, starting from what earlier passes learnt.
    public func pass() -> Pass {
        lock.lock()
        defer { lock.unlock() }
        return Pass(known: ordered)
    }

    /// Keeps what `passes` learnt for later passes. Passes over disjoint key ranges may be given together.
    public func keep(_ passes: Pass...) {
        let learned = passes.flatMap(\.learned).sorted { $0.name.lexicographicallyPrecedes($1.name) }
        guard !learned.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        // Merge the two sorted lists; a newly learnt entry replaces a known one for the same key.
        var merged: [Kept] = []
        merged.reserveCapacity(ordered.count + learned.count)
        var i = 0, j = 0
        while i < ordered.count, j < learned.count {
            if ordered[i].name.lexicographicallyPrecedes(learned[j].name) {
                merged.append(ordered[i]); i += 1
            } else {
                if ordered[i].name == learned[j].name { i += 1 }
                merged.append(learned[j]); j += 1
            }
        }
        merged.append(contentsOf: ordered[i...])
        merged.append(contentsOf: learned[j...])
        ordered = merged.count <= orderedLimit ? merged : learned.count <= orderedLimit ? learned : []
    }

    /// The state a snapshot's definition bytes (its canonical JSON) stand for.
    static func definition(_ bytes: UnsafeRawBufferPointer) throws -> EntityState {
        try EntityState(json: try JSONParser.parse(buffer: bytes.bindMemory(to: UInt8.self)))
    }

    /// The definitions in a stored list (``EntitySnapshot/encodeDefinitions(_:)``), in order.
    static func definitions(_ list: UnsafeRawBufferPointer) throws -> [EntityState] {
        var r = SnapshotReader(bytes: list)
        var out: [EntityState] = []
        while !r.atEnd { out.append(try definition(try r.lengthPrefixed())) }
        return out
    }

    /// The state in the rest of `r`, which starts with the number of its definition among `definitions`.
    static func state(referringTo definitions: [EntityState], rest r: inout SnapshotReader) throws(FieldError) -> EntityState {
        let number = try r.definitionNumber()
        guard number < definitions.count else {
            throw FieldError(field: "(snapshot)", "definition \(number) of \(definitions.count)")
        }
        return try state(from: definitions[number], rest: &r)
    }

    /// The state in the rest of `r`, whose definition decodes to `base`.
    static func state(from base: consuming EntityState, rest r: inout SnapshotReader) throws(FieldError) -> EntityState {
        let state: EntityState
        switch consume base {   // the caller's copy, moved: its fields are not retained again
        case .indicator(var s):
            s.targets = try r.years()
            s.measurements = try r.years()
            state = .indicator(s)
        case .allocation(var a):
            a.amount = try r.decimal()
            a.withdrawn = try r.byte() != 0
            a.disbursed = try r.decimal()
            a.spent = try r.decimal()
            state = .allocation(a)
        case .milestone(var m):
            m.plannedDate = CalendarDate(daysSinceEpoch: try r.integer())
            let tag = try r.byte()
            let date = CalendarDate(daysSinceEpoch: try r.integer())
            switch tag {
            case 0: m.status = .scheduled
            case 1: m.status = .achieved(on: date)
            case 2: m.status = .missed(on: date)
            case 3: m.status = .cancelled(on: date)
            default: throw FieldError(field: "(snapshot)", "unknown milestone status \(tag)")
            }
            m.reschedules = Int(try r.integer())
            state = .milestone(m)
        case .programme(let p): state = .programme(p)
        case .component(let c): state = .component(c)
        case .organisation(let o): state = .organisation(o)
        case .decision(let d): state = .decision(d)
        }
        guard r.atEnd else { throw FieldError(field: "(snapshot)", "\(r.bytes.count - r.offset) bytes after the state") }
        return state
    }
}
