import EventLog
@testable import Programme
import PropertyBased
import Testing

/// `EntityState.changes(from:to:)` compares indicators, allocations and milestones field by field; its
/// answer must be the one comparing their facets as text gives, including values equal as numbers but
/// not as text (`5` and `5.0`), years gained and lost, and definitions replaced by a correction.
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

    static func milestone(title: Int, planned: Int, status: Int) throws -> MilestoneState {
        var state = MilestoneState(definition: try MilestoneScheduled(fields: JSONFields(.object([
            ("component", .string("component/C-1")), ("title", .string(["Opening", "Review", "Openin\u{0067}"][title % 3])),
            ("plannedDate", .string("2027-0\(1 + title % 2)-15")),
        ]))))
        // A few planned dates, and each status on a few days (the same day as another status's, too).
        state.plannedDate = CalendarDate(year: 2027, month: 1 + planned % 3, day: 15) ?? state.plannedDate
        let day = CalendarDate(year: 2028, month: 6, day: 1 + status / 4 % 2) ?? state.plannedDate
        state.status = [.scheduled, .achieved(on: day), .missed(on: day), .cancelled(on: day)][status % 4]
        return state
    }

    @Test func milestoneChangesAreThoseOfTheirFacets() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...47).array(of: 3...3), Gen.int(in: 0...47).array(of: 3...3), Gen.bool) { a, b, share in
            guard let x = try? Self.milestone(title: a[0], planned: a[1], status: a[2]),
                  var y = try? Self.milestone(title: b[0], planned: b[1], status: b[2])
            else { Issue.record("fixture"); return }
            // `share`: b of a's definition (one shared value), as every later state of a milestone is.
            if share { y = Self.sameDefinition(x, y) }
            for (p, q) in [(x, y), (y, x), (x, x)] {
                #expect(EntityState.changes(from: .milestone(p), to: .milestone(q))
                        == EntityState.changes(from: EntityState.milestone(p).facets, to: EntityState.milestone(q).facets),
                        "\(EntityState.milestone(p).facets) → \(EntityState.milestone(q).facets)")
            }
        }
    }

    /// One of every effect, by `code`: its kind, then its year, value or day from the rest.
    static func effect(_ code: Int) -> EntityEffect {
        let value = decimal(code / 10), day = CalendarDate(daysSinceEpoch: 20_800 + Int64(code / 10 % 3) * 31)
        return switch code % 10 {
        case 0: .target(year: 2025 + code / 10 % 6, value: value)
        case 1: .measured(year: 2025 + code / 10 % 6, value: value)
        case 2: .revised(value)
        case 3: .withdrawn
        case 4: .disbursed(value)
        case 5: .spent(value)
        case 6: .rescheduled(day)
        case 7: .achieved(day)
        case 8: .missed
        default: .cancelled
        }
    }

    /// What the audit trail reads of an event's effect (``EntityState/changes(applying:effective:sequence:to:)``)
    /// is what comparing the states before and after gives, and the state is the one applying the effect
    /// makes: every effect, on indicators, allocations and milestones of random values (and on a kind that
    /// takes none, where both throw and leave the state as it was).
    @Test func anEffectsChangesAreThoseOfTheStatesBeforeAndAfter() async throws {
        let programme = EntityState.programme(try ProgrammeDefined(fields: JSONFields(.object([
            ("title", .string("Programme")), ("start", .string("2026-01-01")), ("end", .string("2030-12-31")), ("owner", .string("organisation/GOV")),
        ]))))
        let codes = Gen.int(in: 0...167).array(of: 4...4)
        await propertyCheck(count: 600, input: codes, codes, Gen.int(in: 0...59), Gen.int(in: 0...3)) { state, more, effectCode, kind in
            let made: EntityState? = switch kind {
            case 0: try? .indicator(Self.indicator(name: 0, baseline: state[0], targets: [state[1], more[0]], actuals: [state[2], more[1]]))
            case 1: try? .allocation(Self.allocation(currency: state[0], codes: state + more))
            case 2: try? .milestone(Self.milestone(title: state[0], planned: state[1], status: state[2]))
            default: programme
            }
            guard let before = made else { Issue.record("fixture"); return }
            let effect = Self.effect(effectCode), effective = CalendarDate(daysSinceEpoch: 21_000)
            var after = before, applied = before
            let compared = Result { () throws -> [FacetChange] in
                try EntityState.apply(effect, effective: effective, sequence: 9, to: &after)
                return EntityState.changes(from: before, to: after)
            }
            let read = Result { try EntityState.changes(applying: effect, effective: effective, sequence: 9, to: &applied) }
            // The changes with their values, not their texts: each label and value written into JSON is
            // the JSON string of its text.
            var valued = before, changes = EffectChanges()
            if (try? EntityState.effectChanges(applying: effect, effective: effective, sequence: 9, to: &valued, into: &changes)) != nil {
                #expect(valued == after)
                #expect(changes.facetChanges == (try? read.get()))
                for c in changes {
                    #expect(Self.quoted(FacetLabel.quotedBound) { c.facet.writeQuoted(to: &$0) } == Self.jsonString(c.facet.text))
                    for value in [c.before, c.after].compactMap({ $0 }) {
                        #expect(Self.quoted(value.quotedBound(currency: changes.currency)) { value.writeQuoted(to: &$0, currency: changes.currency) }
                                == Self.jsonString(value.text(currency: changes.currency)), "\(value) in \(String(describing: changes.currency))")
                    }
                }
            } else {
                #expect(valued == before && changes.isEmpty)
            }
            switch (compared, read) {
            case let (.success(x), .success(y)): #expect(x == y, "\(effect) on \(before.facets)")
            case (.failure, .failure): #expect(applied == before)
            default: Issue.record("\(effect) on \(before.facets): \(compared) against \(read)")
            }
            #expect(applied == after)
        }
    }

    /// What `write` writes within `bound` bytes, as text.
    static func quoted(_ bound: Int, _ write: (inout CanonicalJSON.ReservedWriter) -> Void) -> String {
        var out: [UInt8] = []
        CanonicalJSON.append(bound: bound, to: &out, write)
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a canonical JSON string.
    static func jsonString(_ text: String) -> String { String(decoding: CanonicalJSON.encode(.string(text)), as: UTF8.self) }

    /// Labels and values written from what they are, past the years and currencies a workload uses:
    /// years before 1900 and after 2099 (labels not made in advance), negative and long amounts, every
    /// status, and a currency of no minor units whose amount keeps its fraction.
    @Test func labelsAndValuesWriteTheirTextsAsJSONStrings() {
        for label in [FacetLabel.target(year: 2027), .actual(year: 1899), .target(year: 2100), .actual(year: -5), .target(year: 12345),
                      .amount, .disbursed, .spent, .planned, .status] {
            #expect(Self.quoted(FacetLabel.quotedBound) { label.writeQuoted(to: &$0) } == Self.jsonString(label.text))
        }
        #expect(FacetLabel.target(year: 2027).text == "target 2027" && FacetLabel.actual(year: 1899).text == "actual 1899")
        let day = CalendarDate(year: 2027, month: 3, day: 14) ?? CalendarDate(daysSinceEpoch: 0)
        let values: [FacetValue] = [
            .decimal(ExactDecimal(significand: -5, scale: 3)), .decimal(ExactDecimal(significand: Int128.max, scale: 38)),
            .money(ExactDecimal(significand: 130_000_000_000_000, scale: 2)), .money(ExactDecimal(significand: -105, scale: 1)),
            .money(ExactDecimal(significand: Int128.min + 1, scale: 0)),
            .date(day), .date(CalendarDate(daysSinceEpoch: -800_000)), .date(CalendarDate(daysSinceEpoch: 3_000_000)),
            .status(.scheduled), .status(.achieved(on: day)), .status(.missed(on: day)), .status(.cancelled(on: CalendarDate(daysSinceEpoch: 3_000_000))),
            .withdrawn(true), .withdrawn(false),
        ]
        for currency in [nil, Currency(code: "KZT"), Currency(code: "JPY"), Currency(code: "KWD")] as [Currency?] {
            for value in values {
                #expect(Self.quoted(value.quotedBound(currency: currency)) { value.writeQuoted(to: &$0, currency: currency) }
                        == Self.jsonString(value.text(currency: currency)), "\(value) in \(String(describing: currency))")
            }
        }
        #expect(FacetValue.money(ExactDecimal(significand: 130_000, scale: 2)).text(currency: .kzt) == "KZT 1,300.00")
        #expect(FacetValue.status(.achieved(on: day)).text(currency: nil) == "achieved 2027-03-14")
        // Amounts show the currency's minor-unit digits: 12.5 and 12.50 tenge show the same text.
        let a = FacetValue.money(ExactDecimal(significand: 125, scale: 1)), b = FacetValue.money(ExactDecimal(significand: 1250, scale: 2))
        #expect(a.hasSameText(as: b, currency: .kzt) && !a.hasSameText(as: b, currency: nil))
    }

    /// `b`'s plan and status on `a`'s definition, shared.
    static func sameDefinition(_ a: MilestoneState, _ b: MilestoneState) -> MilestoneState {
        var s = a
        (s.plannedDate, s.status, s.reschedules) = (b.plannedDate, b.status, b.reschedules)
        return s
    }

    /// The changes' meaning, on one milestone: a date moved, then reached.
    @Test func aMilestonesChangesNameEachDifferingFacet() throws {
        let a = try Self.milestone(title: 0, planned: 0, status: 0)
        var b = a
        b.plannedDate = CalendarDate(year: 2027, month: 3, day: 15) ?? a.plannedDate
        #expect(EntityState.changes(from: .milestone(a), to: .milestone(b)) == [FacetChange(facet: "planned", before: "2027-01-15", after: "2027-03-15")])
        var c = b
        c.status = .achieved(on: CalendarDate(year: 2027, month: 3, day: 14) ?? a.plannedDate)
        #expect(EntityState.changes(from: .milestone(b), to: .milestone(c)) == [FacetChange(facet: "status", before: "scheduled", after: "achieved 2027-03-14")])
        #expect(EntityState.changes(from: .milestone(c), to: .milestone(c)).isEmpty)
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
