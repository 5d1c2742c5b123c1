import EventLog
import Foundation
@testable import Programme
import TestSupport
import Testing

@Suite struct DefaultLedgerTests {
    func built() throws -> (TemporaryDirectory, Ledger) {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        return (dir, ledger)
    }

    @Test func everyEventPassesTheRulesAndEveryTypeAppears() throws {
        let (_, ledger) = try built()
        var types = Set<String>()
        try ledger.log.scan { types.insert($0.type); return true }
        #expect(types == Set(ProgrammeEvent.catalogue.map { $0.typeName }))
    }

    @Test func everyEventTypeRoundTripsThroughExportAndImport() throws {
        let (_, ledger) = try built()
        var lines: [[UInt8]] = []
        try ledger.log.scanCanonical { _, b in lines.append(Array(b)); return true }
        let dir = try TemporaryDirectory()
        let copy = try Ledger.create(at: dir.path + "/copy")
        let text = lines.map { $0 + [0x0A] }.joined()
        try copy.append(try JSONLines.decode(Array(text)).map(\.event))
        var again: [[UInt8]] = []
        try copy.log.scanCanonical { _, b in again.append(Array(b)); return true }
        #expect(again == lines)
        // Typed payloads survive their own JSON form.
        try copy.log.scan { e in
            let typed = try ProgrammeEvent.decode(e)
            #expect(try ProgrammeEvent.decode(type: e.type, schema: type(of: typed.payload).currentSchema, payload: typed.payload.json) == typed)
            // The payload's type, read without boxing the payload, is the boxed payload's (every type appears).
            #expect(ObjectIdentifier(typed.payloadType) == ObjectIdentifier(type(of: typed.payload)) && typed.typeName == e.type)
            return true
        }
    }

    @Test func publishedFactsHoldAndEverythingElseSaysIllustrative() throws {
        let (_, ledger) = try built()
        var npTotal = ExactDecimal.zero
        try ledger.log.scan { e in
            #expect(!e.source.isEmpty && !e.actor.isEmpty && !e.rationale.isEmpty)
            let factual = ["OrganisationDefined", "ProgrammeDefined"].contains(e.type)
                || e.stream.rawValue.hasPrefix("component/NP-D") || e.stream.rawValue.hasPrefix("component/CP-O") && e.stream != "component/CP-O5-PARTNERSHIP"
            if !factual && e.type != "DecisionRecorded" {
                #expect((e.source + e.rationale + e.actor).contains("illustrative"), "seq \(e.sequence) \(e.type) should say illustrative")
            }
            if e.type == "FundingAllocated", e.stream.rawValue.hasPrefix("allocation/NP-"), case .fundingAllocated(let a) = try ProgrammeEvent.decode(e) {
                npTotal = npTotal + a.money.amount
            }
            return true
        }
        #expect(npTotal == DefaultLedger.nationalProgrammeTotal.amount, "allocations add up to the published KZT 1.3 trillion")
        let overview = try ProgrammeOverview.compute(ledger.log)
        let np = try #require(overview.programmes.first { $0.stream.rawValue == DefaultLedger.nationalProgramme })
        #expect(np.allocated == [.kzt: ExactDecimal("1300000000000.00")!], "the reallocation keeps the total")
        #expect(np.components[.direction] == 4 && np.indicators == 10)
        #expect(np.disbursed[.kzt] == ExactDecimal("43000000000.00"), "the retroactive correction brings 15 billion down to 1.5")
        #expect(overview.milestones == ["achieved": 1, "cancelled": 1, "scheduled": 6])
        #expect(overview.rescheduledMilestones == 2)
        #expect(overview.leafHashesMatch)
    }

    @Test func historyIsDeterministic() {
        let a = DefaultLedger.events, b = DefaultLedger.events
        #expect(a == b)
        #expect(Set(a.map(\.id)).count == a.count)
        let recorded = a.compactMap { $0.stamp?.recorded }
        #expect(recorded.count == a.count && zip(recorded, recorded.dropFirst()).allSatisfy { $0 < $1 })
        #expect(recorded.last.map { $0 < Timestamp("2026-11-22")! } == true, "no event is recorded after the ledger was built")
    }
}
