@testable import CurrentState
import EventLog
import Foundation
import LMDB
import Programme
import PropertyBased
import Projection
import TestSupport
import Testing

/// States known at a past point folded from the effects the current state keeps
/// (`CurrentStateProjection.states(in:store:kinds:splittingFrom:)`) equal folds of the log's events, at
/// every (as-of, known-at) pair of a spread; entities with a correction are left to the log.
@Suite struct KnownThenTests {
    typealias Random = IncrementalEqualsRebuildTests

    /// Random histories on the streams of ``IncrementalEqualsRebuildTests``, often back-dated (also
    /// before an indicator's definition), with corrections (voids, replacements, replaced definitions)
    /// or without any.
    @Test func effectFoldsEqualLogFolds() async {
        await propertyCheck(count: 20, input: Gen.int(in: 0...100_000).array(of: 1...80), Gen.int(in: 0...1)) { codes, withCorrections in
            do {
                try Self.check(codes: withCorrections == 1 ? codes : codes.filter { ($0 / 450) % 5 != 3 })
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    /// A ledger in `dir` holding the base programme and the random events `codes` make, and a store
    /// caught up with it.
    static func caughtUp(_ codes: [Int], in dir: TemporaryDirectory, model: inout Random.Model) throws
        -> (ledger: Ledger, store: ProjectionStore, events: [ProposedEvent]) {
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        let events = Random.base() + codes.map { Random.event($0, &model) }
        try ledger.append(events)
        let store = try ProjectionStore(path: dir.path + "/store")
        try catchUpAll(ledger, store)
        return (ledger, store, events)
    }

    static func check(codes: [Int]) throws {
        let dir = try TemporaryDirectory()
        var model = Random.Model()
        let (ledger, store, events) = try caughtUp(codes, in: dir, model: &model)
        let head = try ledger.log.head().sequence
        let corrected = Set(events.filter { $0.type == "EventCorrected" }.map(\.stream)).sorted()
        let known = Set([1, 3, 7, 8, head / 3, head / 2, head - 1, head].filter { $0 >= 1 && $0 <= head })
        for sequence in known.sorted() {
            for day in stride(from: Int64(20_450), to: 21_250, by: 53) {
                let slice = ResolvedSlice(asOf: CalendarDate(daysSinceEpoch: day), sequence: sequence)
                let fromLog = try CurrentState.states(log: ledger.log, store: nil, slice: slice)
                let place = "as of \(slice.asOf), known at \(sequence)"
                if sequence < head {   // at the head the snapshots answer
                    #expect(try CurrentState.states(log: ledger.log, store: store, slice: slice) == fromLog, "\(place)")
                    #expect(try CurrentState.states(log: ledger.log, store: store, slice: slice, kinds: StateReport.kinds)
                            == EntityStates(fromLog.lazy.filter { StateReport.kinds.contains($0.state.kind) }.map { ($0.stream, $0.state) }), "\(place)")
                }
                // Read in two halves on two threads (split wherever earlier reads put the middle), and on one.
                for threshold in [2, Int.max] {
                    let folded = try #require(try CurrentStateProjection.states(in: slice, store: store, splittingFrom: threshold))
                    #expect(folded.fromLog == corrected, "\(place)")
                    #expect(folded.states == EntityStates(fromLog.lazy.filter { !corrected.contains($0.stream) }.map { ($0.stream, $0.state) }), "\(place)")
                }
            }
        }
        // The allocation is never corrected: at the head, as of the last day, it is folded from its effects.
        let last = try #require(try CurrentStateProjection.states(in: ResolvedSlice(asOf: .d("2030-12-31"), sequence: head), store: store))
        #expect(last.states["allocation/A"] != nil)
    }

    /// An effect in `state-events` that does not read as one is a damaged store: the fold of a past
    /// slice says which entity and event, and what to do, as the redo of a back-dated event does.
    @Test func aDamagedEffectNamesTheEntityTheEventAndTheRemedy() throws {
        let dir = try TemporaryDirectory()
        var model = Random.Model()
        let (ledger, store, _) = try Self.caughtUp((0..<40).map { $0 * 7_919 % 100_000 }, in: dir, model: &model)
        let head = try ledger.log.head().sequence
        let entities = try store.database("state-entities"), index = try store.database("state-events")
        let damaged: UInt64 = try store.environment.write { txn in
            let entry = try #require(try txn.value(in: entities, forKey: Array("allocation/A".utf8)))
            let number = try entry.withUnsafeBytes { try EntityEntry($0).number }
            // The allocation's first event with an effect (not its definition): its value made an unknown effect.
            let key = try txn.withCursor(index) { c -> [UInt8]? in
                var e = try c.seek(atLeast: EventIndexKey.corrected(number))
                while let entry = e, let (n, _, _) = EventIndexKey.parse(entry.key), n == number {
                    if !entry.value.isEmpty { return Array(entry.key) }
                    e = try c.next()
                }
                return nil
            }
            let found = try #require(key)
            try txn.put([99], forKey: found, in: index)
            return try #require(found.withUnsafeBytes { EventIndexKey.parse($0) }).sequence
        }
        let slice = ResolvedSlice(asOf: .d("2030-12-31"), sequence: head - 1)
        #expect(throws: FieldError(field: "(state-events)", "allocation/A, event \(damaged): unknown effect 99; rebuild the store with `pledger replay`")) {
            _ = try CurrentStateProjection.states(in: slice, store: store)
        }
    }

    /// A store that has not applied every event a slice knows answers nothing from its effects; the
    /// query folds the log instead, and gives the same states.
    @Test func aStoreBehindTheSliceLeavesTheFoldToTheLog() throws {
        let dir = try TemporaryDirectory()
        var model = Random.Model()
        let (ledger, store, _) = try Self.caughtUp((0..<40).map { $0 * 7_919 % 100_000 }, in: dir, model: &model)
        let applied = try ledger.log.head().sequence
        try ledger.append((40..<50).map { Random.event($0 * 7_919 % 100_000, &model) })
        let head = try ledger.log.head().sequence
        let day = CalendarDate.d("2027-12-31")
        #expect(try CurrentStateProjection.states(in: ResolvedSlice(asOf: day, sequence: head), store: store) == nil)
        #expect(try CurrentStateProjection.states(in: ResolvedSlice(asOf: day, sequence: applied), store: store) != nil)
        for sequence in [applied, head - 1, head] {
            let slice = ResolvedSlice(asOf: day, sequence: sequence)
            #expect(try CurrentState.states(log: ledger.log, store: store, slice: slice) == CurrentState.states(log: ledger.log, store: nil, slice: slice))
        }
    }
}
