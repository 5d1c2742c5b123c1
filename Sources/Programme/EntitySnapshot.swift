import EventLog
import Foundation

/// The stored form of an entity's state in the projections: its definition — the canonical JSON of the
/// state right after the entity's definition, in the snapshot or referred to by number — then what has
/// changed since, in binary.
///
/// Layout: a big-endian `UInt32` length and that many bytes of definition JSON (``EntityState/json`` of
/// the state the defining event alone leads to), or a definition number (``encode(_:definitionNumber:)``:
/// the current-state projection keeps each entity's definitions once, apart), then by kind —
/// indicator: targets and measurements, each a `UInt16` count of (`Int32` year, decimal);
/// allocation: amount, a `UInt8` withdrawn flag, disbursed, spent;
/// milestone: planned date (`Int64` days since 1970-01-01), a `UInt8` status (0 scheduled, 1 achieved,
/// 2 missed, 3 cancelled), its `Int64` date (0 when scheduled), an `Int64` count of reschedules;
/// other kinds: nothing. A decimal is its `Int128` significand (16 bytes) and a `UInt8` scale. Integers
/// are little-endian except the length.
///
/// Why: the definition is the same in every snapshot of an entity, so a reader that keeps the decoded
/// definition (``EntitySnapshotDecoder``) reads a snapshot with one byte comparison (or a number) and a
/// few fixed-size fields instead of parsing JSON: "the programme as of a date" reads hundreds of snapshots.
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
        appendChanges(of: state, to: &out)
        return out
    }

    /// The stored bytes of `state` when its definition is kept apart, in a list of the entity's
    /// definitions (``encodeDefinitions(_:)``): the definition's number in that list (unsigned LEB128),
    /// then what changed since, as in the layout above.
    ///
    /// Why: a snapshot is then a few dozen bytes, not the few hundred of the definition's JSON, and a
    /// reader of an entity's state as of a date reads only those (the current-state projection keeps
    /// hundreds of thousands of snapshots and one definition list per entity).
    public static func encode(_ state: EntityState, definitionNumber: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        var n = UInt(max(0, definitionNumber))
        while n >= 0x80 { out.append(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
        out.append(UInt8(n))
        appendChanges(of: state, to: &out)
        return out
    }

    /// An entity's definitions, each ``definitionBytes(of:)``, as one stored value: each a big-endian
    /// `UInt32` length and that many bytes, numbered from 0 in the order given.
    public static func encodeDefinitions(_ definitions: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(definitions.reduce(0) { $0 + 4 + $1.count })
        for d in definitions {
            withUnsafeBytes(of: UInt32(d.count).bigEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: d)
        }
        return out
    }

    /// The definition number a snapshot stored by ``encode(_:definitionNumber:)`` starts with: a writer
    /// storing later states of the entity from it keeps the number.
    public static func definitionNumber(stored bytes: UnsafeRawBufferPointer) throws(FieldError) -> Int {
        var r = SnapshotReader(bytes: bytes)
        return try r.definitionNumber()
    }

    /// What changed since the definition, in the layout above.
    static func appendChanges(of state: EntityState, to out: inout [UInt8]) {
        func integer<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func decimal(_ d: ExactDecimal) { integer(d.significand); out.append(UInt8(d.scale)) }
        func years(_ m: YearValues) {
            integer(UInt16(truncatingIfNeeded: m.count))
            for e in m { integer(Int32(truncatingIfNeeded: e.year)); decimal(e.value) }
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

    /// Whether `self` and `other` have the same definition down to its stored text: decimals compare
    /// digit for digit, not as numbers (`1000.00 == 1000`, yet their canonical JSON differs), so a
    /// writer reusing one state's definition bytes for another never stores the wrong text.
    public func hasIdenticalDefinition(to other: EntityState) -> Bool {
        func same(_ a: ExactDecimal?, _ b: ExactDecimal?) -> Bool { a?.significand == b?.significand && a?.scale == b?.scale }
        switch (self, other) {
        case (.indicator(let a), .indicator(let b)):
            return a.definition == b.definition && same(a.definition.baseline?.value, b.definition.baseline?.value)
        case (.allocation(let a), .allocation(let b)):
            return a.definition == b.definition && same(a.definition.money.amount, b.definition.money.amount)
        case (.milestone(let a), .milestone(let b)):
            return a.definition == b.definition
        case (.programme, _), (.component, _), (.organisation, _), (.decision, _):
            return self == other   // the state is the definition, and holds no decimal
        default:
            return false
        }
    }
}

/// Bounds-checked reads of snapshot bytes: damaged bytes throw, never trap.
struct SnapshotReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    @inline(__always)
    mutating func take(_ n: Int) throws(FieldError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= bytes.count - offset else { throw FieldError(field: "(snapshot)", "truncated at byte \(offset)") }
        defer { offset += n }
        // In bounds (checked above): a pointer and a count, not a slice with its own checks.
        return UnsafeRawBufferPointer(start: bytes.baseAddress.map { $0 + offset }, count: n)
    }

    mutating func byte() throws(FieldError) -> UInt8 { try take(1)[0] }

    /// An unsigned LEB128 definition number (at most 4 bytes: 2^28 definitions of one entity).
    mutating func definitionNumber() throws(FieldError) -> Int {
        var n = 0
        for shift in stride(from: 0, to: 28, by: 7) {
            let b = try byte()
            n |= Int(b & 0x7F) << shift
            if b < 0x80 { return n }
        }
        throw FieldError(field: "(snapshot)", "a definition number longer than 4 bytes")
    }

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
        return try Self.decimal(significand, scale: Int(try byte()), at: offset)
    }

    /// The decimal with these stored parts, or an error naming byte `at` when they are out of range.
    static func decimal(_ significand: Int128, scale: Int, at: Int) throws(FieldError) -> ExactDecimal {
        guard scale <= ExactDecimal.maximumScale, significand > -decimalBound, significand < decimalBound else {
            throw FieldError(field: "(snapshot)", "a decimal out of range at byte \(at)")
        }
        return ExactDecimal(significand: significand, scale: scale)
    }

    /// A `UInt16` count of (`Int32` year, decimal), years ascending: the whole list bounds-checked at
    /// once, then read with fixed offsets (an indicator snapshot is mostly this).
    mutating func years() throws(FieldError) -> YearValues {
        let count = Int(try integer(UInt16.self))
        guard count > 0 else { return YearValues() }
        let start = offset
        let entry = 4 + 16 + 1
        let block = try take(count * entry)
        var out: [YearValues.Element] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let at = i * entry
            let year = Int(Int32(littleEndian: block.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            guard out.last.map({ $0.year < year }) ?? true else {
                throw FieldError(field: "(snapshot)", "year \(year) out of order at byte \(start + at)")
            }
            let significand = Int128(littleEndian: block.loadUnaligned(fromByteOffset: at + 4, as: Int128.self))
            let value = try Self.decimal(significand, scale: Int(block[at + 20]), at: start + at + 4)
            out.append(YearValues.Element(year: year, value: value))
        }
        return YearValues(ascending: out)
    }
}
