import EventLog
import Foundation

/// Entity states the rules have already folded, so that checking an event costs the events added to
/// its stream since, not the whole stream.
///
/// An entry remembers the stream version it was folded to and that event's sequence number and id.
/// New events are applied on top of it unless one of them is a correction, which refolds the stream.
/// After an event passes the rules, ``record(_:of:version:sequence:id:in:)`` keeps the state it leads
/// to, so the next event of the stream decodes nothing.
///
/// An entry is used only while it is known to match the ledger: that the ledger holds that very event
/// at that version and sequence number (a state recorded for an event of a rolled-back batch never
/// matches again). Checking it costs two index reads, so entries carry the *epoch* they were recorded
/// or last checked in: a run of appending transactions of one log, each of which committed before the
/// next began (``LedgerSnapshot/lastCommittedTransaction``). Once committed, an entry stays true of the
/// log for good (events are never changed, and a stream's newer events, whoever wrote them, show in its
/// version, which is read from the log in every transaction), so an entry of the current epoch is used
/// without reading. A transaction that did not commit (rolled back, or retried after the map grew), or
/// one of another log, ends the epoch, and the next one checks an older entry against its ledger
/// before using it.
///
/// Memory is bounded whatever the ledger's size (a ``GenerationalCache``): streams in use stay, and
/// one-off streams (each decision is its own stream) age out.
final class EntityStateCache: @unchecked Sendable {
    private struct Entry {
        var version: UInt64
        var sequence: UInt64
        var id: UUID
        var state: EntityState
        var epoch: UInt64
    }

    private let entries: GenerationalCache<Entry>
    private let lock = NSLock()
    /// The current epoch, and the appending transaction last seen in it.
    private var epoch: UInt64 = 0
    private var transaction: UInt64 = 0

    /// A cache holding at most `2 × generationSize` entity states.
    init(generationSize: Int = 4_096) {
        entries = GenerationalCache(generationSize: generationSize)
    }

    /// Number of entity states held, for tests.
    var count: Int { entries.count }

    /// The stream's state as the ledger holds it now, in recording order with corrections applied.
    func state(of stream: StreamName, in ledger: borrowing LedgerSnapshot) throws -> EntityState? {
        try state(of: stream, version: try ledger.version(of: stream), in: ledger)
    }

    /// ``state(of:in:)`` given the stream's version in the ledger, which the rules have just read.
    func state(of stream: StreamName, version: UInt64, in ledger: borrowing LedgerSnapshot) throws -> EntityState? {
        let epoch = enter(ledger)
        guard version > 0 else { return nil }
        // Most often the entry is of this very version and epoch, in the newer generation: its state is
        // copied out where it is kept, not the whole entry first (callgrind, Round 23).
        if let current = entries.withRecentValue(for: stream, { entry -> EntityState? in
            entry.version == version && entry.epoch == epoch ? entry.state : nil
        }), let current {
            return current
        }
        let cached = entries.value(for: stream)
        if let cached, cached.version == version, try holds(cached, stream, epoch, ledger) { return cached.state }
        var state: EntityState?
        var last: RecordedEvent?
        if let cached, cached.version < version, try holds(cached, stream, epoch, ledger) {
            state = cached.state
            let newer = try ledger.events(in: stream, afterVersion: cached.version)
            if newer.contains(where: { $0.type == EventCorrected.typeName }) {
                let all = try ledger.events(in: stream)
                state = try EntityState.fold(all)
                last = all.last
            } else {
                for event in newer { try EntityState.apply(try ProgrammeEvent.decodeStored(event), at: event, to: &state) }
                last = newer.last
            }
        } else {
            let all = try ledger.events(in: stream)
            state = try EntityState.fold(all)
            last = all.last
        }
        if let state, let last {
            entries.set(Entry(version: last.version, sequence: last.sequence, id: last.id, state: state, epoch: epoch), for: stream)
        }
        return state
    }

    /// Keeps `state` as the stream's state after the event `id`, about to be written at `version` and
    /// `sequence` in the ledger's transaction.
    func record(_ state: EntityState, of stream: StreamName, version: UInt64, sequence: UInt64, id: UUID, in ledger: borrowing LedgerSnapshot) {
        let epoch = enter(ledger)
        entries.set(Entry(version: version, sequence: sequence, id: id, state: state, epoch: epoch), for: stream)
    }

    /// Changes the stream's state with `change` where the cache keeps it, into the state after the event
    /// `id`, about to be written at `version + 1` and `sequence` in the ledger's transaction: what
    /// ``record(_:of:version:sequence:id:in:)`` keeps after applying the event to a copy. False, and
    /// nothing changed, unless the newer generation holds the stream's state at `version` in the current
    /// epoch (as ``state(of:version:in:)`` has just found it), or when `change` throws (it leaves the
    /// state as it was).
    ///
    /// Why: applying an event to a copy of the state and recording the result copied the state out of
    /// its enumeration and replaced the whole entry (a table insert, the old entry released), for
    /// nearly every event the rules check: the appending thread 6.6 million instructions fewer at 40,000
    /// events changed here (callgrind, Round 24 in docs/BENCHMARKS.md). Changed where it is kept, once the
    /// caller has let its own copy go, the state's storage is the entry's alone.
    func advance(_ stream: StreamName, from version: UInt64, sequence: UInt64, id: UUID, in ledger: borrowing LedgerSnapshot,
                 _ change: (inout EntityState) throws -> Void) throws -> Bool {
        let epoch = enter(ledger)
        return try entries.withRecentValueMutating(for: stream) { entry -> Bool in
            guard entry.version == version, entry.epoch == epoch else { return false }
            try change(&entry.state)
            entry.version = version + 1
            entry.sequence = sequence
            entry.id = id
            return true
        } ?? false
    }

    /// The epoch of the ledger's transaction: the current one when the transaction last seen was this
    /// log's last to commit, else a new one.
    private func enter(_ ledger: borrowing LedgerSnapshot) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        if ledger.transaction != transaction {
            if ledger.lastCommittedTransaction != transaction { epoch += 1 }
            transaction = ledger.transaction
        }
        return epoch
    }

    /// Whether the ledger holds the entry's event at its version and sequence number: known without
    /// reading for an entry of the current epoch; otherwise read, and the entry moved into the epoch.
    private func holds(_ entry: Entry, _ stream: StreamName, _ epoch: UInt64, _ ledger: borrowing LedgerSnapshot) throws -> Bool {
        if entry.epoch == epoch { return true }
        guard try ledger.sequence(of: stream, version: entry.version) == entry.sequence,
              try ledger.sequence(ofEvent: entry.id) == entry.sequence else { return false }
        var checked = entry
        checked.epoch = epoch
        entries.set(checked, for: stream)
        return true
    }
}
