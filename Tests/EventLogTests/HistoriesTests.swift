import EventLog
import Foundation
import PropertyBased
import Testing

/// `EventLog.histories(of:through:workers:_:)`: streams read on several threads give what a loop over
/// them, stream by stream, gives: the same events in the same order, and the same first error.
@Suite struct HistoriesTests {
    struct Refused: Error, Equatable { let stream: StreamName }

    /// A log of `count` events over streams `s/0` … `s/(streams - 1)` (and `s/1x`, whose name extends
    /// `s/1`), each event's stream picked by `codes`.
    static func log(_ codes: [Int], streams: Int) throws -> (LogFixture, [StreamName]) {
        let f = try LogFixture()
        let names = (0..<streams).map { StreamName(stringLiteral: "s/\($0)") } + ["s/1x"]
        for chunk in stride(from: 0, to: codes.count, by: 7).map({ Array(codes[$0..<min($0 + 7, codes.count)]) }) {
            try f.log.append(chunk.map { event(names[$0 % names.count], value: Int64($0)) })
        }
        return (f, names)
    }

    /// Each stream's events as (sequence, version), with a 0 after any that is not of the stream asked.
    static func sequencesAndVersions(_ log: EventLog, _ streams: [StreamName], through: UInt64, workers: Int) throws -> [[[UInt64]]] {
        try log.histories(of: streams, through: through, workers: workers) { stream, events in
            events.map { [$0.sequence, $0.version] + ($0.stream == stream ? [] : [0]) }
        }
    }

    @Test func eachStreamsEventsThroughTheSequenceInTheOrderOfTheStreamsGiven() async throws {
        await propertyCheck(count: 25, input: Gen.int(in: 0...99).array(of: 0...90), Gen.int(in: 1...9), Gen.int(in: 1...4), Gen.int(in: 0...100)) {
            codes, streams, workers, through in
            let (f, names) = try Self.log(codes, streams: streams)
            // Asked in an order of their own, one twice, one with no events at all.
            let asked = names.reversed() + [names[0], "none/0"]
            let read = try Self.sequencesAndVersions(f.log, asked, through: UInt64(through), workers: workers)
            let expected = try asked.map { stream in
                try f.log.events(in: stream).filter { $0.sequence <= UInt64(through) }.map { [$0.sequence, $0.version] }
            }
            #expect(read == expected)
        }
    }

    /// However the streams fall to the workers, the error thrown is that of the first refused stream
    /// in the order given; and nothing is read for no streams.
    @Test func theFirstFailureInOrderIsThrown() throws {
        let (f, names) = try Self.log(Array(0..<120), streams: 9)
        for workers in 1...4 {
            for firstRefused in [0, 3, 8] {
                for _ in 0..<20 {
                    let refused = Set(names[firstRefused...].enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
                    #expect(throws: Refused(stream: names[firstRefused])) {
                        _ = try f.log.histories(of: names, through: .max, workers: workers) { stream, events in
                            if refused.contains(stream) { throw Refused(stream: stream) }
                            return events.count
                        }
                    }
                }
            }
        }
        #expect(try f.log.histories(of: [], through: .max) { _, events in events.count } == [])
    }
}
