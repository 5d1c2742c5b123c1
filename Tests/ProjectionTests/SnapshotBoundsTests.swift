@testable import CurrentState
import EventLog
import LMDB
import Programme
import Projection
import PropertyBased
import TestSupport
import Testing

/// The bounds each snapshot keeps: for every day stored, the highest sequence number of the events
/// effective by then and the lowest of those effective from then on, as read off the whole list.
@Suite struct SnapshotBoundsTests {
    @Test func boundsOfAHandWrittenHistory() {
        // Day 10: events 1 and 5 (back-dated); day 12: event 2; day 15: events 3 and 4.
        let d = { CalendarDate(daysSinceEpoch: $0) }
        let events: [(day: CalendarDate, sequence: UInt64)] = [(d(10), 1), (d(10), 5), (d(12), 2), (d(15), 3), (d(15), 4)]
        #expect(SnapshotBounds.of(days: [d(10), d(12), d(15)], events: events) == [
            SnapshotBounds(lastFolded: 5, firstOnOrAfter: 1),
            SnapshotBounds(lastFolded: 5, firstOnOrAfter: 2),
            SnapshotBounds(lastFolded: 5, firstOnOrAfter: 3),
        ])
        // A writer extending the snapshot of day 15 (first on or after it: 3) with event 6 on day 15 and 7 on day 16.
        #expect(SnapshotBounds.of(days: [d(15), d(16)], events: [(d(15), 6), (d(16), 7)], sameDay: (d(15), 3)) == [
            SnapshotBounds(lastFolded: 6, firstOnOrAfter: 3),
            SnapshotBounds(lastFolded: 7, firstOnOrAfter: 7),
        ])
    }

    /// Random histories: each day's bounds equal the maximum and minimum over the whole list.
    @Test func boundsEqualTheirDefinitions() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...30).array(of: 1...40)) { offsets in
            let events = offsets.enumerated().map { (day: CalendarDate(daysSinceEpoch: Int64($0.element)), sequence: UInt64($0.offset + 1)) }
                .sorted { $0.day < $1.day }
            var days: [CalendarDate] = []
            for e in events where e.day != days.last { days.append(e.day) }
            let bounds = SnapshotBounds.of(days: days, events: events)
            #expect(bounds.count == days.count)
            for (day, b) in zip(days, bounds) {
                #expect(b.lastFolded == events.filter { $0.day <= day }.map(\.sequence).max())
                #expect(b.firstOnOrAfter == events.filter { $0.day >= day }.map(\.sequence).min())
            }
        }
    }
    /// Histories crowded onto a few days, caught up in batches of every size: a new indicator defined in
    /// the batch of its events (some effective before its definition, several on one day), an allocation
    /// extended and back-dated. Every snapshot's bounds are those the entity's events kept with its
    /// snapshots give, and every state known at a past point equals the fold of the log.
    @Test func storedBoundsAreThoseOfTheEventsIndexed() async {
        await propertyCheck(count: 15, input: Gen.int(in: 0...100_000).array(of: 1...40), Gen.int(in: 1...9).array(of: 1...6)) { codes, splits in
            do {
                try Self.checkCrowded(codes: codes, splits: splits)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    static func make(_ type: String, _ stream: StreamName, _ day: Int64, _ payload: JSONValue) -> ProposedEvent {
        ProposedEvent(stream: stream, type: type, effective: CalendarDate(daysSinceEpoch: day), actor: "t", rationale: "r", source: "s", payload: payload)
    }
    static let defined = make("IndicatorDefined", "indicator/N", 20_461,
                              ["component": "component/D", "name": "N", "unit": "u", "measure": "unit", "higherIsBetter": true])
    static func measured(_ day: Int64, _ value: Int) -> ProposedEvent {
        make("IndicatorMeasured", "indicator/N", day, ["year": 2026, "value": .string("\(value).5")])
    }

    static func checkCrowded(codes: [Int], splits: [Int]) throws {
        let events = [defined] + codes.map { code -> ProposedEvent in
            let day = 20_455 + Int64(code % 12)   // 2026-01-02 to 13: several events a day, some before N's definition
            return code % 3 == 0 ? make("DisbursementRecorded", "allocation/A", day, ["amount": .string("\(code % 90 + 1).00"), "currency": "KZT"])
                : measured(day, code % 50)
        }
        try check(events, splits: splits, batchSizes: (0..<4).map { 1 + ($0 + codes.count) % 4 })
    }

    /// A new indicator defined in the batch of all its events: one before its definition's day, two on
    /// it, two on a later day, one back-dated between (or recorded in valid-time order); caught up in
    /// batches of each size.
    @Test func aStreamDefinedInTheBatchOfItsEvents() throws {
        let m = Self.measured
        let backDated = [Self.defined, m(20_458, 1), m(20_461, 2), m(20_465, 3), m(20_461, 4), m(20_465, 5), m(20_463, 6)]
        let inOrder = [Self.defined, m(20_458, 1), m(20_461, 2), m(20_461, 4), m(20_463, 6), m(20_465, 3), m(20_465, 5)]
        for events in [backDated, inOrder] {
            for size in 1...events.count {
                try Self.check(events, splits: [events.count], batchSizes: [size])
            }
        }
    }

    /// Appends `events` in runs of `splits` (in turn), catching up after each in batches of
    /// `batchSizes` (in turn); then checks every snapshot's bounds and every state known at a past point.
    static func check(_ events: [ProposedEvent], splits: [Int], batchSizes: [Int]) throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.append(IncrementalEqualsRebuildTests.base())
        let store = try ProjectionStore(path: dir.path + "/store")
        try catchUpAll(ledger, store)
        var events = events
        var i = 0
        while !events.isEmpty {
            let n = min(splits[i % splits.count], events.count)
            try ledger.append(Array(events.prefix(n)))
            events.removeFirst(n)
            try catchUpAll(ledger, store, batchSize: batchSizes[i % batchSizes.count], eventsPerCommit: 1 + i % 3)
            i += 1
        }
        // Each entity's events as its snapshots keep them (in order of day), and its snapshots' bounds.
        let (indexed, stored) = try store.environment.read { txn in
            var indexed: [UInt32: [(day: CalendarDate, sequence: UInt64)]] = [:]
            var stored: [UInt32: [(day: CalendarDate, bounds: SnapshotBounds)]] = [:]
            try txn.withCursor(try store.database("state-snapshots")) { c in
                var e = try c.first()
                while let entry = e, let key = SnapshotKey(stored: entry.key) {
                    stored[key.number, default: []].insert((key.day, try SnapshotBounds.read(entry.value).0), at: 0)
                    try DayEffects.forEach(in: entry.value, day: key.day, of: "entity \(key.number)") { sequence, day, _ in
                        indexed[key.number, default: []].append((day, sequence))
                    }
                    e = try c.next()
                }
            }
            return (indexed.mapValues { $0.sorted { ($0.day, $0.sequence) < ($1.day, $1.sequence) } }, stored)
        }
        #expect(stored.count == indexed.count)
        for (number, snapshots) in stored {
            let events = indexed[number] ?? []
            #expect(snapshots.map(\.bounds) == SnapshotBounds.of(days: snapshots.map(\.day), events: events), "entity \(number)")
        }
        // The events kept are each entity's in the log, each with the day it is effective on (those
        // effective before the definition, kept with its day, too).
        let numbers: [(UInt32, StreamName)] = try store.environment.read { txn in
            try txn.withCursor(try store.database("state-entities")) { c in
                var out: [(UInt32, StreamName)] = []
                var e = try c.first()
                while let entry = e {
                    out.append((try EntityEntry(entry.value).number, try StreamName(validatingUTF8: entry.key)))
                    e = try c.next()
                }
                return out
            }
        }
        #expect(numbers.count == indexed.count)
        for (number, stream) in numbers {
            let logged = try ledger.log.events(in: stream).map { (day: $0.effective, sequence: $0.sequence) }
                .sorted { ($0.day, $0.sequence) < ($1.day, $1.sequence) }
            #expect(indexed[number]?.map(\.day) == logged.map(\.day) && indexed[number]?.map(\.sequence) == logged.map(\.sequence), "\(stream)")
        }
        let head = try ledger.log.head().sequence
        for sequence in 1...head {
            for day in stride(from: Int64(20_452), to: 21_470, by: 1) where day < 20_470 || day == 21_469 {
                let slice = ResolvedSlice(asOf: CalendarDate(daysSinceEpoch: day), sequence: sequence)
                let fromLog = try CurrentState.states(log: ledger.log, store: nil, slice: slice)
                for stepping in [0, Int.max] {
                    let folded = try #require(try CurrentStateProjection.states(in: slice, store: store, kinds: nil, splittingFrom: Int.max,
                                                                               steppingFirst: stepping))
                    #expect(folded.fromLog.isEmpty)
                    #expect(folded.states == fromLog, "as of \(slice.asOf), known at \(sequence), stepping \(stepping)")
                }
            }
        }
    }
}
