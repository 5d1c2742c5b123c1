@testable import EventLog
import Foundation
import TestSupport
import Testing

/// A batch of at least ``EncodedAhead/minimumBatch`` events is encoded and hashed on another thread with
/// predicted stamps; smaller ones in the appending loop. With a clock that stands still, the stamps do
/// not depend on how events are batched, so a log written in large batches must be byte for byte the
/// log written in small ones, hashes and tree included.
@Suite struct EncodedAheadTests {
    /// A log whose clock always reads the same time: each event is recorded 1 µs after the one before.
    func log(in dir: TemporaryDirectory, _ name: String) throws -> EventLog {
        try openLog(dir.path + "/" + name, clock: { Timestamp(microsecondsSinceEpoch: 1_769_472_000_000_000) })
    }

    /// Events over a few streams, some with expectations, ids fixed by `seed` so two logs get the same.
    func events(_ count: Int, seed: Int) -> [ProposedEvent] {
        (0..<count).map { i in
            let n = seed * 10_000 + i
            let id = UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", n)) ?? UUID()
            return event("indicator/I-\(i % 7)", id: id, value: Int64(n), effective: "2026-0\(1 + i % 9)-1\(i % 10)")
        }
    }

    @discardableResult
    func append(_ batch: [ProposedEvent], to log: EventLog, inBatchesOf size: Int) throws -> [AppendedPosition] {
        try stride(from: 0, to: batch.count, by: size).flatMap { try log.append(Array(batch[$0..<min($0 + size, batch.count)])) }
    }

    /// Every event of `log` as a restored event: its content with its stamp (sequence number, recorded
    /// time, version), as an import proposes it.
    func restoring(_ log: EventLog) throws -> [ProposedEvent] {
        try log.read(from: 1, limit: 1_000).map { recorded in
            var p = recorded.proposal
            p.stamp = .init(sequence: recorded.sequence, recorded: recorded.recorded, version: recorded.version)
            return p
        }
    }

    /// The same log, whole: every event's bytes, the tree head, and what verify recomputes.
    func same(_ a: EventLog, _ b: EventLog) throws {
        #expect(try exportLines(a) == exportLines(b))
        #expect(try a.treeHead() == b.treeHead())
        #expect(try a.verify() == b.verify())
    }

    @Test func aLargeBatchWritesWhatSmallBatchesWrite() throws {
        #expect(EncodedAhead.minimumBatch <= 300 && EncodedAhead.minimumBatch > 50)
        let dir = try TemporaryDirectory()
        let large = try log(in: dir, "large"), small = try log(in: dir, "small")
        // Streams already holding events (versions to continue), then a batch spanning many chunks.
        let first = events(20, seed: 1), second = events(300, seed: 2)
        try large.append(first)
        try small.append(first)
        let positions = try large.append(second)
        #expect(try append(second, to: small, inBatchesOf: 50) == positions)
        #expect(positions.map(\.sequence) == Array(21...320))
        try same(large, small)
    }

    /// An event already in the log is not written again, so every later event of the batch lands one
    /// place before its predicted stamp: those are encoded in the loop, and the log is still the one
    /// small batches write.
    @Test func anEventAlreadyInTheLogShiftsTheRestOfTheBatch() throws {
        let dir = try TemporaryDirectory()
        let large = try log(in: dir, "large"), small = try log(in: dir, "small")
        let first = events(100, seed: 1)
        try large.append(first)
        try append(first, to: small, inBatchesOf: 50)
        var second = events(200, seed: 2)
        second.insert(first[37], at: 60)
        let positions = try large.append(second)
        #expect(positions[60].alreadyPresent && positions[60].sequence == 38)
        #expect(positions[61].sequence == 161 && positions.last?.sequence == 300)
        #expect(try append(second, to: small, inBatchesOf: 40) == positions)
        try same(large, small)
    }

