import Foundation
import LMDB

/// Where an appended event stands in the log.
public struct AppendedPosition: Sendable, Equatable {
    public var id: UUID
    public var stream: StreamName
    public var sequence: UInt64
    public var version: UInt64
    public var recorded: Timestamp
    /// True when the event was already in the log with the same content: nothing was written for it.
    public var alreadyPresent: Bool
}

/// What a streamed append (``EventLog/append(streaming:rules:)``) did.
public struct AppendSummary: Sendable, Equatable {
    /// Events written.
    public var appended = 0
    /// Events already in the log with the same content: nothing was written for them.
    public var alreadyPresent = 0
    /// The first and the last sequence number written; nil when nothing was.
    public var firstSequence: UInt64?
    public var lastSequence: UInt64?

    public init() {}

    mutating func add(_ position: AppendedPosition) {
        if position.alreadyPresent {
            alreadyPresent += 1
        } else {
            appended += 1
            if firstSequence == nil { firstSequence = position.sequence }
            lastSequence = position.sequence
        }
    }
}

extension EventLog {
    /// Appends `batch` in one durable write transaction: every event or none.
    ///
    /// For each event in order: an id already in the log with identical content is a no-op that
    /// reports the original position, and with other content an error; otherwise the stream's version
    /// is checked against the event's expectation, `rules` are checked against the ledger as it stands
    /// (earlier events of the batch included), and the event is written with its hashes and indexes.
    /// A failure at any event throws ``AppendError`` naming it, and nothing of the batch is written.
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(_ batch: [ProposedEvent], rules: (any AppendRules)? = nil) throws -> [AppendedPosition] {
        let now = configuration.clock()
        let called = AppendPhases.start()
        defer { AppendPhases.add(.call, since: called) }
        // The number of the transaction that committed: a transaction retried after the map grew runs
        // the closure again, with a new number.
        var committed: UInt64 = 0
        let positions = try environment.write { txn in
            let began = AppendPhases.start()
            defer { AppendPhases.add(.transaction, since: began) }
            var appending = try beginAppending(expecting: batch.count, now: now, in: txn)
            var positions: [AppendedPosition] = []
            positions.reserveCapacity(batch.count)
            try append(batch, from: 0, rules: rules, into: &appending, in: txn) { positions.append($0) }
            try finishAppending(appending, in: txn)
            committed = appending.transaction
            return positions
        }
        recordCommitted(committed)
        return positions
    }

    /// Appends the events `source` gives, a run at a time until it gives nil, in one durable write
    /// transaction: every event or none, as ``append(_:rules:)`` appends a batch.
    ///
    /// Why: a batch held whole (a file of a million events, say) held its events, their encodings and
    /// the indexes' waiting entries all at once. Here only one run of events is held at a time, and the
    /// indexes are written in bulk within the transaction as they fall due, as between the commits of
    /// smaller batches; what the transaction has written waits in LMDB's dirty pages (which LMDB spills
    /// to the file when they exceed its limit) until the one commit.
    ///
    /// `makeSource` is called at the start of each attempt and must give the same events again: a
    /// transaction that finds the map full is aborted and run again from the start once the map has
    /// grown. An error thrown by the source aborts the transaction and is rethrown as it is; a refused
    /// event throws ``AppendError``, its index counted from the source's first event.
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(streaming makeSource: () throws -> () throws -> [ProposedEvent]?,
                       rules: (any AppendRules)? = nil) throws -> AppendSummary {
        try appendRuns({
            let next = try makeSource()
            return { try next().map { ($0, nil) } }
        }, rules: rules)
    }

    /// Appends the events of the lines `source` gives (read by ``JSONLines/Reader``), a run at a time
    /// until it gives nil, in one durable write transaction, as ``append(streaming:rules:)`` appends.
    ///
    /// Why: a restored line is read only if its bytes are already its event's canonical encoding, and
    /// the reader keeps them (``JSONLines/Line``): they are stored as they are, where encoding each
    /// event again was about 8 % of an import's instructions (callgrind, docs/BENCHMARKS.md Round 33).
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(lines makeSource: () throws -> () throws -> [JSONLines.Line]?,
                       rules: (any AppendRules)? = nil) throws -> AppendSummary {
        try appendRuns({
            let next = try makeSource()
            return { try next().map { lines in (lines.map(\.event), lines.map(\.canonical)) } }
        }, rules: rules)
    }

