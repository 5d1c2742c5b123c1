import EventLog
import Foundation
import LMDB
import Programme

/// The projections' own LMDB environment, `projections/` beside the log: derived data only. Deleting
/// it loses nothing; `pledger replay` rebuilds it from the log. The log is never written by projections.
public final class ProjectionStore: @unchecked Sendable {
    public let environment: Environment
    let checkpoints: Database

    /// The databases of every projection, opened together at start.
    public static let databaseNames = ["checkpoints", "state-snapshots", "state-events", "state-entities", "audit", "audit-states"]

    /// How each database is opened: `state-snapshots` has 8-byte integer keys (entity number and day),
    /// compared as native integers (`MDB_INTEGERKEY`): the comparison a query makes most.
    static let databaseSpecs = databaseNames.map { Database.Spec($0, integerKeys: $0 == "state-snapshots") }

    /// The layout of the stored data. A store written in another layout is emptied when opened for
    /// writing, its databases deleted and made again with the flags of this layout (and rebuilt by the
    /// next catch-up); opened read-only, its checkpoints count as 0, so the queries fold the log instead
    /// of trusting it. (5: the audit trail's per-stream states are stored as ``EntitySnapshot``s, no
    /// longer as JSON; 6: current-state snapshots refer to their definition by number, each entity's
    /// definitions kept once in `state-entities`; 7: snapshot numbers as LEB128; 8: current-state
    /// snapshots keyed by the entity's number and the day as one integer, not by name and date; 9: an
    /// audit row holds what the trail derives (changes, decision, correction links), not the event's own
    /// fields, and the entity index is the log's; 10: `state-events` keyed by entity number, day and
    /// sequence number, 16 bytes, not by stream name and date as text; 11: the audit trail's stream
    /// states in `audit-states`, so that `audit` holds only its rows, appended in sequence order; 12:
    /// each `state-events` entry holds its event's effect, ``EntityEffect``, so that a back-dated event
    /// applies the later ones without reading them back from the log; 13: each current-state snapshot
    /// starts with the bounds of the sequence numbers of the events around its day, so that a state known
    /// at a past point starts from a snapshot; 14: each current-state snapshot keeps the effects of its
    /// day's events, with their sequence numbers, after its bounds, and `state-events` only marks the
    /// entities with a correction: no put an event for its effect; 15: the audit trail's rows stored 32
    /// events to a value, ``AuditRowBlock``: no put an event for its row.)
    public static let layout: UInt64 = 15
    static let layoutKey = Array("(layout)".utf8)
    /// Whether the store's layout is ``layout``.
    public private(set) var current = true