    /// A large batch reads what the `ids` index holds of its ids on the other thread: an event in the
    /// index, one still waiting to be indexed and one repeated within the batch are each found, not
    /// written again, and the log is the one small batches write; an indexed id with other content is
    /// refused at its place, and nothing of that batch is written.
    @Test func eventsAlreadyIndexedWaitingOrRepeatedInALargeBatch() throws {
        let dir = try TemporaryDirectory()
        func indexedLog(_ name: String) throws -> EventLog {
            try openLog(dir.path + "/" + name, limit: 8, clock: { Timestamp(microsecondsSinceEpoch: 1_769_472_000_000_000) })
        }
        let large = try indexedLog("large"), small = try indexedLog("small")
        let first = events(100, seed: 1)
        try append(first, to: large, inBatchesOf: 10)
        try append(first, to: small, inBatchesOf: 10)
        let indexedIDs = try StoredIDs.entries(large)
        #expect(indexedIDs.count > 0 && indexedIDs.count < 100)   // some ids indexed, some waiting
        let indexed = try #require(first.first { indexedIDs[$0.id] != nil })
        let waiting = try #require(first.last { indexedIDs[$0.id] == nil })
        var second = events(200, seed: 2)
        second.insert(indexed, at: 40)
        second.insert(waiting, at: 90)
        second.insert(second[120], at: 150)
        let positions = try large.append(second)
        #expect(positions[40].alreadyPresent && positions[40].id == indexed.id && positions[40].sequence <= 100)
        #expect(positions[90].alreadyPresent && positions[90].id == waiting.id && positions[90].sequence <= 100)
        #expect(positions[150].alreadyPresent && positions[150].sequence == positions[120].sequence)
        #expect(positions.filter(\.alreadyPresent).count == 3 && positions.last?.sequence == 300)
        #expect(try append(second, to: small, inBatchesOf: 30) == positions)
        try same(large, small)

        var reused = events(100, seed: 3)
        reused.insert(event("indicator/I-0", id: indexed.id, value: -1), at: 70)
        #expect {
            try large.append(reused)
        } throws: { error in
            guard let error = error as? AppendError, error.index == 70,
                  case EventLogError.idReusedWithOtherContent? = error.underlying as? EventLogError else { return false }
            return true
        }
        #expect(try large.statistics().events == 300)
        try same(large, small)
    }

    /// Restored events carry their stamps: a large batch of them rebuilds the log byte for byte.
    @Test func aLargeBatchOfRestoredEventsRebuildsTheLog() throws {
        let dir = try TemporaryDirectory()
        let source = try log(in: dir, "source")
        try source.append(events(250, seed: 3))
        let restored = try restoring(source)
        let copy = try log(in: dir, "copy")
        try copy.append(restored)
        try same(source, copy)
    }

    /// An event already in the log before restored events: their stamps are their own, so they still
    /// match the predicted ones after it, and the log must be the source's, byte for byte.
    @Test func restoredEventsAfterAnEventAlreadyInTheLog() throws {
        let dir = try TemporaryDirectory()
        let source = try log(in: dir, "source")
        try source.append(events(200, seed: 10))
        let restored = try restoring(source)
        let copy = try log(in: dir, "copy")
        try append(Array(restored.prefix(100)), to: copy, inBatchesOf: 50)
        let again = try source.read(from: 37, limit: 1)[0].proposal
        let positions = try copy.append([again] + Array(restored.dropFirst(100)))
        #expect(positions[0].alreadyPresent && positions[0].sequence == 37)
        #expect(positions[1].sequence == 101 && positions.last?.sequence == 200)
        try same(source, copy)
        // Some restored events, then one already present, then more.
        let third = try log(in: dir, "third")
        try append(Array(restored.prefix(100)), to: third, inBatchesOf: 50)
        try third.append(Array(restored[100..<130]) + [again] + Array(restored.dropFirst(130)))
        try same(source, third)
    }

    /// A rule failing deep in a large batch writes nothing of it, and the next batch is written as if
    /// it had never been tried.
    @Test func aRuleFailingInALargeBatchWritesNothing() throws {
        struct FailsAt: AppendRules {
            struct Failed: Error {}
            let value: Int64
            func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws {
                if case .integer(value)? = event.payload["value"] { throw Failed() }
            }
        }
        let dir = try TemporaryDirectory()
        let large = try log(in: dir, "large"), small = try log(in: dir, "small")
        let batch = events(300, seed: 4)
        #expect { try large.append(batch, rules: FailsAt(value: 40_150)) } throws: { ($0 as? AppendError)?.index == 150 }
        #expect(try large.head().sequence == 0)
        try large.append(batch)
        try append(batch, to: small, inBatchesOf: 60)
        try same(large, small)
    }
}

