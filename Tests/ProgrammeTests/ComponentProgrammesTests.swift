import EventLog
import Foundation
@testable import Programme
import Testing

/// The rules keep a component's programme for the rest of a transaction (`ComponentProgrammes`): a
/// correction mid-batch of the programme's period, or of the component's programme, must govern the
/// events after it, as it does when each event is appended alone.
@Suite struct ComponentProgrammesTests {
    enum Change: CaseIterable { case programmesPeriod, componentsProgramme }

    /// The fixture's ledger with programme/Q (2026–2030), programme/Q2 (2026–2027), component/QC under Q
    /// and indicator/QI under QC; then the events that measure QI in 2029, change `change`, and measure
    /// QI in 2029 again, which the change puts outside QC's programme.
    func scenario(_ change: Change) throws -> (RuleFixture, [ProposedEvent]) {
        let f = try RuleFixture()
        let q: JSONValue = ["title": "Q", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV"]
        let qc: JSONValue = ["programme": "programme/Q", "level": "direction", "title": "QC"]
        try f.ledger.append([
            f.e("ProgrammeDefined", "programme/Q", q, label: "Q"),
            f.e("ProgrammeDefined", "programme/Q2", ["title": "Q2", "start": "2026-01-01", "end": "2027-12-31", "owner": "organisation/GOV"]),
            f.e("ComponentDefined", "component/QC", qc, label: "QC"),
            f.e("IndicatorDefined", "indicator/QI", ["component": "component/QC", "name": "Rooms", "unit": "rooms", "measure": "unit", "higherIsBetter": true]),
        ])
        let correction = switch change {
        case .programmesPeriod:
            f.e("EventCorrected", "programme/Q", ["corrects": .string(f.id("Q")), "action": "replace",
                                                  "replacement": ["title": "Q", "start": "2026-01-01", "end": "2027-12-31", "owner": "organisation/GOV"]])
        case .componentsProgramme:
            f.e("EventCorrected", "component/QC", ["corrects": .string(f.id("QC")), "action": "replace",
                                                   "replacement": ["programme": "programme/Q2", "level": "direction", "title": "QC"]])
        }
        let measured = { f.e("IndicatorMeasured", "indicator/QI", ["year": 2029, "value": "3"]) }
        return (f, [measured(), correction, measured()])
    }

    static func isOutsideThePeriod(_ error: any Error) -> Bool {
        let violation = (error as? AppendError)?.underlying as? RuleViolation ?? error as? RuleViolation
        return violation?.rule == .programmePeriod && violation?.field == "payload.year"
    }

    @Test(arguments: Change.allCases)
    func aCorrectionMidBatchGovernsTheEventsAfterIt(_ change: Change) throws {
        let (f, events) = try scenario(change)
        let head = try f.ledger.log.head()
        #expect {
            try f.ledger.append(events)
        } throws: { error in
            #expect((error as? AppendError)?.index == 2, "\(error)")
            return Self.isOutsideThePeriod(error)
        }
        #expect(try f.ledger.log.head() == head, "the batch wrote nothing")
        // One at a time: the first two are taken, the third refused the same way.
        try f.ledger.append(events[0])
        try f.ledger.append(events[1])
        #expect(throws: RuleViolation.self) { try f.ledger.append(events[2]) }
        #expect { try f.ledger.append(events[2]) } throws: { Self.isOutsideThePeriod($0) }
    }
}