    /// ``append(streaming:rules:)`` of runs whose events may come with their canonical bytes (nil: to
    /// be encoded), which must be the canonical encoding of the event with its stamp.
    private func appendRuns(_ makeSource: () throws -> () throws -> (events: [ProposedEvent], canonical: [[UInt8]?]?)?,
                            rules: (any AppendRules)?) throws -> AppendSummary {
        let now = configuration.clock()
        var committed: UInt64 = 0
        let summary = try environment.write { txn in
            let next = try makeSource()
            // Room for as many streams as StreamVersions ever makes.
            var appending = try beginAppending(expecting: 4_096, now: now, in: txn)
            var summary = AppendSummary()
            var offset = 0
            while var run = try next() {
                try append(run.events, canonical: run.canonical, from: offset, rules: rules, into: &appending, in: txn) { summary.add($0) }
                offset += run.events.count
                // Written in bulk as they fall due, as between two commits: the waiting entries of a
                // long source are not all held. The `ids` index read ahead on another thread no longer
                // holds what this transaction wrote: from then on the ids are looked up in it here.
                if try indexIfDue(appending.tail, in: txn) { appending.idsReadAhead = false }
                // The run's events (their strings, their payloads' trees), made on another thread, are
                // freed on another thread too: here, they were about 7 % of an import's appending thread,
                // inside its transaction (callgrind, docs/BENCHMARKS.md Round 33).
                ReleasedElsewhere.release(&run, leaving: ([], nil))
            }
            try finishAppending(appending, in: txn)
            committed = appending.transaction
            return summary
        }
        recordCommitted(committed)
        return summary
    }

    /// What one appending transaction carries from one run of events to the next.
    private struct AppendingTransaction {
        let transaction: UInt64
        let lastCommitted: UInt64
        let now: Timestamp
        let versions: StreamVersions
        var frontier = TreeFrontier()
        var head: LogHead
        /// The head's sequence number when the transaction began: an appending transaction whose head
        /// has not moved wrote no event.
        let startSequence: UInt64
        let tail: LogTail
        /// Whether each run's ids may be looked up in the `ids` index on the encoding thread, in a read
        /// transaction of its own (``EncodedAhead/IndexedIDs``): only while this transaction has not
        /// written the index.
        var idsReadAhead = true
    }

    /// Starts an appending transaction: its number, and the head and waiting index entries this
    /// process's last append left when nothing has been committed since; else the head and the index
    /// state read, and the kept entries trusted only if they match them.
    private func beginAppending(expecting events: Int, now: Timestamp,
                                in txn: borrowing WriteTransaction) throws -> AppendingTransaction {
        let transaction = AppendTransactionNumbers.shared.next()
        let lastCommitted = lastCommittedTransaction
        let head: LogHead
        let tail: LogTail
        var versions: StreamVersions?
        if let kept = writerTail.takeUnchanged(lastCommitted: lastCommitted, environmentTransaction: txn.id) {
            (tail, head) = (kept.tail, kept.head)
            // Nothing has been committed since the transaction that left them: its versions are still
            // the log's (``StreamVersions``), unless it has come to hold too many streams.
            if kept.versions.count <= StreamVersions.keptLimit { versions = kept.versions }
        } else {
            head = try self.head(in: txn)
            // The head just read, not read again for the index state.
            let state = try indexState(in: txn, head: head.sequence)
            tail = try writerTail.take(state, lastCommitted: lastCommitted) ?? LogTail.read(from: self, state, in: txn)
        }
        return AppendingTransaction(transaction: transaction, lastCommitted: lastCommitted, now: now,
                                    versions: versions ?? StreamVersions(expecting: events), head: head, startSequence: head.sequence, tail: tail)
    }

    /// Writes the indexes due and keeps the head and waiting entries for this process's next append.
    ///
    /// The transaction's environment id is kept (for ``LogTail/Slot/takeUnchanged(lastCommitted:environmentTransaction:)``)
    /// only when it appended an event: LMDB commits a write transaction that changed nothing without
    /// using its id, so the next transaction of any process gets that id again, and the one after it
    /// the id after: one commit by another process in between would not show (Round 34 in
    /// docs/BENCHMARKS.md). A transaction that wrote only indexes is kept without it too (read again,
    /// as after another process's commit: correct, a little slower).
    private func finishAppending(_ appending: AppendingTransaction, in txn: borrowing WriteTransaction) throws {
        let indexing = AppendPhases.start()
        try indexIfDue(appending.tail, in: txn)
        AppendPhases.add(.bulkIndexWrites, since: indexing)
        let wroteEvents = appending.head.sequence != appending.startSequence
        writerTail.put(appending.tail, head: appending.head, versions: appending.versions, transaction: appending.transaction,
                       environmentTransaction: wroteEvents ? txn.id : nil)
    }

