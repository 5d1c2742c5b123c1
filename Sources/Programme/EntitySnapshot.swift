import EventLog
import Foundation

/// The stored form of an entity's state in the projections: its definition — the canonical JSON of the
/// state right after the entity's definition, in the snapshot or referred to by number — then what has
/// changed since, in binary.
///
/// Layout: a big-endian `UInt32` length and that many bytes of definition JSON (``EntityState/json`` of
/// the state the defining event alone leads to), or a definition number (``encode(_:definitionNumber:)``:
/// the current-state projection keeps each entity's definitions once, apart), then by kind —
/// indicator: targets and measurements, each a count of (year, decimal), years ascending;
/// allocation: amount, a withdrawn byte (0 or 1), disbursed, spent;
/// milestone: planned date (days since 1970-01-01), a status byte (0 scheduled, 1 achieved, 2 missed,
/// 3 cancelled), its date (0 when scheduled), the count of reschedules;
/// other kinds: nothing. Counts are unsigned LEB128; years, dates and reschedules signed LEB128 with
/// zigzag (as in Protocol Buffers: −1 → 1, 1 → 2); a decimal is its significand, signed so, then a
/// scale byte.
/// A target of 12.5 takes 4 bytes (year 2, significand 125 as 2 and the scale 1); an `Int128` would
/// take 16: a snapshot is a few dozen bytes, and a query reading hundreds of them touches fewer pages.
///
/// Why: the definition is the same in every snapshot of an entity, so a reader that keeps the decoded
/// definition (``EntitySnapshotDecoder``) reads a snapshot with one byte comparison and a few numbers
/// instead of parsing JSON: "the programme as of a date" reads hundreds of snapshots.
public enum EntitySnapshot {
    /// The stored bytes of `state`.
    public static func encode(_ state: EntityState) -> [UInt8] {
        encode(state, definition: definitionBytes(of: state))
    }

    /// The definition part of `state`'s stored bytes: the same for every state of one entity, so a
    /// writer storing many states of an entity makes it once (canonical JSON is most of a write's cost).
    public static func definitionBytes(of state: EntityState) -> [UInt8] {
        state.definitionOnly.canonicalJSON
    }

    /// The stored bytes of `state`, given ``definitionBytes(of:)`` of a state with the same definition
    /// (any earlier state of the entity, unless a correction has replaced its definition since).
    public static func encode(_ state: EntityState, definition: [UInt8]) -> [UInt8] {
        let bound = changesBound(of: state)
        var out: [UInt8] = []
        out.reserveCapacity(4 + definition.count + bound)
        appendLengthPrefixed(definition, to: &out)
        SnapshotWriter.append(bound: bound, to: &out) { $0.changes(of: state) }
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
        SnapshotWriter.bytes(bound: numberedBound(of: state)) { $0.numbered(state, definitionNumber: definitionNumber) }
    }

    /// `use` given the bytes ``encode(_:definitionNumber:)`` makes, written into `buffer`: scratch
    /// memory that a writer of many snapshots in turn passes to each (grown when too small).
    ///
    /// Why: a replay stores about a snapshot an event; a new array for each cost an allocation and a
    /// free (freeing arrays took a tenth of the applying thread's instructions).
    public static func withEncoded(_ state: EntityState, definitionNumber: Int, in buffer: inout [UInt8],
                                   _ use: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try SnapshotWriter.withBytes(bound: numberedBound(of: state), in: &buffer, { $0.numbered(state, definitionNumber: definitionNumber) }, use)
    }

    /// An entity's definitions, each ``definitionBytes(of:)``, as one stored value: each a big-endian
    /// `UInt32` length and that many bytes, numbered from 0 in the order given.
    public static func encodeDefinitions(_ definitions: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(definitions.reduce(0) { $0 + 4 + $1.count })
        for d in definitions { appendLengthPrefixed(d, to: &out) }
        return out
    }

    /// The definition number a snapshot stored by ``encode(_:definitionNumber:)`` starts with: a writer
    /// storing later states of the entity from it keeps the number.
    public static func definitionNumber(stored bytes: UnsafeRawBufferPointer) throws(FieldError) -> Int {
        var r = SnapshotReader(bytes: bytes)
        return try r.definitionNumber()
    }

