import EventLog
@testable import Programme
import PropertyBased
import Testing

/// `EntityState.changes(from:to:)` compares indicators and allocations field by field; its answer must be
/// the one comparing their facets as text gives, including values equal as numbers but not as text
/// (`5` and `5.0`), years gained and lost, and definitions replaced by a correction.
@Suite struct FacetChangeTests {
    /// Values of a few significands at scales 0–3: `0`, `0.0`, `1`, `0.10`, `-5.000` …
    static func decimal(_ code: Int) -> ExactDecimal {
        ExactDecimal(significand: Int128([0, 1, 5, 10, 50, 100, -5][code % 7]), scale: code / 7 % 4)
    }

    static func indicator(name: Int, baseline: Int, targets: [Int], actuals: [Int]) throws -> IndicatorState {
        var fields: [(String, JSONValue)] = [
            ("component", .string("component/C-1")), ("name", .string(["Rooms", "Beds"][name % 2])), ("unit", .string("rooms")),
            ("measure", .string("unit")), ("higherIsBetter", .bool(true)),
        ]
        if baseline % 5 != 0 {   // no baseline, or one of a few values and years
            fields.append(("baseline", .object([("value", .string(decimal(baseline).description)), ("year", .integer(Int64(2024 + baseline % 2)))])))
        }
        var state = IndicatorState(definition: try IndicatorDefined(fields: JSONFields(.object(fields))))
        // Each code sets a year (2025–2030) to a value; later codes of a year replace earlier ones.
        for c in targets { state.targets[2025 + c % 6] = decimal(c / 6) }
        for c in actuals { state.measurements[2025 + c % 6] = decimal(c / 6) }
        return state
    }

    static func allocation(currency: Int, codes: [Int]) throws -> AllocationState {
        var state = AllocationState(definition: try FundingAllocated(fields: JSONFields(.object([
            ("component", .string("component/C-1")), ("amount", .string("100.00")), ("currency", .string(["KZT", "USD", "JPY"][currency % 3])),
            ("fiscalYear", .integer(2026)), ("source", .string("state-budget")), ("funder", .string("organisation/MOF")),
            ("decision", .string("decision/D-1")),
        ]))))
        for (i, c) in codes.enumerated() {
            switch i % 4 {
            case 0: state.amount = decimal(c)
            case 1: state.withdrawn = c % 2 == 1
            case 2: state.disbursed = decimal(c)
            default: state.spent = decimal(c)
            }
        }
        return state
    }

    @Test func indicatorChangesAreThoseOfTheirFacets() async {
        let codes = Gen.int(in: 0...167).array(of: 0...6)
        await propertyCheck(count: 400, input: Gen.int(in: 0...3).array(of: 4...4), codes, codes, Gen.int(in: 0...2)) { shape, targets, actuals, share in
            // `share`: 0, b is a's own state with other years; 1, a state of another definition; 2, a's definition with b's years.
            guard let a = try? Self.indicator(name: shape[0], baseline: shape[1], targets: targets.prefix(3).map { $0 }, actuals: actuals.prefix(3).map { $0 }),
                  let other = try? Self.indicator(name: shape[2], baseline: shape[3], targets: targets.suffix(4).map { $0 }, actuals: actuals.suffix(4).map { $0 })
            else { Issue.record("fixture"); return }
            var b = share == 1 ? other : a
            if share != 1 { b.targets = other.targets; b.measurements = other.measurements }
            if share == 0, let first = targets.first { b.targets[2025 + first % 6] = Self.decimal(first / 6 + 1) }
            for (x, y) in [(a, b), (b, a), (a, a)] {
                let typed = EntityState.changes(from: .indicator(x), to: .indicator(y))
                #expect(typed == EntityState.changes(from: EntityState.indicator(x).facets, to: EntityState.indicator(y).facets),
                        "\(EntityState.indicator(x).facets) → \(EntityState.indicator(y).facets)")
            }
        }
    }

    @Test func allocationChangesAreThoseOfTheirFacets() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...27).array(of: 0...8), Gen.int(in: 0...27).array(of: 0...8), Gen.int(in: 0...8)) { a, b, currencies in
            guard let x = try? Self.allocation(currency: currencies % 3, codes: a), let y = try? Self.allocation(currency: currencies / 3, codes: b)
            else { Issue.record("fixture"); return }
            for (p, q) in [(x, y), (y, x), (x, x)] {
                #expect(EntityState.changes(from: .allocation(p), to: .allocation(q))
                        == EntityState.changes(from: EntityState.allocation(p).facets, to: EntityState.allocation(q).facets))
            }
        }
    }

    /// The changes' meaning, on one indicator: a changed target, a new actual, a lost target, and text
    /// that differs while the number does not.
    @Test func anIndicatorsChangesNameEachDifferingFacet() throws {
        var a = try Self.indicator(name: 0, baseline: 0, targets: [], actuals: [])
        a.targets[2026] = ExactDecimal("10")
        a.targets[2027] = ExactDecimal("20")
        var b = a
        b.targets[2026] = ExactDecimal("10.0")
        b.targets[2027] = nil
        b.measurements[2026] = ExactDecimal("4")
        #expect(EntityState.changes(from: .indicator(a), to: .indicator(b)) == [
            FacetChange(facet: "target 2026", before: "10", after: "10.0"),
            FacetChange(facet: "target 2027", before: "20", after: nil),
            FacetChange(facet: "actual 2026", before: nil, after: "4"),
        ])
        #expect(EntityState.changes(from: nil, to: .indicator(a)).map(\.facet) == ["name", "baseline", "target 2026", "target 2027"])
    }

    /// Amounts are shown with the currency's minor-unit digits, so `5` and `5.00` KZT read the same; an
    /// amount that does not fit them is shown as it is, and `0.5` and `0.50` yen do not.
    @Test func anAllocationsAmountsCompareAsTheyAreShown() throws {
        var kzt = try Self.allocation(currency: 0, codes: [])
        var yen = try Self.allocation(currency: 2, codes: [])
        kzt.spent = try #require(ExactDecimal("5"))
        yen.spent = try #require(ExactDecimal("0.5"))
        var (kzt2, yen2) = (kzt, yen)
        kzt2.spent = try #require(ExactDecimal("5.00"))
        yen2.spent = try #require(ExactDecimal("0.50"))
        #expect(EntityState.changes(from: .allocation(kzt), to: .allocation(kzt2)) == [])
        #expect(EntityState.changes(from: .allocation(yen), to: .allocation(yen2)) == [FacetChange(facet: "spent", before: "JPY 0.5", after: "JPY 0.50")])
    }
}