    /// Appends `run` in the transaction `appending` belongs to, giving each event's position to `each`
    /// in order; a refused event throws ``AppendError`` with its index in the run plus `offset`.
    /// `canonical`, one an event where given, holds the bytes of restored events to store as they are
    /// (see ``EncodedAhead``).
    private func append(_ run: [ProposedEvent], canonical: [[UInt8]?]? = nil, from offset: Int, rules: (any AppendRules)?,
                        into appending: inout AppendingTransaction, in txn: borrowing WriteTransaction,
                        each: (AppendedPosition) -> Void) throws {
        let (now, versions, tail) = (appending.now, appending.versions, appending.tail)
        // A large run is encoded on another thread while the rules are checked here, each chunk
        // once its stamps are predicted. A stamp that cannot be predicted (a version read failing)
        // leaves the encoding of the rest to the loop, which meets the same failure in its place.
        let ahead = run.count < EncodedAhead.minimumBatch
            ? nil : EncodedAhead(run, canonical: canonical, rules: rules, indexed: appending.idsReadAhead ? indexedIDs : nil)
        defer { ahead?.finish() }
        let predicting = AppendPhases.start()
        ahead?.predictStamps(after: appending.head, now: now) { stream in
            try versions.version(of: stream) { try self.version(of: stream, in: txn, tail: tail) }
        }
        AppendPhases.add(.predictStamps, since: predicting)
        let looping = AppendPhases.start()
        defer { AppendPhases.add(.loop, since: looping) }
        // The events and their hashes go through one cursor, which stays at the end of the log:
        // each put appends there without searching the tree from its root again.
        try txn.withWriteCursor(events) { log in
            for (index, event) in run.enumerated() {
                do {
                    if let position = try existingPosition(of: event, tail: tail, indexed: ahead?.indexedSequence(at: index), in: txn) {
                        each(position)
                        continue
                    }
                    each(try write(event, after: &appending.head, now: now, rules: rules, transaction: appending.transaction,
                                   lastCommitted: appending.lastCommitted, versions: versions, tail: tail, frontier: &appending.frontier,
                                   ahead: ahead.map { (batch: $0, index: index) }, appendingTo: log, in: txn))
                } catch let error as LMDBError {
                    // Storage errors belong to the transaction, not to one event; the environment
                    // retries a full map itself.
                    throw error
                } catch {
                    throw AppendError(index: offset + index, underlying: error as any Error & Sendable)
                }
            }
        }
    }

    /// Appends one event. See ``append(_:rules:)``.
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(_ event: ProposedEvent, rules: (any AppendRules)? = nil) throws -> AppendedPosition {
        do {
            guard let position = try append([event], rules: rules).first else { throw EventLogError.damaged(sequence: 0, reason: "empty append result") }
            return position
        } catch let error as AppendError {
            throw error.underlying
        }
    }

    /// The position of an identical event already in the log; an error when the id holds other content.
    /// `indexed`: what the `ids` index holds of the event's id, when read ahead (``EncodedAhead``).
    private func existingPosition(of event: ProposedEvent, tail: LogTail, indexed: UInt64??,
                                  in txn: borrowing WriteTransaction) throws -> AppendedPosition? {
        let sequence = try indexed.map { $0 ?? tail.sequence(of: event.id) } ?? self.sequence(ofEvent: event.id, in: txn, tail: tail)
        guard let sequence, let stored = try self.event(at: sequence, in: txn) else { return nil }
        let sameContent = EventCodec.encodeContent(stored.proposal) == EventCodec.encodeContent(event)
        let sameStamp = event.stamp.map { $0 == .init(sequence: stored.sequence, recorded: stored.recorded, version: stored.version) } ?? true
        guard sameContent, sameStamp else {
            throw EventLogError.idReusedWithOtherContent(id: event.id.canonicalString, sequence: stored.sequence)
        }
        return AppendedPosition(id: stored.id, stream: stored.stream, sequence: stored.sequence, version: stored.version,
                                recorded: stored.recorded, alreadyPresent: true)
    }

