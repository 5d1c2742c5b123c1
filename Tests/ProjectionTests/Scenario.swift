import EventLog
import Foundation
@testable import Programme
import Projection
import TestSupport

/// A hand-built history with controlled recorded times, for bitemporal questions whose answers are
/// worked out by hand in the tests.
///
///     seq  recorded     effective   event
///      1-5 2026-01-28   2026-01-27  organisation, programme P (2026–2030), direction D, indicator I, decision DEC
///      6   2026-02-01   2026-02-01  TargetSet I 2026 = 10
///      7   2026-02-01   2026-02-01  TargetSet I 2027 = 20
///      8   2026-02-01   2026-02-01  FundingAllocated A 1000.00 KZT, fiscal 2026
///      9   2026-02-01   2026-02-01  MilestoneScheduled M planned 2026-06-30
///     10   2026-03-02   2026-03-01  DisbursementRecorded A 100.00
///     11   2026-06-20   2026-06-15  TargetChanged I 2026 10 → 8                      ("the June change")
///     12   2026-06-20   2026-07-01  FundingRevised A 1000.00 → 1200.00 (future-effective when recorded)
///     13   2026-07-03   2026-06-30  MilestoneMissed M
///     14   2026-07-10   2026-07-08  MilestoneRescheduled M 2026-06-30 → 2026-12-31
///     15   2026-09-01   2026-02-15  DisbursementRecorded A 50.00                     (back-dated by 6½ months)
///     16   2026-11-16   2026-11-15  MilestoneAchieved M on 2026-11-15
///     17   2027-03-10   2027-03-01  TargetChanged I 2027 20 → 25
///     18   2027-04-01   2026-12-01  TargetChanged I 2026 8 → 9                       (back-dated)
///     19   2027-05-01   2026-06-15  EventCorrected: the June change said 8, means 7.5 (retroactive correction)
struct Scenario {
    static let correctionSequence: UInt64 = 19

    static func events() -> [ProposedEvent] {
        var h = HistoryBuilder(namespace: "pledger/tests/scenario")
        h.at("2026-01-28T09:00:00Z", actor: "tester")
        h.add(OrganisationDefined.self, "organisation/GOV", ["name": "Government", "roles": ["funder", "accountable"]], effective: "2026-01-27", rationale: "r", source: "s")
        h.add(ProgrammeDefined.self, "programme/P", ["title": "P", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV"], effective: "2026-01-27", rationale: "r", source: "s")
        h.add(ComponentDefined.self, "component/D", ["programme": "programme/P", "level": "direction", "title": "Direction D"], effective: "2026-01-27", rationale: "r", source: "s")
        h.add(IndicatorDefined.self, "indicator/I", ["component": "component/D", "name": "Rooms", "unit": "rooms", "measure": "unit", "higherIsBetter": true], effective: "2026-01-27", rationale: "r", source: "s")
        h.add(DecisionRecorded.self, "decision/DEC", ["title": "T", "kind": "target", "authority": "organisation/GOV", "reference": "No. 1", "decidedOn": "2026-01-27", "authorises": "all"], effective: "2026-01-27", rationale: "r", source: "s")
        h.at("2026-02-01T09:00:00Z", actor: "tester")
        h.add(TargetSet.self, "indicator/I", ["year": 2026, "value": "10"], effective: "2026-02-01", rationale: "r", source: "s")
        h.add(TargetSet.self, "indicator/I", ["year": 2027, "value": "20"], effective: "2026-02-01", rationale: "r", source: "s")
        h.add(FundingAllocated.self, "allocation/A", ["component": "component/D", "amount": "1000.00", "currency": "KZT", "fiscalYear": 2026, "source": "state-budget", "funder": "organisation/GOV", "decision": "decision/DEC"], effective: "2026-02-01", rationale: "r", source: "s")
        h.add(MilestoneScheduled.self, "milestone/M", ["component": "component/D", "title": "Rooms open", "plannedDate": "2026-06-30"], effective: "2026-02-01", rationale: "r", source: "s")
        h.at("2026-03-02T09:00:00Z", actor: "treasury")
        h.add(DisbursementRecorded.self, "allocation/A", ["amount": "100.00", "currency": "KZT"], effective: "2026-03-01", rationale: "r", source: "s")
        h.at("2026-06-20T09:00:00Z", actor: "planner")
        h.add(TargetChanged.self, "indicator/I", ["year": 2026, "value": "8", "previousValue": "10", "reason": "premises", "decision": "decision/DEC"], effective: "2026-06-15", rationale: "r", source: "s", label: "june-change")
        h.add(FundingRevised.self, "allocation/A", ["amount": "1200.00", "previousAmount": "1000.00", "currency": "KZT", "decision": "decision/DEC"], effective: "2026-07-01", rationale: "r", source: "s")
        h.at("2026-07-03T09:00:00Z", actor: "planner")
        h.add(MilestoneMissed.self, "milestone/M", [:], effective: "2026-06-30", rationale: "r", source: "s")
        h.at("2026-07-10T09:00:00Z", actor: "planner")
        h.add(MilestoneRescheduled.self, "milestone/M", ["plannedDate": "2026-12-31", "previousDate": "2026-06-30", "decision": "decision/DEC"], effective: "2026-07-08", rationale: "r", source: "s")
        h.at("2026-09-01T09:00:00Z", actor: "treasury")
        h.add(DisbursementRecorded.self, "allocation/A", ["amount": "50.00", "currency": "KZT"], effective: "2026-02-15", rationale: "late entry", source: "s")
        h.at("2026-11-16T09:00:00Z", actor: "planner")
        h.add(MilestoneAchieved.self, "milestone/M", ["achievedOn": "2026-11-15", "evidence": "opening report"], effective: "2026-11-15", rationale: "r", source: "s")
        h.at("2027-03-10T09:00:00Z", actor: "planner")
        h.add(TargetChanged.self, "indicator/I", ["year": 2027, "value": "25", "previousValue": "20", "reason": "more funding", "decision": "decision/DEC"], effective: "2027-03-01", rationale: "r", source: "s")
        h.at("2027-04-01T09:00:00Z", actor: "planner")
        h.add(TargetChanged.self, "indicator/I", ["year": 2026, "value": "9", "previousValue": "8", "reason": "late decision", "decision": "decision/DEC"], effective: "2026-12-01", rationale: "r", source: "s")
        h.at("2027-05-01T09:00:00Z", actor: "auditor")
        h.add(EventCorrected.self, "indicator/I", ["corrects": .string(h.id("june-change").canonicalString), "action": "replace",
                                                   "replacement": ["year": 2026, "value": "7.5", "previousValue": "10", "reason": "premises", "decision": "decision/DEC"]],
              effective: "2026-06-15", rationale: "the June decision said 7.5", source: "s")
        return h.events
    }

    /// A ledger holding the scenario's first `through` events; the rules judge "the future" by 2027-06-01.
    static func ledger(through: Int = 19) throws -> (TemporaryDirectory, Ledger) {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger", rules: ProgrammeRules(now: { Timestamp("2027-06-01")! }))
        try ledger.append(Array(events().prefix(through)))
        return (dir, ledger)
    }
}

extension CalendarDate {
    static func d(_ s: String) -> CalendarDate { CalendarDate(s)! }
}
