import CurrentState
import EventLog
import Foundation
@testable import Programme
import Projection
import TestSupport
import Testing
import Timeline

/// Hand-worked bitemporal questions on the Scenario history. Each expected figure is derived in the
/// comment beside it from the table in Scenario.swift, not from the code.
@Suite struct BitemporalTests {
    static let today = CalendarDate.d("2027-06-01")

    func target(_ year: Int, asOf: String?, knownAt: String?, ledger: Ledger, store: ProjectionStore?) throws -> ExactDecimal? {
        let slice = try TimeSlice(asOf: asOf, knownAt: knownAt).resolve(in: ledger.log, today: Self.today)
        let states = try CurrentState.states(log: ledger.log, store: store, slice: slice)
        guard case .indicator(let s)? = states["indicator/I"] else { return nil }
        return s.targets[year]
    }

    func same(_ value: ExactDecimal?, _ expected: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(value == expected.flatMap { ExactDecimal($0) }, sourceLocation: sourceLocation)
    }

    /// Both ways of answering: from the projection's snapshots (when known now) and by folding the log.
    func bothWays(_ body: (Ledger, ProjectionStore?) throws -> Void) throws {
        let (dir, ledger) = try Scenario.ledger()
        try body(ledger, nil)
        let store = try ProjectionStore(path: dir.path + "/projections")
        try CurrentStateProjection().catchUp(log: ledger.log, store: store)
        try body(ledger, store)
    }

    @Test func targetsAcrossValidAndTransactionTime() throws {
        try bothWays { ledger, store in
            // As of 1 March 2026: only the TargetSet of 1 Feb has taken effect → 10.
            same(try target(2026, asOf: "2026-03-01", knownAt: nil, ledger: ledger, store: store), "10")
            // As of 1 July 2026, known now: the June change took effect on 15 June, and the correction (recorded
            // 2027-05-01, effective 15 June) replaced its 8 by 7.5 → 7.5.
            same(try target(2026, asOf: "2026-07-01", knownAt: nil, ledger: ledger, store: store), "7.5")
            // The same date as known at the end of 2026: the correction was not recorded yet → 8.
            same(try target(2026, asOf: "2026-07-01", knownAt: "2026-12-31", ledger: ledger, store: store), "8")
            // As of 31 Dec 2026, known at 31 Mar 2027: the back-dated change to 9 (recorded 1 Apr 2027) is unknown → 8.
            same(try target(2026, asOf: "2026-12-31", knownAt: "2027-03-31", ledger: ledger, store: store), "8")
            // As of 31 Dec 2026, known now: 10, then 7.5 (15 Jun, corrected), then 9 (1 Dec, back-dated) → 9.
            same(try target(2026, asOf: "2026-12-31", knownAt: nil, ledger: ledger, store: store), "9")
            // "What did we believe on 1 March 2027 the 2026 target was?" As of that day, known that day → 8.
            same(try target(2026, asOf: nil, knownAt: "2027-03-01", ledger: ledger, store: store), "8")
            // The 2027 target: 20 until the change effective 1 Mar 2027 (recorded 10 Mar) → 20, then 25;
            // as of 2 Mar 2027 but known on 5 Mar, the change was not recorded yet → 20.
            same(try target(2027, asOf: "2027-02-01", knownAt: nil, ledger: ledger, store: store), "20")
            same(try target(2027, asOf: "2027-03-02", knownAt: nil, ledger: ledger, store: store), "25")
            same(try target(2027, asOf: "2027-03-02", knownAt: "2027-03-05", ledger: ledger, store: store), "20")
            // Known at sequence 10 (before the June change), as of the end of 2026 → 10.
            same(try target(2026, asOf: "2026-12-31", knownAt: "10", ledger: ledger, store: store), "10")
            // Before the indicator's definition took effect it does not exist.
            same(try target(2026, asOf: "2026-01-26", knownAt: nil, ledger: ledger, store: store), nil)
        }
    }

