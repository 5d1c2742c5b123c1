import EventLog
import Foundation
import Testing

@Suite struct ReadTests {
    @Test func readsForwardBackwardByStreamAndByType() throws {
        let f = try LogFixture()
        try f.log.append([
            event("a/1", "Defined"), event("b/1", "Defined"), event("a/1", "Changed"),
            event("b/1", "Changed"), event("a/1", "Changed"), event("a/10", "Changed"),
        ])
        #expect(try f.log.read(from: 3, limit: 2).map(\.sequence) == [3, 4])
        #expect(try f.log.read(from: 4, direction: .backward, limit: 10).map(\.sequence) == [4, 3, 2, 1])
        #expect(try f.log.read(from: .max, direction: .backward, limit: 2).map(\.sequence) == [6, 5])
        #expect(try f.log.read(filter: .init(stream: "a/1"), limit: 10).map(\.sequence) == [1, 3, 5])
        #expect(try f.log.read(from: 2, filter: .init(stream: "a/1"), limit: 10).map(\.sequence) == [3, 5])
        #expect(try f.log.read(from: 4, direction: .backward, filter: .init(stream: "a/1"), limit: 10).map(\.sequence) == [3, 1])
        #expect(try f.log.read(filter: .init(type: "Changed"), limit: 10).map(\.sequence) == [3, 4, 5, 6])
        #expect(try f.log.read(from: 5, direction: .backward, filter: .init(type: "Changed"), limit: 10).map(\.sequence) == [5, 4, 3])
        #expect(try f.log.read(filter: .init(stream: "a/1", type: "Changed"), limit: 10).map(\.sequence) == [3, 5])
        #expect(try f.log.events(in: "a/10").map(\.version) == [1])
        let third = try #require(try f.log.event(at: 3))
        #expect(try f.log.event(id: third.id) == third)
        #expect(third.stream == "a/1" && third.type == "Changed" && third.version == 2)
    }

    /// A stream's events through a sequence number are its events up to it, for every number: none
    /// after it, none of a stream whose name extends this one's.
    @Test func streamEventsThroughASequenceStopThere() throws {
        let f = try LogFixture()
        try f.log.append((0..<30).map { i in event(i % 3 == 0 ? "a/1" : i % 3 == 1 ? "a/10" : "b/1", i == 0 ? "Defined" : "Changed") })
        let all = try f.log.events(in: "a/1")
        #expect(all.count == 10)
        for last in UInt64(0)...32 {
            #expect(try f.log.events(in: "a/1", through: last) == all.filter { $0.sequence <= last }, "through \(last)")
        }
    }

    @Test func effectiveDateIndexFindsEventsInARange() throws {
        let f = try LogFixture()
        try f.log.append([event("a/1", effective: "2027-01-01"), event("a/1", effective: "2026-06-30"),
                          event("a/1", effective: "2028-01-01"), event("a/1", effective: "2026-07-01")])
        let low = try #require(CalendarDate("2026-06-30")), high = try #require(CalendarDate("2027-01-01"))
        let range = low...high
        #expect(try f.log.sequences(effectiveIn: range) == [2, 4, 1])
    }

    @Test func catchUpReaderYieldsHistoryThenFollowsNewAppends() async throws {
        let f = try LogFixture()
        let initial = (0..<5).map { event("s/\($0)") }
        try appendBlocking(f.log, initial)
        let reader = CatchUpReader(log: f.log, from: 3)
        let stream = reader.events(pollInterval: .milliseconds(5))
        let appender = Task.detached {
            try await Task.sleep(for: .milliseconds(50))
            try appendBlocking(f.log, [event("late/1"), event("late/2")])
        }
        var seen: [UInt64] = []
        for try await e in stream {
            seen.append(e.sequence)
            if seen.count == 5 { break }
        }
        try await appender.value
        #expect(seen == [3, 4, 5, 6, 7])
    }

    @Test func readersDuringWritesSeeOnlyWholeBatches() async throws {
        let f = try LogFixture()
        let batchSize = 25
        let writer = Task.detached {
            for b in 0..<40 { try appendBlocking(f.log, (0..<batchSize).map { event("w/\(b)", value: Int64($0)) }) }
        }
        let readers = (0..<3).map { _ in
            Task.detached { () -> Int in
                var observations = 0
                while observations < 200 {
                    let head = try f.log.head().sequence
                    #expect(head % UInt64(batchSize) == 0, "a reader saw half a batch: head \(head)")
                    let count = try f.log.statistics().events
                    #expect(count % batchSize == 0)
                    observations += 1
                }
                return observations
            }
        }
        try await writer.value
        for r in readers { _ = try await r.value }
        #expect(try f.log.head().sequence == 1000)
    }
}
