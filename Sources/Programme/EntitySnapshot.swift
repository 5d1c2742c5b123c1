import EventLog
import Foundation

/// The stored form of an entity's state in the current-state projection: the canonical JSON of the
/// state right after the entity's definition, then what has changed since, in binary.
///
/// Layout: a big-endian `UInt32` length, that many bytes of definition JSON (``EntityState/json`` of the
/// state the defining event alone leads to), then by kind —
/// indicator: targets and measurements, each a `UInt16` count of (`Int32` year, decimal);
/// allocation: amount, a `UInt8` withdrawn flag, disbursed, spent;
/// milestone: planned date (`Int64` days since 1970-01-01), a `UInt8` status (0 scheduled, 1 achieved,
/// 2 missed, 3 cancelled), its `Int64` date (0 when scheduled), an `Int64` count of reschedules;
/// other kinds: nothing. A decimal is its `Int128` significand (16 bytes) and a `UInt8` scale. Integers
/// are little-endian except the length.
///
/// Why: the definition is the same in every snapshot of an entity, so a reader that keeps the decoded
/// definition (``EntitySnapshotDecoder``) reads a snapshot with one byte comparison and a few fixed-size
/// fields instead of parsing JSON: "the programme as of a date" reads hundreds of snapshots.
public enum EntitySnapshot {
    /// The stored bytes of `state`.
    public static func encode(_ state: EntityState) -> [UInt8] {
        encode(state, definition: definitionBytes(of: state))
    }

    /// The definition part of `state`'s stored bytes: the same for every state of one entity, so a
    /// writer storing many states of an entity makes it once (canonical JSON is most of a write's cost).
    public static func definitionBytes(of state: EntityState) -> [UInt8] {
        CanonicalJSON.encode(state.definitionOnly.json)
    }

    /// The definition part of stored snapshot `bytes`: what ``definitionBytes(of:)`` made when they were
    /// written, so a writer continuing from a stored snapshot does not encode the definition again.
    public static func definitionBytes(stored bytes: UnsafeRawBufferPointer) throws(FieldError) -> [UInt8] {
        var r = SnapshotReader(bytes: bytes)
        return Array(try r.take(Int(try r.bigEndianLength())))
    }

    /// The stored bytes of `state`, given ``definitionBytes(of:)`` of a state with the same definition
    /// (any earlier state of the entity, unless a correction has replaced its definition since).
    public static func encode(_ state: EntityState, definition: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(definition.count + 64)
        withUnsafeBytes(of: UInt32(definition.count).bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: definition)
        func integer<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func decimal(_ d: ExactDecimal) { integer(d.significand); out.append(UInt8(d.scale)) }
        func years(_ m: [Int: ExactDecimal]) {
            integer(UInt16(truncatingIfNeeded: m.count))
            for (year, value) in m.sorted(by: { $0.key < $1.key }) { integer(Int32(truncatingIfNeeded: year)); decimal(value) }
        }
        switch state {
        case .indicator(let s):
            years(s.targets)
            years(s.measurements)
        case .allocation(let a):
            decimal(a.amount)
            out.append(a.withdrawn ? 1 : 0)
            decimal(a.disbursed)
            decimal(a.spent)
        case .milestone(let m):
            integer(m.plannedDate.daysSinceEpoch)
            switch m.status {
            case .scheduled: out.append(0); integer(Int64(0))
            case .achieved(let d): out.append(1); integer(d.daysSinceEpoch)
            case .missed(let d): out.append(2); integer(d.daysSinceEpoch)
            case .cancelled(let d): out.append(3); integer(d.daysSinceEpoch)
            }
            integer(Int64(m.reschedules))
        case .programme, .component, .organisation, .decision:
            break
        }
        return out
    }
}

extension EntityState {
    /// The state the entity's definition alone leads to: what every snapshot of it shares (until a
    /// correction replaces the definition).
    public var definitionOnly: EntityState {
        switch self {
        case .indicator(let s): .indicator(IndicatorState(definition: s.definition))
        case .allocation(let a): .allocation(AllocationState(definition: a.definition))
        case .milestone(let m): .milestone(MilestoneState(definition: m.definition))
        case .programme, .component, .organisation, .decision: self
        }
    }
}

