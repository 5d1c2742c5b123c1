import EventLog
@testable import Programme
import Testing

/// The effects the current state keeps with each snapshot (``EffectList``): every entry reads back in
/// order as written, the bytes are those documented, and bytes that are not whole entries throw.
@Suite struct EffectListTests {
    typealias Entry = (sequence: UInt64, dayOffset: Int64, effect: EntityEffect?)

    static func read(_ list: [UInt8]) throws -> [Entry] {
        var out: [Entry] = []
        try list.withUnsafeBytes { bytes in
            try EffectList.forEach(bytes) { sequence, offset, effect in
                out.append((sequence, offset, effect.isEmpty ? nil : try EntityEffect(stored: effect)))
            }
        }
        return out
    }

    @Test func everyEntryReadsBackInOrder() throws {
        var entries: [Entry] = [(1, 0, nil), (UInt64.max, Int64.min, nil), (7, Int64.max, .withdrawn), (100_000, -3, nil)]
        for (i, effect) in EntityEffectTests.every.enumerated() { entries.append((UInt64(i) * 9_973, Int64(i % 3) - 1, effect)) }
        var list: [UInt8] = []
        for e in entries { EffectList.append(sequence: e.sequence, dayOffset: e.dayOffset, effect: e.effect, to: &list) }
        let back = try Self.read(list)
        #expect(back.count == entries.count)
        for (b, e) in zip(back, entries) {
            #expect(b.sequence == e.sequence && b.dayOffset == e.dayOffset && b.effect == e.effect)
        }
        #expect(try Self.read([]).isEmpty)
    }

    /// Hand-worked: 100,000 in LEB128 is A0 8D 06; a day before the snapshot's is −1, zigzag 1; no
    /// effect is a length of 0; an effect is its length, then ``EntityEffect``'s stored form.
    @Test func theBytesAreTheDocumentedOnes() {
        var list: [UInt8] = []
        EffectList.append(sequence: 100_000, dayOffset: -1, effect: nil, to: &list)
        #expect(list == [0xA0, 0x8D, 0x06, 0x01, 0x00])
        let effect = EntityEffect.target(year: 2026, value: ExactDecimal(significand: 125, scale: 1))
        EffectList.append(sequence: 2, dayOffset: 1, effect: effect, to: &list)
        #expect(list == [0xA0, 0x8D, 0x06, 0x01, 0x00] + [0x02, 0x02, UInt8(effect.encode().count)] + effect.encode())
    }

    /// A list cut anywhere inside an entry, or an entry whose effect's length runs past the list or
    /// exceeds the longest effect, throws.
    @Test func bytesThatAreNotWholeEntriesThrow() throws {
        var list: [UInt8] = []
        EffectList.append(sequence: 300, dayOffset: 0, effect: .spent(ExactDecimal(significand: 12_345, scale: 2)), to: &list)
        for cut in 1..<list.count {
            #expect(throws: FieldError.self, "cut at \(cut)") { _ = try Self.read(Array(list[..<cut])) }
        }
        #expect(throws: FieldError.self) { _ = try Self.read([0x01, 0x00, 0x7F] + Array(repeating: 0, count: 127)) }
    }
}
