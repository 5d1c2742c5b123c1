@testable import Programme
import Testing

@Suite struct DecimalAndMoneyTests {
    @Test func parsesAndPrintsExactly() {
        for text in ["0", "12.5", "-3.25", "1300000000000.00", "0.000000000000000001", "12345678901234567890.123456789012345678"] {
            #expect(ExactDecimal(text)?.description == text, "\(text)")
        }
        for bad in ["", "-", "1.", ".5", "1e3", "+1", "1,000", "1.2.3", "0.0000000000000000001", "NaN", "123456789012345678901"] {
            #expect(ExactDecimal(bad) == nil, "\(bad)")
        }
    }

    /// The digit-by-digit text agrees with one made the plain way, for random values of every size and
    /// scale (significands beyond 64 bits included), and parses back to the same digits.
    @Test func textAgreesWithPlainFormatting() {
        var rng = SeededRandom(seed: 11)
        for i in 0..<20_000 {
            let digits = 1 + rng.below(38)
            var significand: Int128 = 0
            for _ in 0..<digits { significand = significand * 10 + Int128(rng.below(10)) }
            if i % 2 == 1 { significand = -significand }
            let value = ExactDecimal(significand: significand, scale: rng.below(19))
            var plain = String(significand.magnitude)
            if value.scale > 0 {
                if plain.count <= value.scale { plain = String(repeating: "0", count: value.scale - plain.count + 1) + plain }
                plain.insert(".", at: plain.index(plain.endIndex, offsetBy: -value.scale))
            }
            plain = (significand < 0 ? "-" : "") + plain
            #expect(value.description == plain)
            if digits <= 38, let back = ExactDecimal(value.description) {
                #expect(back.significand == significand && back.scale == value.scale)
            }
        }
        #expect(ExactDecimal(significand: 5, scale: 2).description == "0.05")
        #expect(ExactDecimal(significand: -5, scale: 0).description == "-5")
        #expect(ExactDecimal.zero.description == "0")
    }

    @Test func arithmeticAndComparisonAreExact() throws {
        let a = try #require(ExactDecimal("0.1")), b = try #require(ExactDecimal("0.2"))
        #expect((a + b) == ExactDecimal("0.3"))
        #expect(ExactDecimal("10.00") == ExactDecimal("10"))
        #expect(Set([ExactDecimal("10.00"), ExactDecimal("10")]).count == 1)
        #expect(ExactDecimal("1300000000000.00")! - ExactDecimal("0.01")! == ExactDecimal("1299999999999.99"))
        #expect(ExactDecimal("-1")! < ExactDecimal("0.5")!)
        #expect(ExactDecimal("1234567.5")?.grouped == "1,234,567.5")
    }

    /// Grouping puts a comma before every third digit from the point, and nowhere else, for any sign,
    /// length and scale.
    @Test func groupingMatchesDigitsCountedFromThePoint() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let digits = String((0..<Int.random(in: 1...20, using: &rng)).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            let fraction = Bool.random(using: &rng) ? "." + String(Int.random(in: 0...999_999, using: &rng)) : ""
            let text = (Bool.random(using: &rng) ? "-" : "") + digits + fraction
            let value = try #require(ExactDecimal(text))
            // The model: strip the grouping and it is the plain text; the integer part's groups are
            // three digits each except the first, which holds one to three.
            let grouped = value.grouped
            #expect(grouped.replacingOccurrences(of: ",", with: "") == value.description)
            let integer = grouped.drop { $0 == "-" }.prefix { $0 != "." }
            let groups = integer.split(separator: ",", omittingEmptySubsequences: false)
            #expect((1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy { $0.count == 3 }, "\(grouped)")
        }
        #expect(ExactDecimal("-999")?.grouped == "-999")
        #expect(ExactDecimal("-1000.25")?.grouped == "-1,000.25")
        #expect(ExactDecimal("0.05")?.grouped == "0.05")
    }

    /// The fuzzer found that 30 + 18 digit decimals overflowed the 128-bit significand while parsing:
    /// the range is now 20 + 18 digits, and the extremes still align and compare.
    @Test func extremesOfTheParsedRangeAlignWithoutOverflow() throws {
        let big = try #require(ExactDecimal("99999999999999999999"))
        let tiny = try #require(ExactDecimal("-0.000000000000000001"))
        let both = try #require(ExactDecimal("-99999999999999999999.999999999999999999"))
        #expect(tiny < big && both < tiny && both < big)
        #expect(big.rescaled(to: 18) != nil)
        #expect(ExactDecimal("1" + String(repeating: "0", count: 29) + ".5") == nil)
    }

    @Test func currenciesKnowTheirMinorUnits() {
        #expect(Currency(code: "KZT")?.minorUnits == 2)
        #expect(Currency(code: "JPY")?.minorUnits == 0)
        #expect(Currency(code: "KWD")?.minorUnits == 3)
        #expect(Currency(code: "XYZ") == nil)
        #expect(Currency(code: "kzt") == nil)
        #expect(Money(ExactDecimal("1300000000000")!, .kzt).description == "KZT 1,300,000,000,000.00")
    }

    /// A sum's text is its currency's code, a space and its grouped amount, written in one string: at
    /// every length, signed or not, down to the longest a decimal has.
    @Test func moneyTextIsTheCodeAndTheGroupedAmount() throws {
        var amounts = ["0", "-0.5", "7", "12.5", "-1234.5", "999999.999", "1000000"].compactMap { ExactDecimal($0) }
        amounts += [ExactDecimal(significand: .max, scale: 0), ExactDecimal(significand: .min + 1, scale: 3)]
        for d in amounts {
            for code in ["KZT", "JPY", "KWD"] {
                let currency = try #require(Currency(code: code))
                let money = Money(d, currency)
                #expect(money.description == code + " " + money.amountGrouped, "\(d) \(code)")
            }
        }
        #expect(Money(ExactDecimal("-1234.5")!, .kzt).description == "KZT -1,234.50")
    }
}