    /// A big-endian `UInt32` length, then `bytes` (read back by ``SnapshotReader/lengthPrefixed()``).
    static func appendLengthPrefixed(_ bytes: [UInt8], to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: bytes)
    }

    /// The most bytes ``SnapshotWriter/numbered(_:definitionNumber:)`` writes for `state`.
    static func numberedBound(of state: EntityState) -> Int { SnapshotWriter.maximumNumberSize + changesBound(of: state) }

    /// The most bytes ``SnapshotWriter/changes(of:)`` writes for `state`.
    static func changesBound(of state: EntityState) -> Int {
        let number = SnapshotWriter.maximumNumberSize, decimal = SnapshotWriter.maximumDecimalSize
        switch state {
        case .indicator(let s): return 2 * number + (s.targets.count + s.measurements.count) * (number + decimal)
        case .allocation: return 3 * decimal + 1
        case .milestone: return 3 * number + 1
        case .programme, .component, .organisation, .decision: return 0
        }
    }
}

extension SnapshotWriter {
    /// A snapshot that refers to its definition by number (``EntitySnapshot/encode(_:definitionNumber:)``):
    /// the number, then what changed since; at most ``EntitySnapshot/numberedBound(of:)`` bytes.
    mutating func numbered(_ state: EntityState, definitionNumber: Int) {
        unsigned(UInt64(max(0, definitionNumber)))
        changes(of: state)
    }

