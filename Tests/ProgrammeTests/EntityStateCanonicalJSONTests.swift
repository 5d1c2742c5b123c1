import EventLog
@testable import Programme
import PropertyBased
import Testing

/// A state's canonical JSON is written member by member (`EntityState.canonicalJSON`); it must be the
/// bytes of its value tree, `CanonicalJSON.encode(state.json)`, for every kind, with optional members
/// present and absent, texts that need escapes, and year maps whose years sort as text or not.
@Suite struct EntityStateCanonicalJSONTests {
    @Test func everyStateOfTheDefaultLedgerIsWrittenAsItsTree() throws {
        let (directory, all) = try EntitySnapshotTests().states()
        defer { withExtendedLifetime(directory) {} }
        #expect(Set(all.map { $0.1.kind }) == Set(EntityKind.allCases))
        for (stream, state) in all {
            #expect(state.canonicalJSON == CanonicalJSON.encode(state.json), "\(stream)")
            #expect(EntitySnapshot.definitionBytes(of: state) == CanonicalJSON.encode(state.definitionOnly.json), "\(stream)")
        }
    }

    /// Texts a definition may hold: plain, quoted, escaped, control characters, non-ASCII.
    static let texts = ["Rooms", "Quoted \"rooms\"", "back\\slash", "line\nbreak\ttab", "bell\u{07}", "Балалар ☃", "x"]
    static let decimals = ["12.50", "0", "-3.000", "1300000000000.00", "0.05"]

    static func text(_ code: Int) -> JSONValue { .string(texts[code % texts.count]) }
    static func decimal(_ code: Int) -> ExactDecimal { ExactDecimal(decimals[code % decimals.count]) ?? .zero }

    /// A definition of each kind from `codes`: which optional members are there, and their texts.
    static func states(_ c: [Int]) throws -> [EntityState] {
        func optional(_ bit: Int, _ name: String, _ value: JSONValue) -> [(String, JSONValue)] {
            c[0] >> bit & 1 == 1 ? [(name, value)] : []
        }
        let programme = try ProgrammeDefined(fields: JSONFields(.object([
            ("title", text(c[1])), ("start", "2026-01-01"), ("end", "2030-12-31"), ("owner", "organisation/GOV"),
        ] + optional(0, "description", text(c[2])))))
        let component = try ComponentDefined(fields: JSONFields(.object([
            ("programme", "programme/P"), ("level", .string(ComponentLevel.allCases[c[3] % 3].rawValue)), ("title", text(c[2])),
        ] + optional(1, "parent", "component/C-0") + optional(2, "accountable", "organisation/MOE"))))
        let indicator = try IndicatorDefined(fields: JSONFields(.object([
            ("component", "component/C-1"), ("name", text(c[1])), ("unit", text(c[2])),
            ("measure", .string(IndicatorMeasure.allCases[c[3] % IndicatorMeasure.allCases.count].rawValue)), ("higherIsBetter", .bool(c[4] % 2 == 0)),
        ] + optional(3, "baseline", .object([("value", .string(decimal(c[4]).description)), ("year", .integer(Int64(1900 + c[5] % 301)))])))))
        let organisation = try OrganisationDefined(fields: JSONFields(.object([
            ("name", text(c[1])), ("roles", .array(OrganisationRole.allCases.prefix(1 + c[3] % 3).map { .string($0.rawValue) })),
        ] + optional(4, "iatiIdentifier", text(c[2])) + optional(5, "iatiType", "10"))))
        let decision = try DecisionRecorded(fields: JSONFields(.object([
            ("title", text(c[1])), ("kind", .string(DecisionKind.allCases[c[3] % DecisionKind.allCases.count].rawValue)),
            ("authority", "organisation/GOV"), ("reference", text(c[2])), ("decidedOn", "2026-03-04"), ("authorises", text(c[4])),
        ] + optional(6, "programme", "programme/P"))))
        let allocation = try FundingAllocated(fields: JSONFields(.object([
            ("component", "component/C-1"), ("amount", .string(["12.50", "1300000000000.00", "0.05"][c[4] % 3])), ("currency", .string(["KZT", "USD"][c[3] % 2])),
            ("fiscalYear", .integer(Int64(2026 + c[5] % 5))), ("source", .string(FundingSource.allCases[c[2] % FundingSource.allCases.count].rawValue)),
            ("funder", "organisation/MOF"), ("decision", "decision/D-1"),
        ])))
        let milestone = try MilestoneScheduled(fields: JSONFields(.object([
            ("component", "component/C-1"), ("title", text(c[1])), ("plannedDate", "2027-06-30"),
        ] + optional(7, "decision", "decision/D-1"))))
        // States beyond their definitions: years of four digits, and years that do not sort as text.
        var indicatorState = IndicatorState(definition: indicator)
        let years = c[0] >> 8 & 1 == 1 ? [999, 2026, 10_000, 2030] : [2026, 2027, 2030]
        for (i, y) in years.enumerated() where c[5] >> i & 1 == 1 { indicatorState.targets[y] = decimal(c[i + 1]) }
        for (i, y) in years.enumerated() where c[4] >> i & 1 == 1 { indicatorState.measurements[y] = decimal(c[i + 2]) }
        var allocationState = AllocationState(definition: allocation)
        allocationState.disbursed = decimal(c[5])
        allocationState.withdrawn = c[2] % 2 == 1
        var milestoneState = MilestoneState(definition: milestone)
        let on = CalendarDate(daysSinceEpoch: 20_800 + Int64(c[4]))
        milestoneState.status = [.scheduled, .achieved(on: on), .missed(on: on), .cancelled(on: on)][c[3] % 4]
        milestoneState.reschedules = c[1] % 3
        return [.programme(programme), .component(component), .indicator(IndicatorState(definition: indicator)), .indicator(indicatorState),
                .organisation(organisation), .decision(decision), .allocation(AllocationState(definition: allocation)), .allocation(allocationState),
                .milestone(MilestoneState(definition: milestone)), .milestone(milestoneState)]
    }

    @Test func everyKindIsWrittenAsItsTreeWithOrWithoutItsOptionalMembers() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_023).array(of: 6...6)) { codes in
            let states: [EntityState]
            do { states = try Self.states(codes) } catch { Issue.record("fixture \(codes): \(error)"); return }
            for state in states {
                #expect(state.canonicalJSON == CanonicalJSON.encode(state.json), "\(String(decoding: CanonicalJSON.encode(state.json), as: UTF8.self))")
            }
        }
    }
}
