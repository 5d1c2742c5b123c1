import EventLog
import Foundation
@testable import Programme
import TestSupport

/// A ledger holding a small programme that exercises every entity kind and state, for rule tests.
///
/// - organisations GOV (funder, accountable) and IMPL (implementing only)
/// - programme/P (2026–2030) with directions D1, D2 and output O1 under D1; programme/P2 with direction X1
/// - indicator/IND-1 (unit, 2026 target 10) and indicator/IND-P (percentage) under D1
/// - decision/DEC; allocation/A-1 (KZT 1000.00, 2026); allocation/A-W (withdrawn)
/// - milestone/M-1 planned 2026-06-30; M-2 cancelled; M-3 achieved on 2026-03-01
final class RuleFixture {
    let directory: TemporaryDirectory
    let ledger: Ledger
    private(set) var ids: [String: UUID] = [:]

    /// `cacheGenerationSize` bounds the rules' entity-state cache; 1 makes almost every check refold its
    /// streams. `rules`, when given, are used instead (and may be shared with another fixture's ledger).
    init(cacheGenerationSize: Int = 4_096, rules: ProgrammeRules? = nil) throws {
        directory = try TemporaryDirectory()
        ledger = try Ledger.create(at: directory.path + "/ledger",
                                   rules: rules ?? ProgrammeRules(now: { Timestamp("2026-11-22T12:00:00Z") ?? Timestamp.now() },
                                                                  cacheGenerationSize: cacheGenerationSize))
        try ledger.append([
            e("OrganisationDefined", "organisation/GOV", ["name": "Government", "roles": ["funder", "accountable"]]),
            e("OrganisationDefined", "organisation/IMPL", ["name": "Implementer", "roles": ["implementing"]]),
            e("ProgrammeDefined", "programme/P", ["title": "P", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV"]),
            e("ProgrammeDefined", "programme/P2", ["title": "P2", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV"]),
            e("ComponentDefined", "component/D1", ["programme": "programme/P", "level": "direction", "title": "D1", "accountable": "organisation/GOV"]),
            e("ComponentDefined", "component/D2", ["programme": "programme/P", "level": "direction", "title": "D2"]),
            e("ComponentDefined", "component/O1", ["programme": "programme/P", "level": "output", "parent": "component/D1", "title": "O1"]),
            e("ComponentDefined", "component/X1", ["programme": "programme/P2", "level": "direction", "title": "X1"]),
            e("IndicatorDefined", "indicator/IND-1", ["component": "component/D1", "name": "Rooms", "unit": "rooms", "measure": "unit", "higherIsBetter": true]),
            e("IndicatorDefined", "indicator/IND-P", ["component": "component/D1", "name": "Share", "unit": "percent", "measure": "percentage", "higherIsBetter": true]),
            e("DecisionRecorded", "decision/DEC", ["title": "Decision", "kind": "approval", "authority": "organisation/GOV", "reference": "No. 1",
                                                   "decidedOn": "2026-01-27", "authorises": "everything", "programme": "programme/P"]),
            e("TargetSet", "indicator/IND-1", ["year": 2026, "value": "10", "decision": "decision/DEC"], label: "target"),
            e("FundingAllocated", "allocation/A-1", allocation("1000.00"), schema: 2),
            e("FundingAllocated", "allocation/A-W", allocation("500.00"), schema: 2),
            e("FundingWithdrawn", "allocation/A-W", ["decision": "decision/DEC"]),
            e("MilestoneScheduled", "milestone/M-1", ["component": "component/O1", "title": "M1", "plannedDate": "2026-06-30"]),
            e("MilestoneScheduled", "milestone/M-2", ["component": "component/O1", "title": "M2", "plannedDate": "2026-06-30"]),
            e("MilestoneCancelled", "milestone/M-2", ["decision": "decision/DEC"]),
            e("MilestoneScheduled", "milestone/M-3", ["component": "component/O1", "title": "M3", "plannedDate": "2026-03-01"]),
            e("MilestoneAchieved", "milestone/M-3", ["achievedOn": "2026-03-01", "evidence": "report"]),
            e("DisbursementRecorded", "allocation/A-1", ["amount": "100.00", "currency": "KZT"], label: "disbursement"),
        ])
    }

    func allocation(_ amount: String, currency: String = "KZT", funder: String = "organisation/GOV", year: Int64 = 2026) -> JSONValue {
        ["component": "component/D1", "amount": .string(amount), "currency": .string(currency), "fiscalYear": .integer(year),
         "source": "state-budget", "funder": .string(funder), "decision": "decision/DEC"]
    }

    /// A programme event; `label` remembers its id.
    func e(_ type: String, _ stream: String, _ payload: JSONValue, schema: Int = 1, effective: String = "2026-03-01",
           actor: String = "tester", label: String? = nil) -> ProposedEvent {
        let event = ProposedEvent(stream: StreamName(stringLiteral: stream), type: type, schema: schema,
                                  effective: CalendarDate(effective) ?? CalendarDate(daysSinceEpoch: 0),
                                  actor: actor, rationale: "test", source: "test", payload: payload)
        if let label { ids[label] = event.id }
        return event
    }

    func id(_ label: String) -> String { ids[label]?.canonicalString ?? "missing" }

    /// The entity state of a stream now.
    func state(_ stream: String) throws -> EntityState? {
        try EntityState.fold(ledger.log.events(in: StreamName(stringLiteral: stream)))
    }
}
