import EventLog
import Foundation
import Testing

/// A writer carries the stream versions its last committed transaction read and wrote into its next
/// one (``StreamVersions``); every version an append gives and checks must still be the log's.
@Suite struct StreamVersionsTests {
    /// Batches large (encoded ahead, stamps predicted) and small over a few dozen streams, each
    /// checked against a model of the versions; some batches are rolled back by an expectation that
    /// fails at their last event, after their other events have moved their streams' versions.
    @Test func versionsCarriedBetweenTransactionsAreTheLogs() throws {
        let f = try LogFixture()
        var model: [StreamName: UInt64] = [:]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        for round in 0..<40 {
            let size = [1, 3, 70, 200][round % 4]
            var batch: [ProposedEvent] = []
            var written = model
            for _ in 0..<size {
                let stream = StreamName(stringLiteral: "indicator/I\(next(40))")
                let current = written[stream, default: 0]
                // Every third event states the version it expects: the log checks it against its own.
                batch.append(event(stream, expected: next(3) == 0 ? .exactly(current) : .any))
                written[stream] = current + 1
            }
            let rolledBack = round % 5 == 4
            if rolledBack, let last = batch.last {
                batch.append(event(last.stream, expected: .exactly(written[last.stream, default: 0] + 7)))
                #expect(throws: AppendError.self) { try f.log.append(batch) }
                continue
            }
            var expected = model
            let positions = try f.log.append(batch)
            for (e, p) in zip(batch, positions) {
                expected[e.stream, default: 0] += 1
                #expect(p.version == expected[e.stream], "round \(round): \(e.stream)")
            }
            model = written
        }
        for (stream, version) in model { #expect(try f.log.version(of: stream) == version, "\(stream)") }
    }

    /// A writer whose transaction read or wrote more streams than it carries starts the next one
    /// afresh, with the same versions.
    @Test func aTransactionOverMoreStreamsThanAreCarriedLeavesExactVersions() throws {
        let f = try LogFixture(mapSize: 1 << 28)
        let many = (0 ..< 17_000).map { event("indicator/M\($0)") }
        try f.log.append(many)
        let again = try f.log.append([event("indicator/M5", expected: .exactly(1)), event("indicator/M16999", expected: .exactly(1)),
                                      event("indicator/new", expected: .noStream)])
        #expect(again.map(\.version) == [2, 2, 1])
        #expect(try f.log.append(event("indicator/M5", expected: .exactly(2))).version == 3)
    }
}
