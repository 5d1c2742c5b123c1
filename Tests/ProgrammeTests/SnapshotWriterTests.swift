import EventLog
import Foundation
@testable import Programme
import PropertyBased
import Testing

/// The writer behind snapshots and effects: LEB128 byte for byte as the format says, within the bound
/// computed for each value, and the same bytes through reused scratch memory as through a new array.
@Suite struct SnapshotWriterTests {
    /// Unsigned LEB128 the plain way, one byte at a time: what the format documents.
    static func reference(_ v: UInt128) -> [UInt8] {
        var n = v, out: [UInt8] = []
        repeat {
            let low = UInt8(truncatingIfNeeded: n & 0x7F)
            n >>= 7
            out.append(n == 0 ? low : low | 0x80)
        } while n != 0
        return out
    }

    static func written(bound: Int = SnapshotWriter.maximumNumberSize, _ write: (inout SnapshotWriter) -> Void) -> [UInt8] {
        SnapshotWriter.bytes(bound: bound, write)
    }

    /// Every width from one byte to nineteen, at its edges (both sides of the 64-bit path included),
    /// and values drawn at random, unsigned and zigzag-signed, read back by the snapshot reader.
    @Test func numbersAreLEB128ByteForByte() async throws {
        var edges: [UInt128] = [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, UInt128(UInt64.max) - 1, UInt128(UInt64.max),
                                UInt128(UInt64.max) + 1, .max - 1, .max]
        for bits in stride(from: 7, to: 128, by: 7) { edges += [(1 << UInt128(bits)) - 1, 1 << UInt128(bits)] }
        for v in edges {
            let bytes = Self.written { $0.unsigned(v) }
            #expect(bytes == Self.reference(v), "\(v)")
            #expect(bytes.count <= SnapshotWriter.maximumNumberSize)
            let back = try bytes.withUnsafeBytes { b in var r = SnapshotReader(bytes: b); return try r.unsigned() }
            #expect(back == v)
        }
        #expect(Self.written { $0.unsigned(.max) }.count == 19)
        await propertyCheck(count: 500, input: Gen.uint64(in: 0...UInt64.max), Gen.uint64(in: 0...UInt64.max), Gen.int(in: 0...127)) { low, high, shift in
            Self.checkBothWays((UInt128(high) << 64 | UInt128(low)) >> UInt128(shift))
        }
    }

    /// `v` written unsigned, and as a signed number zigzagged, byte for byte as the reference writes
    /// them; the signed one read back.
    static func checkBothWays(_ v: UInt128) {
        #expect(written { $0.unsigned(v) } == reference(v))
        let s = Int128(bitPattern: v)
        let signed = written { $0.signed(s) }
        #expect(signed == reference(UInt128(bitPattern: (s << 1) ^ (s >> 127))))
        let back = try? signed.withUnsafeBytes { b in
            var r = SnapshotReader(bytes: b)
            return try r.signed()
        }
        #expect(back == s)
    }

    /// A snapshot of every kind, at the extremes of every field and with hundreds of years, takes no
    /// more than the bound it is written within; each reads back.
    @Test func snapshotsStayWithinTheirBound() throws {
        // Every state of the default ledger, as EntitySnapshotTests folds them.
        var states = try EntitySnapshotTests().states().1.map(\.1)
        let largest = ExactDecimal(significand: .max, scale: ExactDecimal.maximumScale)
        let smallest = ExactDecimal(significand: .min, scale: ExactDecimal.maximumScale)
        for case .indicator(var s) in Array(states) {
            s.targets = YearValues()
            s.measurements = YearValues()
            for year in 0..<300 { s.targets[Int(Int32.min) + year] = largest; s.measurements[Int(Int32.max) - year] = smallest }
            states.append(.indicator(s))
            break
        }
        for case .allocation(var a) in Array(states) {
            a.amount = smallest; a.disbursed = largest; a.spent = smallest; a.withdrawn = true
            states.append(.allocation(a))
            break
        }
        for case .milestone(var m) in Array(states) {
            m.plannedDate = CalendarDate(daysSinceEpoch: .min); m.status = .achieved(on: CalendarDate(daysSinceEpoch: .max))
            m.reschedules = .max
            states.append(.milestone(m))
            break
        }
        #expect(Set(states.map(\.kind)) == Set(EntityKind.allCases))
        for state in states {
            let changes = Self.written(bound: EntitySnapshot.changesBound(of: state)) { $0.changes(of: state) }
            #expect(changes.count <= EntitySnapshot.changesBound(of: state))
            let stored = EntitySnapshot.encode(state, definitionNumber: Int(Int32.max))
            #expect(stored.count <= SnapshotWriter.maximumNumberSize + EntitySnapshot.changesBound(of: state))
            #expect(Array(stored.suffix(changes.count)) == changes)
        }
        #expect(states.contains { EntitySnapshot.changesBound(of: $0) > 10_000 })
    }

