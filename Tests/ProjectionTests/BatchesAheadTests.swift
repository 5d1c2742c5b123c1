import CurrentState
@testable import EventLog
import Foundation
import LMDB
import Programme
@testable import Projection
import TestSupport
import Testing

/// The batches of a catch-up, read ahead on other threads: whatever the depth and whenever more are
/// read ahead (before each commit), they are the log's events in order, each once, in batches of the
/// size asked; a log that lacks an event is a damaged log, never a batch short of it.
@Suite struct BatchesAheadTests {
    func ledger(in dir: TemporaryDirectory, events: Int) throws -> Ledger {
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.append(IncrementalEqualsRebuildTests.base())
        var model = IncrementalEqualsRebuildTests.Model()
        try ledger.append((0..<events).map { IncrementalEqualsRebuildTests.event($0 * 7_919 % 100_000, &model) })
        return ledger
    }

    /// Every batch's sequence numbers, taking them all after `start`, with more read ahead before the
    /// batches `readingMore` names (by their place), up to `more`.
    func batches(_ log: EventLog, after start: UInt64, size: Int, depth: Int, more: Int, readingMore: Set<Int>) throws -> [[UInt64]] {
        let head = try log.head().sequence
        var ahead = BatchesAhead(after: start, head: head, size: size, depth: depth, read: BatchesAhead.decoding(log))
        defer { ahead.discard() }
        var out: [[UInt64]] = []
        var done = AppliedBatch()
        while true {
            if readingMore.contains(out.count) {
                ahead.readAhead(upTo: more, freeing: done)
                done = AppliedBatch()
            }
            guard let batch = try ahead.take(freeing: done) else { break }
            out.append(batch.map(\.sequence))
            done = AppliedBatch(batch)
        }
        return out
    }

    @Test func theBatchesAreTheLogsEventsInOrderAtAnyDepth() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir, events: 90)
        let head = try ledger.log.head().sequence
        var random = SystemRandomNumberGenerator()
        for start in [0, 1, 13, head - 1, head] {
            for size in [1, 7, 16, Int(head) + 5] {
                for depth in 1...4 {
                    let readingMore = Set((0..<12).map { _ in Int.random(in: 0...20, using: &random) })
                    let more = Int.random(in: 1...8, using: &random)
                    let got = try batches(ledger.log, after: start, size: size, depth: depth, more: more, readingMore: readingMore)
                    let expected = start < head ? Array(start + 1...head) : []
                    #expect(got.flatMap { $0 } == expected, "start \(start), size \(size), depth \(depth), more \(more) before \(readingMore.sorted())")
                    // Each batch the `size` events after the one before, the last ending at the head.
                    #expect(got.dropLast().allSatisfy { $0.count == size })
                    #expect(got.last.map { $0.count <= size } ?? true)
                }
            }
        }
    }

    /// Event 12 removed from the log (its hashes left): the batch that should hold it is a damaged log,
    /// whether it is the first read, one read ahead or one read before a commit; a catch-up stops there,
    /// its store as the commit before left it.
    @Test func aMissingEventIsADamagedLog() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir, events: 60)
        let head = try ledger.log.head().sequence
        let env = ledger.log.lmdb
        let events = try env.database("events")
        try env.write { txn in _ = try txn.delete(withUnsafeBytes(of: UInt64(12).bigEndian, Array.init), in: events) }
        #expect(try ledger.log.head().sequence == head, "the head is still the last event")
        for (size, depth, more) in [(5, 1, 1), (5, 2, 6), (4, 1, 6), (30, 1, 1)] {
            do {
                _ = try batches(ledger.log, after: 0, size: size, depth: depth, more: more, readingMore: [1])
                Issue.record("size \(size), depth \(depth): no error")
            } catch let EventLogError.damaged(sequence, reason) {
                #expect(sequence == UInt64((11 / size) * size + 1), "size \(size): the batch that should hold event 12")
                #expect(reason.contains("not all stored"))
            }
        }
        let store = try ProjectionStore(path: dir.path + "/store")
        #expect(throws: EventLogError.self) {
            try ProjectionSet([CurrentStateProjection()]).catchUp(log: ledger.log, store: store, batchSize: 4, eventsPerCommit: 8)
        }
        #expect(try store.checkpoint(of: "current-state") == 8)
    }
}