    /// Opens (creating it unless `readOnly`) the store at `path`, with a map of `mapSize` bytes to
    /// start with (the map grows when full).
    public init(path: String, readOnly: Bool = false, mapSize: Int = 1 << 30) throws {
        if !readOnly {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var options = Environment.Options()
        options.readOnly = readOnly
        options.mapSize = mapSize
        // A catch-up's commits flush their pages but not each meta page (``ProjectionSet/catchUp(log:store:batchSize:eventsPerCommit:through:progress:)``
        // syncs once after its last): a power loss may undo the last commit, whose events the next
        // catch-up applies again from the log.
        options.syncsMetaEachCommit = false
        let layout = withUnsafeBytes(of: Self.layout.bigEndian, Array.init)
        // The usual case, one open: the store is in this layout.
        if let env = try Self.openInLayout(layout, path: path, options: options) {
            environment = env
            checkpoints = try env.database("checkpoints")
            return
        }
        // Another layout, or a new store. Its databases are opened as they are (flags as made).
        let plain = Self.databaseNames.map { Database.Spec.asStored($0) }
        if readOnly {
            // An older layout may lack databases this one added: what it has is opened.
            let present = plain.map { spec in var spec = spec; spec.optional = true; return spec }
            environment = try Environment(path: path, options: options, databases: present)
            checkpoints = try environment.database("checkpoints")
            current = false
            return
        }
        // Deleted, so that opening again makes them with this layout's flags; the environment is closed
        // (the scope ends) before it is opened again, as LMDB asks.
        do {
            let old = try Environment(path: path, options: options, databases: plain)
            try old.write { txn in for name in Self.databaseNames { try txn.deleteDatabase(try old.database(name)) } }
        }
        environment = try Environment(path: path, options: options, databases: Self.databaseSpecs)
        checkpoints = try environment.database("checkpoints")
        try environment.write { txn in try txn.put(layout, forKey: Self.layoutKey, in: checkpoints) }
    }

    /// The environment at `path` with this layout's databases, when its stored layout is `layout`;
    /// `nil` for a new store or one of another layout (a database made with other flags is one).
    private static func openInLayout(_ layout: [UInt8], path: String, options: Environment.Options) throws -> Environment? {
        do {
            let env = try Environment(path: path, options: options, databases: databaseSpecs)
            let stored = try env.read { txn in try txn.value(in: try env.database("checkpoints"), forKey: layoutKey) }
            return stored == layout ? env : nil
        } catch LMDBError.Code.incompatible {
            return nil
        } catch LMDBError.Code.notFound where options.readOnly {
            return nil   // a database this layout has is missing: an older layout, read-only
        }
    }

    public func database(_ name: String) throws -> Database { try environment.database(name) }

    /// The last sequence number projection `name` has applied.
    public func checkpoint(of name: String) throws -> UInt64 {
        try environment.read { txn in try checkpoint(of: name, in: txn) }
    }

    /// The last sequence number projection `name` has applied, as of `txn`: a reader of the store
    /// checks it in the transaction it reads in, so what it reads is what that checkpoint covers.
    public func checkpoint(of name: String, in txn: borrowing some ReadableTransaction & ~Copyable) throws -> UInt64 {
        guard current, let v = try txn.value(in: checkpoints, forKey: Array(name.utf8)), v.count == 8 else { return 0 }
        return v.reduce(0) { $0 << 8 | UInt64($1) }
    }

    func setCheckpoint(_ seq: UInt64, of name: String, in txn: borrowing WriteTransaction) throws {
        try txn.put(withUnsafeBytes(of: seq.bigEndian, Array.init), forKey: Array(name.utf8), in: checkpoints)
    }

    /// Every key and value of a database, in key order: for comparing stores.
    public func entries(of name: String) throws -> [([UInt8], [UInt8])] {
        let db = try database(name)
        return try environment.read { txn in
            try txn.withCursor(db) { c in
                var rows: [([UInt8], [UInt8])] = []
                var e = try c.first()
                while let entry = e { rows.append((Array(entry.key), Array(entry.value))); e = try c.next() }
                return rows
            }
        }
    }
}

/// A projection: folds events, in sequence order, into state kept in the ``ProjectionStore``.
///
/// `apply` is called with each batch of new events inside one write transaction of the store, which
/// also moves the projection's checkpoint, so a crash leaves either the old state and checkpoint or the
/// new ones. Catching up from the checkpoint and rebuilding from event 1 must give the same state.
public protocol Projection: Sendable {
    /// A stable name, used by `pledger replay NAME` and as the checkpoint key.
    var name: String { get }
    /// The store databases this projection owns.
    var databases: [String] { get }
    /// Applies `events`, the next events after the projection's checkpoint in sequence order, each with
    /// its payload decoded once for every projection (``DecodedEvent``).
    func apply(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws
}

extension Projection {
    /// Applies every event after the checkpoint, in batches and commits: the catch-up of a set of one,
    /// ``ProjectionSet/catchUp(log:store:batchSize:eventsPerCommit:through:progress:)``.
    @available(*, noasync, message: "catching up writes the store")
    public func catchUp(log: EventLog, store: ProjectionStore, batchSize: Int = ProjectionSet.defaultBatchSize,
                        eventsPerCommit: Int = ProjectionSet.defaultEventsPerCommit,
                        through limit: UInt64? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        try ProjectionSet([self]).catchUp(log: log, store: store, batchSize: batchSize, eventsPerCommit: eventsPerCommit,
                                          through: limit, progress: progress)
    }

    /// Forgets the projection's state and applies the whole log again from event 1.
    @available(*, noasync, message: "rebuilding writes the store")
    public func rebuild(log: EventLog, store: ProjectionStore, progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        try ProjectionSet([self]).rebuild(log: log, store: store, progress: progress)
    }
}

/// Several projections caught up together: each batch of events is read and decoded once and applied to
/// every projection behind it, in one write transaction that also moves their checkpoints.
public struct ProjectionSet: Sendable {
    public let members: [any Projection]

    /// Events read and applied at a time: one batch is applied while the next is read ahead (and up to
    /// ``eventsReadBeforeCommit`` are read before a commit). 8,000 since Round 37: a batch's fixed costs
    /// (grouping its events by stream, reading each stream's entry and latest snapshot, the audit trail's
    /// states of the streams it touches) are paid half as often, and with the reads before a commit
    /// counted in events the peak memory stayed as it was (docs/PROJECTIONS.md gives the figures).
    public static let defaultBatchSize = 8_000
    /// Events applied in each commit of the store, at least: a commit's dirty pages are held
    /// until it commits. docs/PROJECTIONS.md ("Checkpoints and rebuilds") gives the figures behind both.
    public static let defaultEventsPerCommit = 16_000
    /// Batches read ahead while one is applied: the next.
    static let batchesReadAhead = 1
    /// Events read ahead before a commit, whose wait for the disk leaves the other threads idle, in
    /// whole batches (at least one): read then, they are not read while the commit's first batches are
    /// applied, beside the audit trail's computing. Three batches of the default size (six of 4,000, Round 36):
    /// docs/PROJECTIONS.md ("Checkpoints and rebuilds") gives the figures. Counted in events, not
    /// batches, so that the memory they hold does not grow with a larger batch size.
    static let eventsReadBeforeCommit = 24_000

