import EventLog
import Foundation
@testable import Programme
import TestSupport
import Testing

/// A ledger written when FundingAllocated stored `amountMinor` (schema 1) is read as schema 2.
@Suite struct UpcasterTests {
    static var fixture: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ledger-written-with-schema-1.jsonl")
    }

    @Test func oldLedgerImportsUnchangedAndReadsAsTheCurrentSchema() throws {
        let bytes = Array(try Data(contentsOf: Self.fixture))
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        // The rules see upcast payloads: the revision's previousAmount matches the schema-1 amount.
        try ledger.append(try JSONLines.decode(bytes).map(\.event))
        var exported: [UInt8] = []
        try ledger.log.scanCanonical { _, b in exported += Array(b) + [0x0A]; return true }
        #expect(exported == bytes, "stored bytes stay as written, schema 1 included")

        let stored = try #require(try ledger.log.event(at: 6))
        #expect(stored.schema == 1 && stored.payload["amountMinor"] == .integer(3_900_000_000_000))
        guard case .fundingAllocated(let kzt) = try ProgrammeEvent.decode(stored) else { Issue.record("not an allocation"); return }
        #expect(kzt.money == Money(ExactDecimal("39000000000.00")!, .kzt))
        guard case .fundingAllocated(let usd)? = try ledger.log.event(at: 7).map(ProgrammeEvent.decode) else { Issue.record("not an allocation"); return }
        #expect(usd.money.amount == ExactDecimal("650000.05"))
        guard case .allocation(let state)? = try EntityState.fold(ledger.log.events(in: "allocation/NP-D1-2026")) else { Issue.record("no state"); return }
        #expect(state.amount == ExactDecimal("40000000000.00"))
    }

    @Test func upcasterStepIsExactForEveryMinorUnitCount() throws {
        for (currency, minor, expected) in [("JPY", Int64(1234), "1234"), ("KWD", 1234, "1.234"), ("KZT", 5, "0.05"), ("USD", 100, "1.00")] {
            let upcast = try Upcasters.upcast(type: "FundingAllocated", from: 1, payload: [
                "component": "component/C", "amountMinor": .integer(minor), "currency": .string(currency), "fiscalYear": 2026,
                "source": "donor", "funder": "organisation/F", "decision": "decision/D",
            ])
            #expect(upcast["amount"] == .string(expected), "\(currency)")
            #expect(upcast["amountMinor"] == nil)
        }
        // A current payload passes through untouched.
        let current: JSONValue = ["amount": "1.00", "currency": "USD"]
        #expect(try Upcasters.upcast(type: "FundingAllocated", from: 2, payload: current) == current)
    }

    /// Every type's upcasters lead from schema 1 to its current schema, one step a version, and none
    /// starts at the current schema: decoding skips the lookup for a current payload.
    @Test func everyTypeUpcastsFromEachOlderSchemaAndNotFromItsCurrentOne() {
        var names: Set<String> = []
        for type in ProgrammeEvent.catalogue {
            let name = type.typeName, current = type.currentSchema
            names.insert(name)
            let versions = Set((Upcasters.steps[name] ?? [:]).keys)
            #expect(versions == Set(1..<current), "\(name)")
        }
        #expect(Set(Upcasters.steps.keys).isSubset(of: names))
    }
}
