@testable import CurrentState
import EventLog
import Foundation
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

    static func check(codes: [Int]) throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        var model = Random.Model()
        let events = Random.base() + codes.map { Random.event($0, &model) }
        try ledger.append(events)
        let store = try ProjectionStore(path: dir.path + "/store")
        try catchUpAll(ledger, store)
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

    /// A store that has not applied every event a slice knows answers nothing from its effects; the
    /// query folds the log instead, and gives the same states.
    @Test func aStoreBehindTheSliceLeavesTheFoldToTheLog() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        var model = Random.Model()
        try ledger.append(Random.base() + (0..<40).map { Random.event($0 * 7_919 % 100_000, &model) })
        let store = try ProjectionStore(path: dir.path + "/store")
        try catchUpAll(ledger, store)
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