    /// The projections, each once (a name given twice would apply every event twice).
    public init(_ members: [any Projection]) {
        var seen: Set<String> = []
        self.members = members.filter { seen.insert($0.name).inserted }
    }

    /// Applies every event after each member's checkpoint, read and applied in batches of `batchSize`
    /// events, committed after at least `eventsPerCommit` events and at the head (sizes below 1 count
    /// as 1); `progress` sees (done, total) after each commit.
    ///
    /// Each commit is one write transaction of the store moving every member's checkpoint with its
    /// state: a failure leaves the store as the commit before left it. The last commit is made durable
    /// before this returns; one before it may be undone by a power loss (its meta page not yet flushed,
    /// ``LMDB/Environment/Options/syncsMetaEachCommit``), and its events are then applied again. Commits span several batches
    /// because at 1,000,000 events a commit of 2,000 rewrote about 1,330 pages of the store and waited
    /// for their sync; a batch stays small because several are held in memory, decoded (the one applied,
    /// the one before it while a concurrent member computes it, and those read ahead), while a commit's
    /// dirty pages grow more slowly. docs/PROJECTIONS.md gives the figures behind the defaults.
    @available(*, noasync, message: "catching up writes the store")
    public func catchUp(log: EventLog, store: ProjectionStore, batchSize: Int = defaultBatchSize, eventsPerCommit: Int = defaultEventsPerCommit,
                        through limit: UInt64? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        let head = min(try log.head().sequence, limit ?? .max)
        var checkpoints = try members.map { try store.checkpoint(of: $0.name) }
        guard var from = checkpoints.min() else { return }
        let start = from
        let perCommit = max(1, eventsPerCommit)
        let read = BatchesAhead.decoding(log)
        let beforeCommit = max(Self.batchesReadAhead, Self.eventsReadBeforeCommit / max(1, batchSize))
        // Reading and decoding a batch was over a quarter of a replay's instructions: the next batches are
        // read on other threads while this one is applied (the store's write transaction stays here).
        var ahead = BatchesAhead(after: from, head: head, size: batchSize, depth: Self.batchesReadAhead, read: read)
        defer { ahead.discard() }
        var done = AppliedBatch()
        while from < head {
            let committed = from
            var reached = from
            var applied = checkpoints
            var attempts = 0
            let writing = ReplayPhases.start()
            defer { ReplayPhases.add(.transactions, since: writing) }
            try store.environment.write { txn in
                let began = ReplayPhases.start()
                defer { ReplayPhases.add(.bodies, since: began) }
                // A full map runs this again from the start: reading starts again after the commit before.
                attempts += 1
                if attempts > 1 {
                    ahead.discard()
                    ahead = BatchesAhead(after: committed, head: head, size: batchSize, depth: Self.batchesReadAhead, read: read)
                    reached = committed
                    applied = checkpoints
                }
                var count = 0
                // Each concurrent member's batch in flight: prepared, computing on another thread, and
                // written here once the next batch is applied (or the transaction ends), so that the
                // computing of a batch overlaps the applying of the next; in this transaction only (a
                // retried commit starts again without them).
                var inFlight = [PendingWrite?](repeating: nil, count: members.count)
                defer { for write in inFlight { write?.discard() } }
                // Writes member `i`'s batch in flight, if any (with what it kept for the end when
                // `finishing`), to be freed with the batch applied, on the reading thread.
                func land(_ i: Int, finishing: Bool, in txn: borrowing WriteTransaction) throws {
                    guard let write = inFlight[i] else { return }
                    inFlight[i] = nil
                    let landing = ReplayPhases.start()
                    defer { ReplayPhases.add(.landed, since: landing) }
                    let computed = try write.write(in: txn)
                    if finishing { try write.finish(computed, in: txn) }
                    done.keep(write)
                }
                while count < perCommit, let batch = try ReplayPhases.timed(.batchWaits, { try ahead.take(freeing: done) }) {
                    guard let last = batch.last?.sequence else { break }
                    done = AppliedBatch(batch)
                    // Concurrent members compute on other threads while the rest apply here; when all
                    // are concurrent, the last applies here.
                    let behind = members.indices.filter { applied[$0] < last }
                    let concurrent = behind.filter { members[$0] is any ConcurrentProjection }
                    let started = concurrent.count == behind.count ? Array(concurrent.dropLast()) : concurrent
                    var starting = [PendingWrite?](repeating: nil, count: members.count)
                    defer { for write in starting { write?.discard() } }
                    func events(for i: Int) -> [DecodedEvent] {
                        (batch.first?.sequence ?? 0) > applied[i] ? batch : batch.filter { $0.sequence > applied[i] }
                    }
                    // No batch follows this one in the transaction: a member may write now what it kept for the end.
                    let ending = count + batch.count >= perCommit || last >= head
                    let startedAt = ReplayPhases.start()
                    for i in started {
                        guard let p = members[i] as? any ConcurrentProjection else { continue }
                        starting[i] = try p.start(events(for: i), after: inFlight[i], ending: ending, from: log, store: store, in: txn)
                    }
                    ReplayPhases.add(.started, since: startedAt)
                    for i in behind where !started.contains(i) {
                        // Computed on another thread before, applied here now: its batch before is
                        // written first, with what it kept for the end.
                        try land(i, finishing: true, in: txn)
                        let applying = ReplayPhases.start()
                        try members[i].apply(events(for: i), from: log, store: store, in: txn)
                        ReplayPhases.add(.applied, since: applying)
                    }
                    // The batch before, computed meanwhile: written now, in members' order, and freed
                    // with this batch on the reading thread (freed here, it was 2 of the 11 `gdb` samples
                    // of this thread at 1,000,000 events: docs/BENCHMARKS.md, Round 17).
                    for i in members.indices { try land(i, finishing: false, in: txn) }
                    swap(&inFlight, &starting)
                    for i in behind { applied[i] = last }
                    reached = last
                    count += batch.count
                }
                // The transaction's last batches in flight, written, and what their members kept for the
                // end with them unless they wrote it (they were prepared as the last).
                for i in members.indices { try land(i, finishing: true, in: txn) }
                for (i, p) in members.enumerated() where applied[i] != checkpoints[i] {
                    try store.setCheckpoint(applied[i], of: p.name, in: txn)
                }
                // The commit waits for the disk: meanwhile, the next batches are read on the cores left
                // idle, the first read freeing this transaction's last batch.
                ahead.readAhead(upTo: beforeCommit, freeing: done)
                done = AppliedBatch()
            }
            guard reached > committed else { break }
            checkpoints = applied
            from = reached
            progress?(from - start, head - start)
        }
        // The commits' meta pages are not flushed each (the store opens without `syncsMetaEachCommit`):
        // the last is made durable here, so that a catch-up that returns has stored what it applied.
        // Each commit before it flushed the one before (Round 56 in docs/BENCHMARKS.md).
        if from > start { try store.environment.sync() }
    }

