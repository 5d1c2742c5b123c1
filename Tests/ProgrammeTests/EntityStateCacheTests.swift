import EventLog
import Foundation
@testable import Programme
import Testing

/// `EntityStateCache.advance` changes a stream's state where the cache keeps it only when the entry is
/// what `state(of:version:in:)` would return as it stands: at the stream's version, and of the current
/// epoch (recorded or checked in a run of transactions that each committed). Driven through the log's
/// own transactions by rules that only call the cache.
@Suite struct EntityStateCacheTests {
    /// Rules whose check is `step`, given a cache of their own.
    final class Probe: AppendRules, @unchecked Sendable {
        let cache = EntityStateCache()
        var step: (EntityStateCache, borrowing LedgerSnapshot) throws -> Void = { _, _ in }
        func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws { try step(cache, ledger) }
    }

    struct Refused: Error {}

    @Test func onlyAnEntryAtTheStreamsVersionAndOfTheCurrentEpochIsChangedInPlace() throws {
        let f = try RuleFixture()
        let probe = Probe()
        let stream: StreamName = "indicator/IND-1"
        func measured() -> ProposedEvent { f.e("IndicatorMeasured", "indicator/IND-1", ["year": 2026, "value": "3"]) }
        var advanced: Bool?
        func advance(_ cache: EntityStateCache, _ ledger: borrowing LedgerSnapshot) throws {
            let version = try ledger.version(of: stream)
            advanced = try cache.advance(stream, from: version, sequence: ledger.sequence, id: UUID(), in: ledger) {
                try EntityState.apply(.measured(year: 2027, value: ExactDecimal(5)), effective: CalendarDate(daysSinceEpoch: 0), sequence: 0, to: &$0)
            }
        }

        // The cache reads the state in a transaction that then does not commit: its epoch ends there.
        probe.step = { cache, ledger in
            _ = try cache.state(of: stream, in: ledger)
            throw Refused()
        }
        #expect(throws: AppendError.self) { try f.ledger.log.append([measured()], rules: probe) }
        // The entry is at the stream's version, but of the ended epoch: not changed.
        probe.step = { cache, ledger in try advance(cache, ledger) }
        try f.ledger.log.append([measured()], rules: probe)
        #expect(advanced == false)
        // Read in a transaction that commits, which writes the stream's next event: the entry, of the
        // current epoch, is then a version behind, and not changed.
        probe.step = { cache, ledger in _ = try cache.state(of: stream, in: ledger) }
        try f.ledger.log.append([measured()], rules: probe)
        probe.step = { cache, ledger in try advance(cache, ledger) }
        advanced = nil
        try f.ledger.log.append([measured()], rules: probe)
        #expect(advanced == false)
        // Read (and so checked) in this very transaction: changed where it is kept, and found so.
        var after: EntityState?
        probe.step = { cache, ledger in
            let version = try ledger.version(of: stream)
            _ = try cache.state(of: stream, version: version, in: ledger)
            try advance(cache, ledger)
            after = try cache.state(of: stream, version: version + 1, in: ledger)
        }
        advanced = nil
        try f.ledger.log.append([measured()], rules: probe)
        #expect(advanced == true)
        guard case .indicator(let s)? = after else { Issue.record("no indicator state: \(String(describing: after))"); return }
        #expect(s.measurements[2027] == ExactDecimal(5))
        #expect(s.measurements[2026] == ExactDecimal(3))
    }
}
