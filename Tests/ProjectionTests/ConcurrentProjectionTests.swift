@testable import AuditTrail
import CurrentState
import EventLog
import Foundation
import LMDB
import Programme
import Projection
import TestSupport
import Testing

/// A ``ConcurrentProjection`` in a ``ProjectionSet`` computes each batch on another thread while the
/// other members apply it: the store must end as if each had applied it alone, and a failure anywhere
/// must leave the commit holding nothing.
@Suite struct ConcurrentProjectionTests {
    /// The threads a projection's steps ran on, as `pthread_self()` values, and the events it wrote.
    final class Threads: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [(step: String, thread: UInt)] = []
        private var events: [UInt64] = []
        private var steps: [String] = []
        private var afters: [UInt64?] = []
        /// The applying thread's steps, each with its batch's first sequence number.
        var order: [String] {
            lock.lock()
            defer { lock.unlock() }
            return steps
        }
        /// For each batch computed, in order, the first sequence number of the batch computed before it.
        var computedAfter: [UInt64?] {
            lock.lock()
            defer { lock.unlock() }
            return afters
        }
        func step(_ step: String, _ first: UInt64?) {
            lock.lock()
            steps.append("\(step) \(first ?? 0)")
            lock.unlock()
        }
        func computed(after first: UInt64?) {
            lock.lock()
            afters.append(first)
            lock.unlock()
        }
        func wrote(_ sequences: [UInt64]) {
            lock.lock()
            events += sequences
            lock.unlock()
        }
        var written: [UInt64] {
            lock.lock()
            defer { lock.unlock() }
            return events
        }
        func record(_ step: String) {
            lock.lock()
            seen.append((step, UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))))
            lock.unlock()
        }
        func steps(_ step: String) -> [UInt] {
            lock.lock()
            defer { lock.unlock() }
            return seen.filter { $0.step == step }.map(\.thread)
        }
    }

    /// Notes its events as written (the store holds only its checkpoint): prepares here, computes
    /// where the set puts it, and fails computing the batch holding event `failAt`.
    struct Counting: ConcurrentProjection {
        let name = "counting"
        let databases: [String] = []
        var failAt: UInt64 = .max
        let threads: Threads

        func prepare(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws -> [UInt64] {
            threads.record("prepare")
            threads.step("prepare", events.first?.sequence)
            return events.map(\.sequence)
        }

        func compute(_ events: [DecodedEvent], _ prepared: [UInt64], from log: EventLog) throws -> [UInt64] {
            threads.record("compute")
            if prepared.contains(where: { $0 >= failAt }) { throw FieldError(field: "counting", "fails at \(failAt)") }
            return prepared
        }

        func compute(_ events: [DecodedEvent], _ prepared: [UInt64], after previous: [UInt64]?, from log: EventLog) throws -> [UInt64] {
            threads.computed(after: previous?.first)
            return try compute(events, prepared, from: log)
        }

        func write(_ computed: [UInt64], store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
            threads.record("write")
            threads.step("write", computed.first)
            threads.wrote(computed)
        }
    }

    func ledger(in dir: TemporaryDirectory, extra: Int = 200) throws -> Ledger {
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.append(IncrementalEqualsRebuildTests.base())
        var model = IncrementalEqualsRebuildTests.Model()
        try ledger.append((0..<extra).map { IncrementalEqualsRebuildTests.event($0 * 7_919 % 100_000, &model) })
        return ledger
    }

    func rows(_ name: String, in store: ProjectionStore) throws -> [[UInt8]] {
        let db = try store.database(name)
        return try store.environment.read { txn in
            try txn.withCursor(db) { c in
                var rows: [[UInt8]] = []
                var e = try c.first()
                while let entry = e { rows.append(Array(entry.key) + [0xFF] + Array(entry.value)); e = try c.next() }
                return rows
            }
        }
    }

    /// Beside a member applied on the catching-up thread, the audit trail is computed on another; alone,
    /// on that thread. Both stores hold the same rows and stream states, and the same current state.
    @Test func theAuditTrailComputedBesideTheCurrentStateEqualsItAppliedAlone() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir)
        let together = try ProjectionStore(path: dir.path + "/together")
        try ProjectionSet([CurrentStateProjection(), AuditTrailProjection()]).catchUp(log: ledger.log, store: together, batchSize: 9, eventsPerCommit: 40)
        let alone = try ProjectionStore(path: dir.path + "/alone")
        try AuditTrailProjection().catchUp(log: ledger.log, store: alone, batchSize: 9, eventsPerCommit: 40)
        try CurrentStateProjection().catchUp(log: ledger.log, store: alone, batchSize: 9, eventsPerCommit: 40)
        for name in ["audit", "audit-states", "state-snapshots", "state-events", "state-entities"] {
            let rows = try rows(name, in: together)
            #expect(!rows.isEmpty, "\(name) holds rows")
            #expect(rows == (try self.rows(name, in: alone)), "\(name)")
        }
        let head = try ledger.log.head().sequence
        #expect(try AuditTrailProjection.entries(store: together, log: ledger.log, entity: nil).map(\.sequence) == Array(1...head))
    }

    /// In one write transaction, a batch is prepared before the batch before is computed or written:
    /// its prepare reads back only the states of streams no batch of the transaction touched before,
    /// and its compute takes the others as the batch before left them, decoded; only the transaction's
    /// last batch stores the states. Computing from what was carried gives, byte for byte, what
    /// computing from the store gives, and the states stored at the end are those.
    @Test func aBatchStartsFromTheStatesTheBatchBeforeLeft() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir, extra: 60)
        let store = try ProjectionStore(path: dir.path + "/store")
        let events = try ledger.log.read(limit: Int.max).map { DecodedEvent($0) }
        let third = events.count / 3
        // A first batch of a few events: the second touches streams it does not, stored before.
        let zero = Array(events[..<third]), first = Array(events[third..<(third + 4)]), second = Array(events[(third + 4)...])
        func streams(_ events: [DecodedEvent]) -> Set<StreamName> { Set(events.map(\.stream)) }
        let audit = AuditTrailProjection()
        let statesDB = try store.database("audit-states")
        // A commit before: the store holds the states of the streams of `zero`.
        try store.environment.write { txn in try audit.apply(zero, from: ledger.log, store: store, in: txn) }
        let storedBefore = try rows("audit-states", in: store)
        #expect(storedBefore.count == streams(zero).count)
        try store.environment.write { txn in
            let preparedFirst = try audit.prepare(first, after: nil, ending: false, from: ledger.log, store: store, in: txn)
            let preparedSecond = try audit.prepare(second, after: preparedFirst, ending: true, from: ledger.log, store: store, in: txn)
            #expect(Set(preparedFirst.states.dictionary.keys) == streams(first).intersection(streams(zero)), "a stored state is read")
            #expect(Set(preparedSecond.touched.dictionary.keys) == streams(first).union(streams(second)))
            #expect(!streams(second).subtracting(streams(first)).intersection(streams(zero)).isEmpty, "the second batch has stored streams of its own")
            #expect(Set(preparedSecond.states.dictionary.keys) == streams(second).subtracting(streams(first)).intersection(streams(zero)),
                    "only streams new to the transaction are read")
            let computedFirst = try audit.compute(first, preparedFirst, after: nil, from: ledger.log)
            try audit.write(computedFirst, store: store, in: txn)
            #expect(computedFirst.encoded.isEmpty && !computedFirst.statesWritten)
            let statesNow = try txn.withCursor(statesDB) { c in
                var n = 0
                var e = try c.first()
                while e != nil { n += 1; e = try c.next() }
                return n
            }
            #expect(statesNow == storedBefore.count, "a batch that does not end the transaction stores no state")
            let a = try audit.compute(second, preparedSecond, after: computedFirst, from: ledger.log)
            #expect(throws: FieldError.self, "without the first batch's states, the second's rows cannot be computed") {
                try audit.compute(second, preparedSecond, from: ledger.log)
            }
            // The same second batch computed from a store holding the first batch's states.
            try audit.finish(computedFirst, store: store, in: txn)
            let readBack = try audit.prepare(second, from: ledger.log, store: store, in: txn)
            #expect(Set(readBack.states.dictionary.keys) == streams(second).intersection(streams(zero).union(streams(first))))
            let b = try audit.compute(second, readBack, from: ledger.log)
            #expect(!a.rows.isEmpty && a.rows.map(\.end) == b.rows.map(\.end) && a.rowBytes == b.rowBytes)
            #expect(a.statesWritten && b.statesWritten)
            #expect(Set(a.encoded.dictionary.keys) == streams(first).union(streams(second)), "the last batch stores every state the transaction touched")
            #expect(a.encoded.dictionary.filter { b.encoded[$0.key] != nil } == b.encoded.dictionary)
            try audit.write(a, store: store, in: txn)
            try audit.finish(a, store: store, in: txn)
        }
        // The store as a catch-up of one batch leaves it.
        let whole = try ProjectionStore(path: dir.path + "/whole")
        try whole.environment.write { txn in
            try audit.write(try audit.compute(events, try audit.prepare(events, from: ledger.log, store: whole, in: txn), from: ledger.log), store: whole, in: txn)
        }
        let stored = try rows("audit-states", in: store), rowsStored = try rows("audit", in: store)
        #expect(stored == (try rows("audit-states", in: whole)))
        #expect(rowsStored == (try rows("audit", in: whole)))
    }

    /// The steps on the catching-up thread, in one write transaction: each batch is prepared (and its
    /// computing started) before the batch before is written, and computed after it, from what it
    /// computed; the transaction's last batch is written before the commit.
    @Test func eachBatchIsWrittenAfterTheNextIsPrepared() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir, extra: 30)
        let head = try ledger.log.head().sequence
        let threads = Threads()
        let store = try ProjectionStore(path: dir.path + "/store")
        // Batches of 8, commits of 24: three batches a commit.
        try ProjectionSet([Counting(threads: threads), CurrentStateProjection()]).catchUp(log: ledger.log, store: store, batchSize: 8, eventsPerCommit: 24)
        var expected: [String] = [], after: [UInt64?] = []
        let firsts = Array(stride(from: UInt64(1), through: head, by: 8))
        for commit in stride(from: 0, to: firsts.count, by: 3) {
            let batches = Array(firsts[commit..<min(commit + 3, firsts.count)])
            for (i, b) in batches.enumerated() {
                expected.append("prepare \(b)")
                if i > 0 { expected.append("write \(batches[i - 1])") }
                after.append(i > 0 ? batches[i - 1] : nil)
            }
            expected.append("write \(batches[batches.count - 1])")
        }
        #expect(threads.order == expected)
        #expect(threads.computedAfter == after)
        #expect(threads.written == Array(1...head))
    }

    /// A transaction whose last batch was not prepared as its last (it ended early) stores the states
    /// its batches kept when it finishes: `finish` writes them, once.
    @Test func statesLeftForTheEndAreStoredByFinish() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir, extra: 30)
        let events = try ledger.log.read(limit: Int.max).map { DecodedEvent($0) }
        let audit = AuditTrailProjection()
        let store = try ProjectionStore(path: dir.path + "/store"), reference = try ProjectionStore(path: dir.path + "/reference")
        try store.environment.write { txn in
            let computed = try audit.compute(events, try audit.prepare(events, after: nil, ending: false, from: ledger.log, store: store, in: txn), from: ledger.log)
            try audit.write(computed, store: store, in: txn)
            try audit.finish(computed, store: store, in: txn)
        }
        try reference.environment.write { txn in
            try audit.write(try audit.compute(events, try audit.prepare(events, from: ledger.log, store: reference, in: txn), from: ledger.log), store: reference, in: txn)
        }
        let stored = try rows("audit-states", in: store), expected = try rows("audit-states", in: reference)
        #expect(!stored.isEmpty && stored == expected)
    }

    /// Where the work runs: beside a member applied here, every batch is computed on another thread and
    /// prepared and written here; alone, all three steps run here.
    @Test func computingRunsOnAnotherThreadOnlyBesideAMemberAppliedHere() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir, extra: 30)
        let head = try ledger.log.head().sequence
        let here = UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))

        let beside = Threads()
        let store = try ProjectionStore(path: dir.path + "/beside")
        try ProjectionSet([Counting(threads: beside), AuditTrailProjection()]).catchUp(log: ledger.log, store: store, batchSize: 8, eventsPerCommit: 16)
        let batches = Int((head + 7) / 8)
        #expect(beside.steps("prepare") == Array(repeating: here, count: batches))
        #expect(beside.steps("write") == Array(repeating: here, count: batches))
        #expect(beside.steps("compute").count == batches)
        #expect(!beside.steps("compute").contains(here))
        #expect(beside.written == Array(1...head))
        #expect(try store.checkpoint(of: "counting") == head)

        let alone = Threads()
        let second = try ProjectionStore(path: dir.path + "/alone")
        try Counting(threads: alone).catchUp(log: ledger.log, store: second, batchSize: 8, eventsPerCommit: 16)
        #expect(alone.steps("compute") == Array(repeating: here, count: batches))
        #expect(alone.written == Array(1...head))
    }

    /// A batch whose computing fails on the other thread stops the catch-up with that error after the
    /// commits before it; its commit keeps nothing, of any member.
    @Test func aBatchThatFailsOnTheOtherThreadLeavesItsCommitUnwritten() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ledger(in: dir, extra: 30)
        let store = try ProjectionStore(path: dir.path + "/store")
        let threads = Threads()
        let set = ProjectionSet([Counting(failAt: 21, threads: threads), CurrentStateProjection()])
        // Batches of 4 in commits of 8: events 1–16 are committed, the commit of 17–24 fails whole.
        #expect(throws: FieldError.self) { try set.catchUp(log: ledger.log, store: store, batchSize: 4, eventsPerCommit: 8) }
        #expect(try store.checkpoint(of: "counting") == 16)
        #expect(try store.checkpoint(of: "current-state") == 16)
        // Events 17–20, the batch before in the same commit, were written and undone with the commit;
        // the failing batch was never written.
        #expect(threads.written == Array(1...20))
        // The current state holds what applying events 1–16 alone gives.
        let sixteen = try ProjectionStore(path: dir.path + "/sixteen")
        try CurrentStateProjection().catchUp(log: ledger.log, store: sixteen, through: 16)
        for name in ["state-snapshots", "state-events", "state-entities"] {
            #expect(try rows(name, in: store) == (try rows(name, in: sixteen)), "\(name)")
        }
    }
}

extension NameTable where Name == StreamName {
    /// The same names and values in a `Dictionary`, to compare.
    var dictionary: [StreamName: Value] { Dictionary(uniqueKeysWithValues: map { ($0.name, $0.value) }) }
}
