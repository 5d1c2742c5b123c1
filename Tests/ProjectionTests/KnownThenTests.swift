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
        // In small batches: snapshots extended and redone across batches carry their bounds on.
        try catchUpAll(ledger, store, batchSize: 5, eventsPerCommit: 7)
        return (ledger, store, events)
    }

    static func check(codes: [Int]) throws {
        let dir = try TemporaryDirectory()
        var model = Random.Model()
        let (ledger, store, events) = try caughtUp(codes, in: dir, model: &model)
        let head = try ledger.log.head().sequence
        let corrected = Set(events.filter { $0.type == "EventCorrected" }.map(\.stream)).sorted()
        let known = Set(([1, 3, 7, 8, head / 3, head / 2, head - 1, head] + Array(stride(from: 5, to: head, by: 9))).filter { $0 >= 1 && $0 <= head })
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
                // Read in two halves on two threads (split wherever earlier reads put the middle), and on one;
                // the snapshot to start from found by seeks alone, by steps first, by steps alone.
                for threshold in [2, Int.max] {
                    for stepping in [0, 1, Int.max] {
                        let folded = try #require(try CurrentStateProjection.states(in: slice, store: store, kinds: nil, splittingFrom: threshold,
                                                                                   steppingFirst: stepping))
                        #expect(folded.fromLog == corrected, "\(place), stepping \(stepping)")
                        #expect(folded.states == EntityStates(fromLog.lazy.filter { !corrected.contains($0.stream) }.map { ($0.stream, $0.state) }),
                                "\(place), stepping \(stepping)")
                    }
                }
            }
        }
        // The allocation is never corrected: at the head, as of the last day, it is folded from its effects.
        let last = try #require(try CurrentStateProjection.states(in: ResolvedSlice(asOf: .d("2030-12-31"), sequence: head), store: store))
        #expect(last.states["allocation/A"] != nil)
    }

    /// The search of an entity's snapshots for where a fold known at a past point starts and stops finds
    /// what reading all of them finds: the latest snapshot by the date whose events were all known,
    /// and the day before the first from which none was; by steps, by seeks, and both.
    @Test func theRangeFoundIsTheOneAllSnapshotsGive() async {
        await propertyCheck(count: 8, input: Gen.int(in: 0...100_000).array(of: 20...80)) { codes in
            do {
                try Self.checkRanges(codes: codes)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    static func checkRanges(codes: [Int]) throws {
        let dir = try TemporaryDirectory()
        var model = Random.Model()
        let (ledger, store, _) = try caughtUp(codes, in: dir, model: &model)
        let head = try ledger.log.head().sequence
        let snapshots = try store.database("state-snapshots")
        // Every entity's snapshots, oldest first: day and bounds.
        let all: [UInt32: [(day: CalendarDate, bounds: SnapshotBounds)]] = try store.environment.read { txn in
            try txn.withCursor(snapshots) { c in
                var out: [UInt32: [(day: CalendarDate, bounds: SnapshotBounds)]] = [:]
                var e = try c.first()
                while let entry = e, let key = SnapshotKey(stored: entry.key) {
                    out[key.number, default: []].insert((key.day, try SnapshotBounds.read(entry.value).0), at: 0)
                    e = try c.next()
                }
                return out
            }
        }
        #expect(!all.isEmpty)
        for (number, list) in all {
            for sequence in stride(from: UInt64(1), through: head, by: 3) {
                for day in stride(from: Int64(20_440), to: 21_260, by: 37) {
                    let slice = ResolvedSlice(asOf: CalendarDate(daysSinceEpoch: day), sequence: sequence)
                    // What reading every snapshot gives.
                    var expected: (start: CalendarDate?, end: CalendarDate)?
                    if let top = list.last(where: { $0.day <= slice.asOf }) {
                        if top.bounds.lastFolded <= sequence { expected = (top.day, top.day) } else {
                            let start = list.last { $0.day <= top.day && $0.bounds.lastFolded <= sequence }
                            let stop = list.first { $0.day <= top.day && $0.bounds.firstOnOrAfter > sequence }
                            expected = (start?.day, stop.map { CalendarDate(daysSinceEpoch: $0.day.daysSinceEpoch - 1) } ?? slice.asOf)
                        }
                    }
                    for stepping in [0, 1, 3, Int.max] {
                        let found = try store.environment.read { txn in
                            try txn.withCursor(snapshots) { s in try CurrentStateProjection.knownRange(number, in: slice, s, steppingFirst: stepping) }
                        }
                        let place = "entity \(number), as of \(slice.asOf), known at \(sequence), stepping \(stepping)"
                        #expect(found?.start?.day == expected?.start, "\(place)")
                        #expect(found?.end == expected?.end, "\(place)")
                        #expect((found == nil) == (expected == nil), "\(place)")
                    }
                }
            }
        }
    }

    /// An effect kept with a snapshot that does not read as one is a damaged store: the fold of a past
    /// slice says which entity and event, and what to do, as the redo of a back-dated event does.
    @Test func aDamagedEffectNamesTheEntityTheEventAndTheRemedy() throws {
        let dir = try TemporaryDirectory()
        var model = Random.Model()
        let (_, store, _) = try Self.caughtUp((0..<80).map { $0 * 7_919 % 100_000 }, in: dir, model: &model)
        let entities = try store.database("state-entities"), index = try store.database("state-events")
        let snapshots = try store.database("state-snapshots")
        // An event with an effect that another of its entity, effective no later, was recorded after (back-dated):
        // no snapshot from its day on holds only events known at its sequence number, so the fold of a
        // slice known then starts before its day and reads its effect.
        let (stream, sequence): (String, UInt64) = try store.environment.write { txn in
            var corrected: Set<UInt32> = []
            try txn.withCursor(index) { c in
                var e = try c.first()
                while let entry = e {
                    if entry.key.count == 4 { corrected.insert(entry.key.loadUnaligned(as: UInt32.self).bigEndian) }
                    e = try c.next()
                }
            }
            let all = try txn.withCursor(snapshots) { c in
                var out: [(key: [UInt8], number: UInt32, day: CalendarDate, sequence: UInt64, effect: Bool)] = []
                var e = try c.first()
                while let entry = e, let key = SnapshotKey(stored: entry.key) {
                    try DayEffects.forEach(in: entry.value, day: key.day, of: "") { sequence, day, stored in
                        out.append((Array(entry.key), key.number, day, sequence, !stored.isEmpty))
                    }
                    e = try c.next()
                }
                return out
            }
            // Of an entity without a correction (those are folded from the log), effective on or after its definition.
            let read = try #require(all.first { e in
                e.effect && !corrected.contains(e.number) && all.contains { $0.number == e.number && !$0.effect && $0.day <= e.day }
                    && all.contains { $0.number == e.number && $0.day <= e.day && $0.sequence > e.sequence }
            })
            let stream = try txn.withCursor(entities) { c -> String? in
                var e = try c.first()
                while let entry = e {
                    if try EntityEntry(entry.value).number == read.number { return String(decoding: entry.key, as: UTF8.self) }
                    e = try c.next()
                }
                return nil
            }
            // Its snapshot stored again with its effect's first byte, its kind, one that is no effect's.
            var value = try #require(try txn.value(in: snapshots, forKey: read.key))
            try value.withUnsafeMutableBytes { v in v[try Self.effectOffset(of: read.sequence, in: UnsafeRawBufferPointer(v))] = 99 }
            try txn.put(value, forKey: read.key, in: snapshots)
            return (try #require(stream), read.sequence)
        }
        let slice = ResolvedSlice(asOf: .d("2030-12-31"), sequence: sequence)
        for stepping in [0, Int.max] {
            #expect(throws: FieldError(field: "(state-snapshots)", "\(stream), event \(sequence): unknown effect 99; rebuild the store with `pledger replay`")) {
                _ = try CurrentStateProjection.states(in: slice, store: store, kinds: nil, splittingFrom: Int.max, steppingFirst: stepping)
            }
        }
    }

    /// Where the stored effect of event `sequence` starts in snapshot value `value`.
    static func effectOffset(of sequence: UInt64, in value: UnsafeRawBufferPointer) throws -> Int {
        var offset: Int?
        try DayEffects.forEach(in: value, day: CalendarDate(daysSinceEpoch: 0), of: "") { s, _, stored in
            if s == sequence, let start = stored.baseAddress, let base = value.baseAddress, !stored.isEmpty { offset = start - base }
        }
        return try #require(offset)
    }

    /// A snapshot whose bounds do not read as two numbers is a damaged store: a slice that reads them
    /// says so, and what to do.
    @Test func damagedSnapshotBoundsNameTheRemedy() throws {
        let dir = try TemporaryDirectory()
        var model = Random.Model()
        let (ledger, store, _) = try Self.caughtUp((0..<40).map { $0 * 7_919 % 100_000 }, in: dir, model: &model)
        let snapshots = try store.database("state-snapshots")
        // Every snapshot's value cut to one byte with its high bit set: a number cut short.
        try store.environment.write { txn in
            let keys = try txn.withCursor(snapshots) { c in
                var out: [[UInt8]] = [], e = try c.first()
                while let entry = e { out.append(Array(entry.key)); e = try c.next() }
                return out
            }
            for k in keys { try txn.put([0x80], forKey: k, in: snapshots) }
        }
        let head = try ledger.log.head().sequence
        let remedy = FieldError(field: "(state-snapshots)", "a number truncated or longer than 64 bits at byte 1; rebuild the store with `pledger replay`")
        #expect(throws: remedy) { _ = try CurrentStateProjection.states(in: ResolvedSlice(asOf: .d("2030-12-31"), sequence: head - 1), store: store) }
        #expect(throws: remedy) { _ = try CurrentStateProjection.states(asOf: .d("2030-12-31"), store: store) }
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