    private func write(
        _ event: ProposedEvent, after head: inout LogHead, now: Timestamp, rules: (any AppendRules)?,
        transaction: UInt64, lastCommitted: UInt64, versions: StreamVersions, tail: LogTail, frontier: inout TreeFrontier,
        ahead: (batch: EncodedAhead, index: Int)?, appendingTo log: borrowing WriteCursor, in txn: borrowing WriteTransaction
    ) throws -> AppendedPosition {
        if ahead.map({ $0.batch.envelopeValid(at: $0.index) }) != true { try event.validateEnvelope() }
        let current = try versions.version(of: event.stream) { try self.version(of: event.stream, in: txn, tail: tail) }
        guard event.expected.admits(current) else {
            throw EventLogError.conflict(stream: event.stream, expected: event.expected, actual: current)
        }
        let sequence = head.sequence + 1
        let version = current + 1
        let recorded: Timestamp
        if let stamp = event.stamp {
            guard stamp.sequence == sequence else {
                throw EventLogError.restoreOutOfOrder("field 'seq': a restored event must continue the log: expected seq \(sequence), got \(stamp.sequence)")
            }
            guard stamp.version == version else {
                throw EventLogError.restoreOutOfOrder("field 'version': stream '\(event.stream)' is at version \(current), so a restored event must have version \(version), not \(stamp.version)")
            }
            guard stamp.recorded > head.recorded else {
                throw EventLogError.restoreOutOfOrder("field 'recorded': \(stamp.recorded) is not after the last recorded time \(head.recorded)")
            }
            recorded = stamp.recorded
        } else {
            recorded = max(now, Timestamp(microsecondsSinceEpoch: head.recorded.microsecondsSinceEpoch + 1))
        }
        if let rules {
            let ledger = LedgerSnapshot(handle: txn.unsafeHandle, log: self, sequence: sequence, transaction: transaction,
                                        lastCommittedTransaction: lastCommitted, versions: versions, tail: tail)
            try rules.check(event, prepared: ahead.flatMap { $0.batch.prepared(at: $0.index) }, against: ledger)
        }
        // The event and its hashes, keys made on the stack.
        func store(_ bytes: UnsafeRawBufferPointer, leafHash: UnsafeRawBufferPointer) throws {
            guard bytes.count <= EventCodec.maximumEventSize else {
                throw EventLogError.eventTooLarge(bytes: bytes.count, limit: EventCodec.maximumEventSize)
            }
            let putting = AppendPhases.start()
            try Key.withSequence(sequence) { try log.put(bytes, forKey: $0, flags: .append) }
            let hashing = AppendPhases.start()
            AppendPhases.add(.eventPuts, since: putting)
            try storeHashes(of: sequence, leafHash: leafHash, frontier: &frontier, appendingTo: log, in: txn)
            AppendPhases.add(.hashes, since: hashing)
        }
        // Encoded ahead with this very stamp, or here.
        let stamp = ProposedEvent.Stamp(sequence: sequence, recorded: recorded, version: version)
        let storedAhead: Void? = try ahead.flatMap { a in try a.batch.withEncoded(at: a.index, stamp: stamp) { try store($0, leafHash: $1) } }
        if storedAhead == nil {
            let bytes = EventCodec.encode(event, sequence: sequence, recorded: recorded, version: version)
            try bytes.withUnsafeBytes { b in try InlineHash { LeafHash.write(b, into: $0) }.withUnsafeBytes { try store(b, leafHash: $0) } }
        }
        tail.add(event.id, stream: event.stream, version: version, type: event.type, effective: tail.name(of: event.effective), at: sequence)
        versions.set(version, of: event.stream)
        head = LogHead(sequence: sequence, recorded: recorded)
        return AppendedPosition(id: event.id, stream: event.stream, sequence: sequence, version: version,
                                recorded: recorded, alreadyPresent: false)
    }
}

extension EventLog {
    /// ``EncodedAhead/IndexedIDs`` of this log: the `ids` index read in a read transaction that does not
    /// wait.
    private var indexedIDs: EncodedAhead.IndexedIDs {
        { [self] batch in
            (try? environment.readWithoutWaiting { txn in try indexedSequences(ofEvents: batch, in: txn) }) ?? nil
        }
    }