    /// One scratch buffer passed to snapshot after snapshot and effect after effect, large and small in
    /// turn, gives each exactly the bytes a new array holds: nothing of an earlier value shows through.
    @Test func reusedScratchGivesTheSameBytesAsANewArray() throws {
        // Every state of the default ledger, as EntitySnapshotTests folds them.
        let states = try EntitySnapshotTests().states().1.map(\.1)
        guard case .indicator(var big)? = states.first(where: { $0.kind == .indicator }) else { Issue.record("an indicator"); return }
        for year in 2000..<2100 { big.targets[year] = ExactDecimal(significand: Int128(year) * 1_000_003, scale: 2) }
        // Large, then every state (mostly small), then large again: the buffer grows, then is reused.
        let order = [EntityState.indicator(big)] + states + [.indicator(big)] + states.reversed()
        var scratch: [UInt8] = []
        var seen = 0
        for (i, state) in order.enumerated() {
            var got: [UInt8] = []
            EntitySnapshot.withEncoded(state, definitionNumber: i, in: &scratch) { got = Array($0) }
            #expect(got == EntitySnapshot.encode(state, definitionNumber: i))
            seen += 1
        }
        #expect(seen == order.count && scratch.count >= EntitySnapshot.changesBound(of: .indicator(big)))
        for effect in EntityEffectTests.every + EntityEffectTests.every.reversed() {
            var got: [UInt8] = []
            effect.withEncoded(in: &scratch) { got = Array($0) }
            #expect(got == effect.encode())
            #expect(got.count <= EntityEffect.maximumSize)
        }
    }

    /// A snapshot written after two numbers and bytes beside it: those numbers in unsigned LEB128 as the
    /// format documents, the bytes' count and the bytes, then the bytes the snapshot alone has; read back
    /// as written, at every size up to 64 bits; cut short or longer than 64 bits, or bytes beside it
    /// longer than what is left, an error that says so, not a trap.
    @Test func aPrefixOfTwoNumbersReadsBackBeforeTheSnapshot() throws {
        let states = try EntitySnapshotTests().states().1.map(\.1)
        var scratch: [UInt8] = []
        let numbers: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, 1_000_000, UInt64(UInt32.max), 1 << 63, .max]
        for (i, state) in states.enumerated() {
            let prefix = (numbers[i % numbers.count], numbers[(i * 7 + 3) % numbers.count])
            let beside = (0..<(i * 37 % 200)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            var got: [UInt8] = []
            beside.withUnsafeBytes { b in
                EntitySnapshot.withEncoded(state, prefix: prefix, beside: b, definitionNumber: i, in: &scratch) { got = Array($0) }
            }
            let alone = EntitySnapshot.encode(state, definitionNumber: i)
            #expect(got == Self.reference(UInt128(prefix.0)) + Self.reference(UInt128(prefix.1)) + Self.reference(UInt128(beside.count)) + beside + alone)
            let read = try got.withUnsafeBytes { try EntitySnapshot.prefix(stored: $0) }
            #expect(read.prefix == prefix)
            let split = try EntitySnapshot.beside(stored: read.snapshot)
            #expect(Array(split.beside) == beside)
            #expect(Array(split.snapshot) == alone)
        }
        for bad: [UInt8] in [[], [0x80], [5], [5, 0, 0, 0, 0], [0x81, 0x01, 0]] {
            #expect(throws: FieldError.self) { try bad.withUnsafeBytes { _ = try EntitySnapshot.beside(stored: $0) } }
        }
        for bad: [UInt8] in [[], [0x80], [5], [5, 0xFF], Array(repeating: 0xFF, count: 9) + [0x02, 0]] {
            #expect(throws: FieldError.self) { try bad.withUnsafeBytes { _ = try EntitySnapshot.prefix(stored: $0) } }
        }
        // The largest: ten bytes, the last holding the top bit.
        let largest = Array(repeating: UInt8(0xFF), count: 9) + [0x01]
        #expect(try (largest + largest).withUnsafeBytes { try EntitySnapshot.prefix(stored: $0).prefix } == (UInt64.max, UInt64.max))
    }
}