    /// Forgets the members' state and applies the whole log again from event 1, in batches and commits
    /// as ``catchUp(log:store:batchSize:eventsPerCommit:through:progress:)``.
    @available(*, noasync, message: "rebuilding writes the store")
    public func rebuild(log: EventLog, store: ProjectionStore, batchSize: Int = defaultBatchSize, eventsPerCommit: Int = defaultEventsPerCommit,
                        progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        try store.environment.write { txn in
            for p in members {
                for name in p.databases { try txn.removeAll(in: try store.database(name)) }
                try store.setCheckpoint(0, of: p.name, in: txn)
            }
        }
        try catchUp(log: log, store: store, batchSize: batchSize, eventsPerCommit: eventsPerCommit, progress: progress)
        try store.environment.sync()   // the emptying too, when no event followed it
    }
}

/// A batch of decoded events already applied, with the batches in flight written while it was applied
/// (what concurrent members computed for the batch before it), handed to another thread, which frees them
/// (``BatchesAhead``: before it reads a batch, or alone): the applying thread lets go of its references
/// when it moves on to the next batch.
final class AppliedBatch: @unchecked Sendable {
    // Set and added to by the applying thread before the reading thread starts; emptied by that thread.
    private var events: [DecodedEvent]
    private var results: [any Sendable] = []

    init(_ events: [DecodedEvent] = []) { self.events = events }

    /// Keeps `result` (a member's computed batch the applying thread no longer needs) to be freed with
    /// the events; called before the batch is handed to the reading thread.
    func keep(_ result: any Sendable) { results.append(result) }

    /// Drops the events and the results kept: freed here, unless the applying thread still holds them.
    func free() {
        events = []
        results = []
    }
}