    /// What changed in `state` since its definition, in the layout of ``EntitySnapshot``; at most
    /// ``EntitySnapshot/changesBound(of:)`` bytes.
    mutating func changes(of state: EntityState) {
        func integer(_ v: Int64) { signed(Int128(v)) }
        func years(_ m: YearValues) {
            unsigned(UInt128(m.count))
            for e in m { integer(Int64(e.year)); decimal(e.value) }
        }
        switch state {
        case .indicator(let s):
            years(s.targets)
            years(s.measurements)
        case .allocation(let a):
            decimal(a.amount)
            byte(a.withdrawn ? 1 : 0)
            decimal(a.disbursed)
            decimal(a.spent)
        case .milestone(let m):
            integer(m.plannedDate.daysSinceEpoch)
            switch m.status {
            case .scheduled: byte(0); integer(0)
            case .achieved(let d): byte(1); integer(d.daysSinceEpoch)
            case .missed(let d): byte(2); integer(d.daysSinceEpoch)
            case .cancelled(let d): byte(3); integer(d.daysSinceEpoch)
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
        case .indicator(let s): .indicator(IndicatorState(definitionOf: s))
        case .allocation(let a): .allocation(AllocationState(definitionOf: a))
        case .milestone(let m): .milestone(MilestoneState(definitionOf: m))
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

    @inline(__always)
    mutating func byte() throws(FieldError) -> UInt8 {
        guard offset < bytes.count else { throw FieldError(field: "(snapshot)", "truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

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

    /// A big-endian `UInt32` length and that many bytes (``EntitySnapshot/appendLengthPrefixed(_:to:)``).
    mutating func lengthPrefixed() throws(FieldError) -> UnsafeRawBufferPointer {
        let length = UInt32(bigEndian: try take(4).loadUnaligned(as: UInt32.self))
        return try take(Int(length))
    }

    /// An unsigned LEB128 number of at most 128 bits.
    @inline(__always)
    mutating func unsigned() throws(FieldError) -> UInt128 {
        var n: UInt128 = 0
        var shift: UInt128 = 0
        while offset < bytes.count {
            let b = bytes[offset]
            offset += 1
            guard shift < 126 || (shift == 126 && b < 4) else { break }   // the 19th byte holds 2 bits
            n |= UInt128(b & 0x7F) << shift
            if b < 0x80 { return n }
            shift += 7
        }
        throw FieldError(field: "(snapshot)", "a number truncated or longer than 128 bits at byte \(offset)")
    }

    /// A zigzag signed LEB128 number of at most 9 bytes, read with 64-bit arithmetic (the usual case:
    /// 128-bit shifts cost several times more); `nil`, reading nothing, when it is longer or cut short.
    @inline(__always)
    mutating func smallSigned() -> Int64? {
        // One or two bytes (years, most significands): no loop.
        if offset + 1 < bytes.count {
            let b0 = bytes[offset], b1 = bytes[offset + 1]
            if b0 < 0x80 {
                offset += 1
                return Int64(b0 >> 1) ^ -Int64(b0 & 1)
            }
            if b1 < 0x80 {
                offset += 2
                let n = UInt64(b0 & 0x7F) | UInt64(b1) << 7
                return Int64(n >> 1) ^ -Int64(n & 1)
            }
        }
        var n: UInt64 = 0
        var shift: UInt64 = 0
        var at = offset
        while at < bytes.count, shift < 63 {
            let b = bytes[at]
            at += 1
            n |= UInt64(b & 0x7F) << shift
            if b < 0x80 {
                offset = at
                return Int64(bitPattern: n >> 1) ^ -Int64(bitPattern: n & 1)
            }
            shift += 7
        }
        return nil
    }

    /// A zigzag signed LEB128 number.
    @inline(__always)
    mutating func signed() throws(FieldError) -> Int128 {
        if let v = smallSigned() { return Int128(v) }
        let z = try unsigned()
        return Int128(bitPattern: z >> 1) ^ -Int128(bitPattern: z & 1)
    }

    /// A zigzag signed LEB128 number that fits an `Int64` (a date, a count).
    mutating func integer() throws(FieldError) -> Int64 {
        if let v = smallSigned() { return v }
        let at = offset
        guard let v = Int64(exactly: try signed()) else { throw FieldError(field: "(snapshot)", "a number out of range at byte \(at)") }
        return v
    }

    static let decimalBound: Int128 = {
        var b: Int128 = 1
        for _ in 0..<(ExactDecimal.maximumIntegerDigits + ExactDecimal.maximumScale) { b *= 10 }
        return b
    }()

    mutating func decimal() throws(FieldError) -> ExactDecimal {
        let at = offset
        if let small = smallSigned() {
            // Within 2^62, far inside the 38 digits allowed: only the scale needs checking.
            let scale = Int(try byte())
            guard scale <= ExactDecimal.maximumScale else { throw FieldError(field: "(snapshot)", "a decimal out of range at byte \(at)") }
            return ExactDecimal(significand: Int128(small), scale: scale)
        }
        let significand = try signed()
        return try Self.decimal(significand, scale: Int(try byte()), at: at)
    }

    /// The decimal with these stored parts, or an error naming byte `at` when they are out of range.
    static func decimal(_ significand: Int128, scale: Int, at: Int) throws(FieldError) -> ExactDecimal {
        guard scale <= ExactDecimal.maximumScale, significand > -decimalBound, significand < decimalBound else {
            throw FieldError(field: "(snapshot)", "a decimal out of range at byte \(at)")
        }
        return ExactDecimal(significand: significand, scale: scale)
    }

    /// A count of (year, decimal), years ascending (an indicator snapshot is mostly this).
    ///
    /// Each entry is read in one step while its three parts fit 64-bit arithmetic (years, and values
    /// below 2^62 in their smallest unit: every one seen so far), else part by part with 128-bit numbers.
    mutating func years() throws(FieldError) -> YearValues {
        let at = offset
        let count = try unsigned()
        guard count > 0 else { return YearValues() }
        // Each entry takes at least 3 bytes: a count the rest cannot hold is damage, not an allocation.
        guard count <= UInt128(bytes.count - offset) / 3 else { throw FieldError(field: "(snapshot)", "a count of \(count) years at byte \(at)") }
        var out: [YearValues.Element] = []
        out.reserveCapacity(Int(count))
        var previous = Int.min
        for _ in 0..<Int(count) {
            let entryAt = offset
            let element: YearValues.Element
            if let year = smallSigned(), let significand = smallSigned(), offset < bytes.count,
               bytes[offset] <= ExactDecimal.maximumScale {
                element = YearValues.Element(year: Int(year), significand: significand, scale: Int(bytes[offset]))
                offset += 1
            } else {
                offset = entryAt
                element = YearValues.Element(year: Int(try integer()), value: try decimal())
            }
            guard element.year > previous else {
                throw FieldError(field: "(snapshot)", "year \(element.year) out of order at byte \(entryAt)")
            }
            previous = element.year
            out.append(element)
        }
        return YearValues(ascending: out)
    }
}