    @Test func fundingWithABackDatedDisbursementAndAFutureEffectiveRevision() throws {
        try bothWays { ledger, store in
            func allocation(_ asOf: String, _ knownAt: String?) throws -> AllocationState? {
                let slice = try TimeSlice(asOf: asOf, knownAt: knownAt).resolve(in: ledger.log, today: Self.today)
                guard case .allocation(let a)? = try CurrentState.states(log: ledger.log, store: store, slice: slice)["allocation/A"] else { return nil }
                return a
            }
            // As of 1 Mar 2026, known now: 1000.00 allocated; disbursed 100 (1 Mar) + 50 (back-dated to 15 Feb) = 150.
            let a = try #require(try allocation("2026-03-01", nil))
            #expect(a.amount == ExactDecimal("1000.00") && a.disbursed == ExactDecimal("150.00"))
            // Same date, known on 1 Aug 2026: the 50 was recorded on 1 Sep → 100.
            same(try allocation("2026-03-01", "2026-08-01")?.disbursed, "100.00")
            // As of 30 Jun 2026 the revision (effective 1 Jul) has not taken effect → 1000; as of 1 Jul → 1200.
            same(try allocation("2026-06-30", nil)?.amount, "1000.00")
            same(try allocation("2026-07-01", nil)?.amount, "1200.00")
            // As of 1 Feb 2026 nothing is disbursed yet; as of 14 Feb neither.
            same(try allocation("2026-02-14", nil)?.disbursed, "0")
        }
    }

    @Test func stateReportFiguresForTheScenario() throws {
        let (_, ledger) = try Scenario.ledger()
        let report = try CurrentState.report(log: ledger.log, store: nil, slice: TimeSlice(asOf: "2026-12-31", knownAt: nil), withReceipt: true, today: Self.today)
        let p = try #require(report.programmes.first)
        // Funding as of the end of 2026: 1200.00 current, 150.00 disbursed, nothing spent; revised +200.00.
        let line = try #require(p.funding.first)
        #expect(line.allocated == ExactDecimal("1000.00") && line.revised == ExactDecimal("200.00") && line.current == ExactDecimal("1200.00"))
        #expect(p.totals.first?.executionRate == ExactDecimal("0.0"))
        #expect(report.receipt?.treeSize == 19)
        #expect(report.receipt?.rootHash == (try ledger.log.treeHead().root))
        let known = try CurrentState.report(log: ledger.log, store: nil, slice: TimeSlice(asOf: "2026-12-31", knownAt: "12"), withReceipt: true, today: Self.today)
        #expect(known.receipt?.treeSize == 12, "the receipt names the history the answer came from")
        #expect(known.receipt?.rootHash == (try ledger.log.treeHead(size: 12).root))
    }

    @Test func progressAgainstTargetRespectsDirection() {
        // Higher is better, baseline 35, target 50, actual 52: (52 − 35) / (50 − 35) = 113.3 %.
        #expect(StateReport.progress(actual: ExactDecimal("52"), target: ExactDecimal("50"), baseline: ExactDecimal("35")) == ExactDecimal("113.3"))
        // Lower is better, baseline 62, target 48, actual 55: (55 − 62) / (48 − 62) = 50.0 %.
        #expect(StateReport.progress(actual: ExactDecimal("55"), target: ExactDecimal("48"), baseline: ExactDecimal("62")) == ExactDecimal("50.0"))
        // No baseline: against zero; 2 of 3 = 66.7 % (66.66… rounded half to even).
        #expect(StateReport.progress(actual: ExactDecimal("2"), target: ExactDecimal("3"), baseline: nil) == ExactDecimal("66.7"))
        #expect(ExactDecimal(1).percent(of: ExactDecimal(8)) == ExactDecimal("12.5"))
        #expect(ExactDecimal(1).percent(of: .zero) == nil)
    }

    @Test func milestoneTimelineAcrossBothTimes() throws {
        let (_, ledger) = try Scenario.ledger()
        func row(_ asOf: String, _ knownAt: String?) throws -> MilestoneTimeline.Row? {
            try MilestoneTimeline.build(log: ledger.log, slice: TimeSlice(asOf: asOf, knownAt: knownAt), today: Self.today).rows.first
        }
        // 5 Jul 2026: missed on 30 Jun (effective), the reschedule (effective 8 Jul) not yet → missed, slippage 0.
        let missed = try #require(try row("2026-07-05", nil))
        #expect(missed.status == "missed" && missed.plannedDate == .d("2026-06-30") && missed.slippageDays == 0)
        // 1 Aug 2026: rescheduled to 31 Dec → scheduled; 30 Jun → 31 Dec is 184 days.
        let moved = try #require(try row("2026-08-01", nil))
        #expect(moved.status == "scheduled" && moved.plannedDate == .d("2026-12-31") && moved.slippageDays == 184 && moved.reschedules.count == 1)
        // 20 Nov 2026: achieved on 15 Nov; 30 Jun → 15 Nov is 138 days.
        let done = try #require(try row("2026-11-20", nil))
        #expect(done.status == "achieved" && done.statusDate == .d("2026-11-15") && done.slippageDays == 138)
        // As of 20 Nov but known on 5 Jul: only the miss had been recorded.
        #expect(try row("2026-11-20", "2026-07-05")?.status == "missed")
    }

