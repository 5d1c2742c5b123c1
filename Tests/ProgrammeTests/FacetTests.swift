import EventLog
@testable import Programme
import Testing

/// An entity's facets are what an audit trail compares before and after each event.
@Suite struct FacetTests {
    @Test func anIndicatorShowsItsNameBaselineTargetsAndActualsInYearOrder() throws {
        let definition = try IndicatorDefined(fields: JSONFields(.object([
            ("component", .string("component/C-1")), ("name", .string("Children in \"family\" care")), ("unit", .string("percent")),
            ("measure", .string("percentage")), ("higherIsBetter", .bool(true)),
            ("baseline", .object([("value", .string("-0.50")), ("year", .integer(2025))])),
        ])))
        var state = IndicatorState(definition: definition)
        #expect(EntityState.indicator(state).facets.map { "\($0.0)=\($0.1)" } == ["name=Children in \"family\" care", "baseline=-0.50 (2025)"])
        state.targets[2030] = ExactDecimal("1234.5")
        state.targets[2027] = ExactDecimal("12")
        state.measurements[2026] = ExactDecimal("0.05")
        #expect(EntityState.indicator(state).facets.map { "\($0.0)=\($0.1)" } == [
            "name=Children in \"family\" care", "baseline=-0.50 (2025)", "target 2027=12", "target 2030=1234.5", "actual 2026=0.05",
        ])
        // Labels of years made in advance and of years outside them read the same.
        for year in [1, 1899, 1900, 2026, 2099, 2100, 9999] {
            state.targets = YearValues()
            state.measurements = YearValues()
            state.targets[year] = ExactDecimal("1")
            state.measurements[year] = ExactDecimal("2")
            #expect(EntityState.indicator(state).facets.suffix(2).map { "\($0.0)=\($0.1)" } == ["target \(year)=1", "actual \(year)=2"])
        }
    }
}
