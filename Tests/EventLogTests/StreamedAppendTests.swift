import EventLog
import Foundation
import TestSupport
import Testing

/// `append(streaming:)`: a source's runs appended in one transaction, the indexes written in bulk as
/// they fall due within it, give the log one batch of the same events gives; all or none.
@Suite struct StreamedAppendTests {
    /// A log whose clock ticks a second an append, and whose indexes fall due every `limit` events.
    static func log(in directory: TemporaryDirectory, _ name: String, limit: Int = 64, mapSize: Int = 1 << 26) throws -> EventLog {
        try openLog(directory.path + "/" + name, limit: limit, mapSize: mapSize, clock: TickingClock.ticking())
    }

    /// A source giving `events` in runs of `run`.
    static func runs(of events: [ProposedEvent], _ run: Int) -> () throws -> [ProposedEvent]? {
        var start = 0
        return {
            guard start < events.count else { return nil }
            defer { start += run }
            return Array(events[start..<min(start + run, events.count)])
        }
    }

    /// Events on 50 streams, every fifth of them after the first 300 an earlier event again (the same
    /// id and content: already present), so that ids are looked up after the transaction has written
    /// them into the `ids` index.
    static func history(_ count: Int, seed: UInt64) -> [ProposedEvent] {
        var state = seed
        func random() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var events: [ProposedEvent] = []
        for i in 0..<count {
            if i >= 300, i % 5 == 0 {
                events.append(events[Int(random() % UInt64(events.count))])
            } else {
                events.append(event("indicator/IND-\(random() % 50)", id: UUID(derivedFrom: "streamed/\(seed)/\(i)"), value: Int64(i)))
            }
        }
        return events
    }

    @Test(arguments: [(1, 100), (2, 64), (3, 1_000), (4, 7)])
    func runsInOneTransactionEqualOneBatch(seed: UInt64, run: Int) throws {
        let directory = try TemporaryDirectory()
        let events = Self.history(1_500, seed: seed)
        let batched = try Self.log(in: directory, "batched")
        let positions = try batched.append(events)
        let streamed = try Self.log(in: directory, "streamed")
        let summary = try streamed.append(streaming: { Self.runs(of: events, run) })

        #expect(try exportLines(streamed) == exportLines(batched))
        let written = positions.filter { !$0.alreadyPresent }
        #expect(summary.appended == written.count)
        #expect(summary.alreadyPresent == positions.count - written.count)
        #expect(summary.alreadyPresent > 200)
        #expect(summary.firstSequence == 1)
        #expect(summary.lastSequence == UInt64(written.count))
        // The indexes written within the transaction find every event.
        for position in written.prefix(400) {
            #expect(try streamed.event(id: position.id)?.sequence == position.sequence)
        }
        _ = try streamed.verify()
        // A later append finds the ids the streamed transaction indexed.
        #expect(try streamed.append(events[10]).alreadyPresent)
    }

    @Test func anIDUsedAgainWithOtherContentInALaterRunRefusesTheWhole() throws {
        let directory = try TemporaryDirectory()
        let log = try Self.log(in: directory, "log")
        try log.append(event("indicator/IND-0"))
        var events = Self.history(600, seed: 9)
        // Event 3's id again, 500 events on, in the source's fifth run: by then the transaction has
        // written event 3's id into the `ids` index.
        events[500] = event("indicator/IND-7", id: events[3].id, value: 999_999)
        let before = try exportLines(log)
        #expect {
            try log.append(streaming: { Self.runs(of: events, 100) })
        } throws: { error in
            guard let error = error as? AppendError else { return false }
            return error.index == 500 && "\(error.underlying)".contains("already in the log at seq 5 with other content")
        }
        #expect(try exportLines(log) == before)
        _ = try log.verify()
    }

    struct SourceFailed: Error {}

    @Test func aSourceThatFailsChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let log = try Self.log(in: directory, "log")
        try log.append(event("indicator/IND-0"))
        let before = try exportLines(log)
        let events = Self.history(1_000, seed: 4)
        #expect(throws: SourceFailed.self) {
            try log.append(streaming: {
                let runs = Self.runs(of: events, 200)
                var given = 0
                return {
                    given += 1
                    if given == 4 { throw SourceFailed() }
                    return try runs()
                }
            })
        }
        #expect(try exportLines(log) == before)
        #expect(try log.append(event("indicator/IND-1")).sequence == 2)
    }

    @Test func aFullMapRunsTheSourceAgainFromItsStart() throws {
        // 20,000 events of ~600 bytes, from a 1 MiB map: the transaction finds the map full, and runs again.
        let directory = try TemporaryDirectory()
        let events = (0..<20_000).map { i in
            var e = event(StreamName(stringLiteral: "indicator/IND-\(i % 500)"), value: Int64(i))
            e.payload = .object([("value", .integer(Int64(i))), ("note", .string(String(repeating: "n", count: 450)))])
            return e
        }
        let log = try Self.log(in: directory, "log", limit: 4_096, mapSize: 1 << 20)
        var sources = 0
        let summary = try log.append(streaming: {
            sources += 1
            return Self.runs(of: events, 1_000)
        })
        #expect(sources > 1)
        #expect(summary.appended == 20_000 && summary.alreadyPresent == 0)
        let batched = try Self.log(in: directory, "batched", limit: 4_096)
        try batched.append(events)
        #expect(try exportLines(log) == exportLines(batched))
    }
}