    /// A correction may replace an entity's definition: snapshots stored from its date on carry the new
    /// definition and those before it the old (the projection makes a definition's bytes once per
    /// definition, not once per entity).
    @Test func aCorrectedDefinitionShowsFromItsDateOnBothWays() throws {
        var h = HistoryBuilder(namespace: "pledger/tests/corrected-definition")
        h.at("2026-01-28T09:00:00Z", actor: "tester")
        h.add(OrganisationDefined.self, "organisation/GOV", ["name": "Government", "roles": ["funder", "accountable"]], effective: "2026-01-27", rationale: "r", source: "s")
        h.add(ProgrammeDefined.self, "programme/P", ["title": "P", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV"], effective: "2026-01-27", rationale: "r", source: "s")
        h.add(ComponentDefined.self, "component/D", ["programme": "programme/P", "level": "direction", "title": "Direction D"], effective: "2026-01-27", rationale: "r", source: "s")
        h.add(IndicatorDefined.self, "indicator/I", ["component": "component/D", "name": "Rooms", "unit": "rooms", "measure": "unit", "higherIsBetter": true],
              effective: "2026-01-27", rationale: "r", source: "s", label: "definition")
        h.add(TargetSet.self, "indicator/I", ["year": 2026, "value": "10"], effective: "2026-02-01", rationale: "r", source: "s")
        h.add(TargetSet.self, "indicator/I", ["year": 2027, "value": "20"], effective: "2026-08-01", rationale: "r", source: "s")
        h.at("2026-09-01T09:00:00Z", actor: "auditor")
        h.add(EventCorrected.self, "indicator/I", ["corrects": .string(h.id("definition").canonicalString), "action": "replace",
                                                   "replacement": ["component": "component/D", "name": "Classrooms", "unit": "rooms", "measure": "unit", "higherIsBetter": true]],
              effective: "2026-05-01", rationale: "the programme text says classrooms", source: "s")
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger", rules: ProgrammeRules(now: { Timestamp("2027-06-01")! }))
        try ledger.append(h.events)
        let store = try ProjectionStore(path: dir.path + "/projections")
        try CurrentStateProjection().catchUp(log: ledger.log, store: store)
        func indicator(asOf: String, _ store: ProjectionStore?) throws -> IndicatorState? {
            let slice = try TimeSlice(asOf: asOf, knownAt: nil).resolve(in: ledger.log, today: Self.today)
            guard case .indicator(let s)? = try CurrentState.states(log: ledger.log, store: store, slice: slice)["indicator/I"] else { return nil }
            return s
        }
        for s in [store, nil] as [ProjectionStore?] {
            // Before the correction's date: the name as first recorded, the 2026 target only.
            let march = try #require(try indicator(asOf: "2026-03-01", s))
            #expect(march.definition.name == "Rooms" && march.targets == [2026: ExactDecimal(10)])
            // From 1 May the replaced definition, and the targets set before and after it kept.
            let june = try #require(try indicator(asOf: "2026-06-01", s))
            #expect(june.definition.name == "Classrooms" && june.targets == [2026: ExactDecimal(10)])
            let september = try #require(try indicator(asOf: "2026-09-01", s))
            #expect(september.definition.name == "Classrooms" && september.targets == [2026: ExactDecimal(10), 2027: ExactDecimal(20)])
        }
        // A later event, caught up on its own, continues from the latest snapshot with its definition.
        h.at("2026-10-02T09:00:00Z", actor: "tester")
        h.add(TargetSet.self, "indicator/I", ["year": 2028, "value": "30"], effective: "2026-10-01", rationale: "r", source: "s")
        try ledger.append(Array(h.events.suffix(1)))
        try CurrentStateProjection().catchUp(log: ledger.log, store: store)
        for s in [store, nil] as [ProjectionStore?] {
            let november = try #require(try indicator(asOf: "2026-11-01", s))
            #expect(november.definition.name == "Classrooms" && november.targets[2028] == ExactDecimal(30))
            #expect(try indicator(asOf: "2026-03-01", s)?.definition.name == "Rooms")
        }
    }
}