    /// Writes the waiting entries of each bulk-written index's range whose watermark is lowest into the
    /// index, in key order, once that watermark is ``Configuration/bulkIndexLimit`` events behind the
    /// head, and moves it to the head. A second range (and so on) only while the lowest is twice the
    /// limit behind: after a batch larger than the limit, say; otherwise the ranges take turns, one a
    /// transaction.
    ///
    /// Returns whether it wrote the `ids` index.
    @discardableResult
    private func indexIfDue(_ tail: LogTail, in txn: borrowing WriteTransaction) throws -> Bool {
        let limit = UInt64(max(1, configuration.bulkIndexLimit))
        // Nearly every transaction has nothing due: say so before setting anything up.
        let lowest = min(tail.idWatermarks.lowest, tail.streams.watermarks.lowest, tail.types.watermarks.lowest, tail.effective.watermarks.lowest)
        guard tail.through - lowest >= limit else { return false }
        func due(_ watermarks: IndexWatermarks, afterOne moved: Bool) -> Int? {
            let range = watermarks.stalest
            let behind = tail.through - watermarks.through[range]
            return behind >= limit && (!moved || behind >= 2 * limit) ? range : nil
        }
        // The ids: each due range's waiting ids as a run of their own, then runs merged (IDRuns).
        let idsDue = due(tail.idWatermarks, afterOne: false) != nil
        if idsDue {
            guard var catalogue = try idRuns(in: txn) else {
                throw EventLogError.damaged(sequence: tail.through, reason: "the log has no ids-runs catalogue in meta")
            }
            var moved = false, written = 0
            while let range = due(tail.idWatermarks, afterOne: moved) {
                let entries = tail.removeIDRange(range)
                try writeRun(entries, level: 0, into: &catalogue, in: txn)
                written += entries.count
                moved = true
            }
            try mergeRuns(&catalogue, of: IDRunIndex(log: self), after: written, in: txn)
            try txn.put(catalogue.bytes, forKey: IDRuns.key, in: meta)
            try txn.put(tail.idWatermarks.bytes, forKey: Key.idsThrough, in: meta)
        }
        // The streams: the same, each due range's waiting entries as a run (StreamRuns).
        if due(tail.streams.watermarks, afterOne: false) != nil {
            guard var catalogue = try streamRuns(in: txn) else {
                throw EventLogError.damaged(sequence: tail.through, reason: "the log has no streams-runs catalogue in meta")
            }
            var moved = false, written = 0
            while let range = due(tail.streams.watermarks, afterOne: moved) {
                let names = tail.removeStreamRange(range)
                try writeStreamRun(names, level: 0, into: &catalogue, in: txn)
                written += names.reduce(0) { $0 + $1.entries.count }
                moved = true
            }
            try mergeRuns(&catalogue, of: StreamRunIndex(log: self), after: written, in: txn)
            try txn.put(catalogue.bytes, forKey: StreamRuns.key, in: meta)
            try txn.put(tail.streams.watermarks.bytes, forKey: Key.streamsThrough, in: meta)
        }
        // The types and dates: their watermarks, how to take a range's entries, where they go (each
        // name's sequence numbers together, ``SequenceChunk``).
        let indexes: [(watermarks: () -> IndexWatermarks, take: (Int) -> [(name: IndexName, entries: [UInt64])],
                       database: Database, name: String, watermarkKey: [UInt8])] = [
            ({ tail.types.watermarks }, tail.removeTypeRange, types, "types", Key.typesThrough),
            ({ tail.effective.watermarks }, tail.removeEffectiveRange, effective, "effective", Key.effectiveThrough),
        ]
        for index in indexes {
            var moved = false
            while let range = due(index.watermarks(), afterOne: moved) {
                try txn.withWriteCursor(index.database) { c in try SequenceChunk.write(index.take(range), index: index.name, through: c) }
                moved = true
            }
            if moved { try txn.put(index.watermarks().bytes, forKey: index.watermarkKey, in: meta) }
        }
        return idsDue
    }

    /// The number of this log's latest appending transaction known to have committed in this process;
    /// 0 before any.
    var lastCommittedTransaction: UInt64 {
        lastCommittedLock.lock()
        defer { lastCommittedLock.unlock() }
        return lastCommitted
    }

    /// Records that the appending transaction `transaction` committed. Numbers only grow, so a thread
    /// that records late never moves the number back.
    func recordCommitted(_ transaction: UInt64) {
        lastCommittedLock.lock()
        lastCommitted = max(lastCommitted, transaction)
        lastCommittedLock.unlock()
    }
}