/// Reads ``EntitySnapshot`` bytes, keeping the last decoded definition of each entity: a snapshot whose
/// definition bytes equal the kept ones reuses its decoded value (equal bytes decode to equal values).
public final class EntitySnapshotDecoder: @unchecked Sendable {
    /// A decoded definition and the bytes it was decoded from (a class: a lookup copies one reference).
    private final class Kept {
        let bytes: [UInt8]
        let state: EntityState
        init(bytes: [UInt8], state: EntityState) { self.bytes = bytes; self.state = state }
    }

    /// Decoded definitions by entity, bounded (a ``GenerationalCache``).
    private let definitions: GenerationalCache<StreamName, Kept>

    /// One decoder for the process: queries share what earlier ones decoded.
    public static let shared = EntitySnapshotDecoder()

    /// A decoder keeping at most `2 × generationSize` decoded definitions.
    public init(generationSize: Int = 16_384) {
        definitions = GenerationalCache(generationSize: generationSize)
    }

    /// How many entities' definitions are kept: a reader's hint for how many states a query returns.
    public var keptCount: Int { definitions.count }

    /// Forgets every kept definition: the next reads decode them again (for measuring a cold read).
    public func forget() {
        definitions.removeAll()
    }

    /// The state stored in `bytes` for `stream`; throws ``FieldError`` for bytes that are not a snapshot.
    public func decode(_ bytes: UnsafeRawBufferPointer, stream: StreamName) throws -> EntityState {
        var r = SnapshotReader(bytes: bytes)
        let length = Int(try r.bigEndianLength())
        let definitionBytes = try r.take(length)
        let kept = definitions.value(for: stream)
        let base: EntityState
        if let kept, kept.bytes.count == definitionBytes.count, let other = definitionBytes.baseAddress,
           kept.bytes.withUnsafeBytes({ $0.baseAddress.map { memcmp($0, other, definitionBytes.count) == 0 } ?? false }) {
            base = kept.state
        } else {
            base = try EntityState(json: try JSONParser.parse(buffer: definitionBytes.bindMemory(to: UInt8.self)))
            definitions.set(Kept(bytes: Array(definitionBytes), state: base), for: stream)
        }
        let state: EntityState
        switch base {
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
            m.plannedDate = CalendarDate(daysSinceEpoch: try r.integer(Int64.self))
            let tag = try r.byte()
            let date = CalendarDate(daysSinceEpoch: try r.integer(Int64.self))
            switch tag {
            case 0: m.status = .scheduled
            case 1: m.status = .achieved(on: date)
            case 2: m.status = .missed(on: date)
            case 3: m.status = .cancelled(on: date)
            default: throw FieldError(field: "(snapshot)", "unknown milestone status \(tag)")
            }
            m.reschedules = Int(try r.integer(Int64.self))
            state = .milestone(m)
        case .programme, .component, .organisation, .decision:
            state = base
        }
        guard r.atEnd else { throw FieldError(field: "(snapshot)", "\(bytes.count - r.offset) bytes after the state") }
        return state
    }
}

/// Bounds-checked reads of snapshot bytes: damaged bytes throw, never trap.
struct SnapshotReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    mutating func take(_ n: Int) throws(FieldError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - offset else { throw FieldError(field: "(snapshot)", "truncated at byte \(offset)") }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    mutating func byte() throws(FieldError) -> UInt8 { try take(1)[0] }

    mutating func bigEndianLength() throws(FieldError) -> UInt32 {
        UInt32(bigEndian: try take(4).loadUnaligned(as: UInt32.self))
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws(FieldError) -> T {
        T(littleEndian: try take(MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    static let decimalBound: Int128 = {
        var b: Int128 = 1
        for _ in 0..<(ExactDecimal.maximumIntegerDigits + ExactDecimal.maximumScale) { b *= 10 }
        return b
    }()

    mutating func decimal() throws(FieldError) -> ExactDecimal {
        let significand = try integer(Int128.self)
        let scale = Int(try byte())
        guard scale <= ExactDecimal.maximumScale, significand > -Self.decimalBound, significand < Self.decimalBound else {
            throw FieldError(field: "(snapshot)", "a decimal out of range at byte \(offset)")
        }
        return ExactDecimal(significand: significand, scale: scale)
    }

    mutating func years() throws(FieldError) -> [Int: ExactDecimal] {
        let count = Int(try integer(UInt16.self))
        var out = [Int: ExactDecimal](minimumCapacity: count)
        for _ in 0..<count { out[Int(try integer(Int32.self))] = try decimal() }
        return out
    }
}