/// Rules prepared ahead: each check of a large batch gets what ``AppendRules/prepare(_:)`` made of its
/// own event, even after an event already in the log shifted the stamps; a small batch's get nothing.
@Suite struct PreparedRulesTests {
    /// Prepares an event as its id, and notes what each check was handed.
    final class Recording: AppendRules, @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [(event: UUID, prepared: UUID?)] = []
        var handed: [(event: UUID, prepared: UUID?)] {
            lock.lock()
            defer { lock.unlock() }
            return seen
        }
        /// What is prepared: an object, as ``AppendRules/prepare(_:)`` hands out.
        final class Prepared: Sendable {
            let id: UUID
            init(_ id: UUID) { self.id = id }
        }
        func prepare(_ event: ProposedEvent) -> (any AnyObject & Sendable)? { Prepared(event.id) }
        func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws {
            try check(event, prepared: nil, against: ledger)
        }
        func check(_ event: ProposedEvent, prepared: (any AnyObject & Sendable)?, against ledger: borrowing LedgerSnapshot) throws {
            lock.lock()
            seen.append((event.id, (prepared as? Prepared)?.id))
            lock.unlock()
        }
    }

    @Test func eachCheckGetsItsOwnEventPrepared() throws {
        let dir = try TemporaryDirectory()
        let log = try EncodedAheadTests().log(in: dir, "log")
        let first = EncodedAheadTests().events(10, seed: 8)
        let small = Recording()
        try log.append(first, rules: small)
        #expect(small.handed.map(\.event) == first.map(\.id))
        #expect(small.handed.allSatisfy { $0.prepared == nil })
        var batch = EncodedAheadTests().events(150, seed: 9)
        batch.insert(first[3], at: 20)
        let large = Recording()
        try log.append(batch, rules: large)
        // The event already in the log is not checked; every other one is, with its own id.
        let checked = batch.filter { $0.id != first[3].id }.map(\.id)
        #expect(large.handed.map(\.event) == checked)
        #expect(large.handed.map(\.prepared) == checked)
    }
}

/// Envelopes are checked on the encoding thread too: a batch large enough to be encoded ahead refuses an
/// event with a bad envelope at its place, with the error the same event gets appended alone, and writes
/// nothing.
@Suite struct EncodedAheadEnvelopeTests {
    @Test func aBadEnvelopeInALargeBatchIsRefusedAtItsPlace() throws {
        let dir = try TemporaryDirectory()
        let log = try EncodedAheadTests().log(in: dir, "log")
        try log.append(EncodedAheadTests().events(5, seed: 3))
        let spoils: [(String, (inout ProposedEvent) -> Void)] = [
            ("actor", { $0.actor = " \t" }),
            ("rationale", { $0.rationale = "" }),
            ("source", { $0.source = "\u{2003}" }),
            ("type", { $0.type = "9Lives" }),
            ("schema", { $0.schema = 0 }),
            ("payload", { $0.payload = .array([]) }),
        ]
        for (n, (field, spoil)) in spoils.enumerated() {
            var batch = EncodedAheadTests().events(200, seed: 20 + n)
            let place = 37 + 29 * n   // in a different chunk each time
            spoil(&batch[place])
            var alone: FieldError?
            do { try batch[place].validateEnvelope() } catch { alone = error }
            #expect(alone?.field == field)
            do {
                try log.append(batch)
                Issue.record("a batch with a bad \(field) was appended")
            } catch let error as AppendError {
                #expect(error.index == place, "\(field)")
                #expect((error.underlying as? FieldError) == alone, "\(field)")
            }
            #expect(try log.head().sequence == 5)
        }
    }
}

