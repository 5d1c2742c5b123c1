@testable import AuditTrail
import EventLog
import Programme
import Projection
import TestSupport
import Testing

/// Audit rows are written straight from their fields: the bytes must be those of the canonical JSON of
/// ``AuditEntry/json``, for every row a replay writes and for the optional members left out or not.
@Suite struct AuditEntryTests {
    @Test func everyRowOfTheDefaultLedgerAndTheScenarioIsTheCanonicalJSONOfItsEntry() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        let (scenarioDir, scenario) = try Scenario.ledger()
        var checked = 0, corrections = 0, corrected = 0
        for (ledger, path) in [(ledger, dir.path), (scenario, scenarioDir.path)] {
            let store = try ProjectionStore(path: path + "/projections")
            try AuditTrailProjection().rebuild(log: ledger.log, store: store)
            for entry in try AuditTrailProjection.entries(store: store, entity: nil) {
                #expect(entry.canonicalBytes == CanonicalJSON.encode(entry.json), "row \(entry.sequence)")
                if entry.corrects != nil { corrections += 1 }
                if !entry.correctedBy.isEmpty { corrected += 1 }
                checked += 1
            }
        }
        #expect(checked == 150 + 19)
        // Each history has a correction: rows with `corrects` and rows with `correctedBy` were both checked.
        #expect(corrections >= 2 && corrected >= 2)
    }

    @Test func optionalMembersAndEscapesMatchTheValueTree() throws {
        let (dir, ledger) = try Scenario.ledger()
        var event = try withExtendedLifetime(dir) { try #require(try ledger.log.events(in: "indicator/I").last) }
        event.actor = "planner \"A\"\n\\ office"
        event.rationale = "tab\there; control \u{01}; Қазақстан"
        for decision in [nil, "decision/DEC"] as [String?] {
            for corrects in [nil, 3] as [UInt64?] {
                for before in [[], [("target 2026", "10"), ("name", "Rooms")]] as [[(String, String)]] {
                    var entry = AuditEntry(event: event, decision: decision, before: before,
                                           after: [("target 2026", "8"), ("target 2027", "\"20\"")], corrects: corrects)
                    for correctedBy in [[], [9, 12]] as [[UInt64]] {
                        entry.correctedBy = correctedBy
                        #expect(entry.canonicalBytes == CanonicalJSON.encode(entry.json))
                    }
                }
            }
        }
    }
}
