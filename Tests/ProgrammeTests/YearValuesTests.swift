@testable import Programme
import Testing

/// The sorted year → value list behind indicator targets and measurements behaves as the dictionary it
/// replaced, keeps years in order, and holds every decimal exactly.
@Suite struct YearValuesTests {
    @Test func randomSetsAndRemovalsAgreeWithADictionary() {
        for seed in UInt64(1)...40 {
            var rng = SeededRandom(seed: seed)
            var values = YearValues()
            var model: [Int: ExactDecimal] = [:]
            for _ in 0..<(1 + rng.below(60)) {
                let year = 2020 + rng.below(15)
                let value: ExactDecimal? = rng.below(4) == 0 ? nil : ExactDecimal(significand: Int128(rng.below(20_000)) - 10_000, scale: rng.below(3))
                values[year] = value
                model[year] = value
                #expect(values[year] == model[year])
            }
            #expect(values.years == model.keys.sorted(), "seed \(seed)")
            #expect(values.map(\.year) == values.years)
            #expect(values.count == model.count && values.isEmpty == model.isEmpty)
            for year in 2018...2037 { #expect(values[year] == model[year]) }
        }
    }

    @Test func twoListsAlignedAreTheirSortedUnionWithEachOnesValue() {
        for seed in UInt64(1)...40 {
            var rng = SeededRandom(seed: seed)
            var a = YearValues(), b = YearValues()
            for _ in 0..<rng.below(8) { a[2020 + rng.below(12)] = ExactDecimal(significand: Int128(rng.below(100)), scale: 0) }
            for _ in 0..<rng.below(8) { b[2020 + rng.below(12)] = ExactDecimal(significand: Int128(rng.below(100)) + 100, scale: 1) }
            let aligned = YearValues.aligned(a, b)
            #expect(aligned.map(\.year) == Set(a.years).union(b.years).sorted(), "seed \(seed)")
            for (year, first, second) in aligned {
                #expect(first == a[year] && second == b[year], "seed \(seed), \(year)")
            }
        }
        // The extreme years, in one list only or both: no sentinel mistaken for a year.
        let one: YearValues = [Int.max: .zero, Int.min: .zero], other: YearValues = [Int.max: ExactDecimal("1")!]
        #expect(YearValues.aligned(other, one).map(\.year) == [Int.min, Int.max])
        #expect(YearValues.aligned(YearValues(), one).map { $0.second != nil } == [true, true])
        #expect(YearValues.aligned(one, other).last.map { $0.first == .zero && $0.second == ExactDecimal("1") } == true)
    }

    @Test func valuesAreHeldExactly() {
        let bound = SnapshotReader.decimalBound - 1
        let values: [ExactDecimal] = [.zero, ExactDecimal("-0.001")!, ExactDecimal("12.50")!, ExactDecimal("18446744073709551616")!,
                                      ExactDecimal(significand: bound, scale: 18), ExactDecimal(significand: -bound, scale: 0)]
        var list = YearValues()
        for (i, v) in values.enumerated() { list[2030 - i] = v }
        for (i, v) in values.enumerated() {
            #expect(list[2030 - i]?.significand == v.significand && list[2030 - i]?.scale == v.scale)
        }
        // Equality is numeric, as ExactDecimal's: 12.50 equals 12.5.
        #expect(YearValues(dictionaryLiteral: (2026, ExactDecimal("12.50")!)) == [2026: ExactDecimal("12.5")!])
        #expect(YearValues(dictionaryLiteral: (2026, ExactDecimal("12.5")!)) != [2027: ExactDecimal("12.5")!])
    }
}