/// The parts: stamps predicted as the loop computes them, and encodings handed out only for the stamp
/// they were made with.
@Suite struct EncodedAheadPartsTests {
    @Test func predictedStampsAreTheStampsTheEventsGet() throws {
        let dir = try TemporaryDirectory()
        let log = try EncodedAheadTests().log(in: dir, "log")
        try log.append(EncodedAheadTests().events(30, seed: 5))
        let batch = EncodedAheadTests().events(200, seed: 6)
        let now = Timestamp(microsecondsSinceEpoch: 1_769_472_000_000_000)
        let predicted = try EncodedAhead.stamps(of: batch, after: log.head(), now: now) { try log.version(of: $0) }
        let positions = try log.append(batch)
        #expect(predicted == positions.map { EncodedAhead.Stamp(sequence: $0.sequence, recorded: $0.recorded, version: $0.version) })
        // A clock ahead of the log: the first event takes its time, the next ones a microsecond apart.
        let later = Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch + 5_000_000)
        let next = try EncodedAhead.stamps(of: Array(batch.prefix(2)), after: log.head(), now: later) { try log.version(of: $0) }
        #expect(next.map(\.recorded) == [later, Timestamp(microsecondsSinceEpoch: later.microsecondsSinceEpoch + 1)])
    }

    /// Stamps are predicted chunk by chunk while the other thread encodes: a version that cannot be read
    /// ends the prediction, and the chunks from that event on are handed out unencoded (the loop encodes
    /// them); those before it are encoded with their stamps. Finished before any prediction, nothing waits.
    @Test func aPredictionCutShortLeavesTheRestToTheLoop() throws {
        struct Unreadable: Error {}
        let batch = EncodedAheadTests().events(100, seed: 11).enumerated().map { i, e in
            var e = e
            e.stream = (try? StreamName(validating: "indicator/P-\(i)")) ?? e.stream   // a stream an event: a version read each
            return e
        }
        let head = LogHead(sequence: 40, recorded: Timestamp(microsecondsSinceEpoch: 5_000))
        let now = Timestamp(microsecondsSinceEpoch: 9_000)
        let expected = EncodedAhead.stamps(of: batch, after: head, now: now) { _ in 3 }
        let ahead = EncodedAhead(batch)
        defer { ahead.finish() }
        var reads = 0
        ahead.predictStamps(after: head, now: now) { _ in
            reads += 1
            if reads > 70 { throw Unreadable() }   // event 70 (the third chunk's seventh) cannot be stamped
            return 3
        }
        for i in [0, 31, 63] {
            let bytes = EventCodec.encode(batch[i], sequence: expected[i].sequence, recorded: expected[i].recorded, version: expected[i].version)
            #expect(ahead.withEncoded(at: i, stamp: expected[i]) { bytes, _ in Array(bytes) } == bytes, "\(i)")
        }
        for i in [64, 69, 70, 99] {
            #expect(ahead.withEncoded(at: i, stamp: expected[i]) { _, _ in () } == nil, "\(i)")
            #expect(ahead.prepared(at: i) == nil && !ahead.envelopeValid(at: i), "\(i)")
        }
        let unstamped = EncodedAhead(batch)
        unstamped.finish()
        #expect(unstamped.withEncoded(at: 0, stamp: expected[0]) { _, _ in () } == nil)
    }

    @Test func anEncodingIsHandedOutOnlyForItsOwnStamp() throws {
        let batch = EncodedAheadTests().events(100, seed: 7)
        let stamps = (0..<100).map { EncodedAhead.Stamp(sequence: UInt64(1 + $0), recorded: Timestamp(microsecondsSinceEpoch: 1_000 + Int64($0)), version: 1) }
        let ahead = EncodedAhead(batch, stamps: stamps)
        defer { ahead.finish() }
        for i in [0, 31, 32, 99] {
            let bytes = EventCodec.encode(batch[i], sequence: stamps[i].sequence, recorded: stamps[i].recorded, version: 1)
            let encoded = try #require(ahead.withEncoded(at: i, stamp: stamps[i]) { (bytes: Array($0), leafHash: Array($1)) })
            #expect(encoded.bytes == bytes && encoded.leafHash == LeafHash.of(bytes))
            var other = stamps[i]
            other.version = 2
            #expect(ahead.withEncoded(at: i, stamp: other) { _, _ in () } == nil)
        }
        #expect(ahead.withEncoded(at: 100, stamp: stamps[99]) { _, _ in () } == nil)
    }
}
