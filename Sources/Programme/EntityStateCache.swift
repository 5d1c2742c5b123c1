import EventLog
import Foundation

/// Entity states the rules have already folded, so that checking an event costs the events added to
/// its stream since, not the whole stream.
///
/// An entry remembers the stream version it was folded to and that event's sequence number and id. It
/// is used only when the ledger holds that very event at that version and sequence number: a state
/// recorded for an event of a batch that was then rolled back never matches again. New events are
/// applied on top of it unless one of them is a correction, which refolds the stream. After an event
/// passes the rules, ``record(_:of:version:sequence:id:)`` keeps the state it leads to, so the next
/// event of the stream decodes nothing.
///
/// Memory is bounded whatever the ledger's size (a ``GenerationalCache``): streams in use stay, and
/// one-off streams (each decision is its own stream) age out.
final class EntityStateCache: @unchecked Sendable {
    private struct Entry {
        var version: UInt64
        var sequence: UInt64
        var id: UUID
        var state: EntityState
    }

    private let entries: GenerationalCache<StreamName, Entry>
    /// The appending transaction last read, and the entries found to hold in it (by their event).
    private var checked: (transaction: UInt64, entries: [StreamName: Held]) = (0, [:])
    private struct Held: Equatable {
        var version: UInt64
        var sequence: UInt64
        var id: UUID
    }
    private let lock = NSLock()

    /// A cache holding at most `2 × generationSize` entity states.
    init(generationSize: Int = 4_096) {
        entries = GenerationalCache(generationSize: generationSize)
    }

    /// Number of entity states held, for tests.
    var count: Int { entries.count }

    /// The stream's state as the ledger holds it now, in recording order with corrections applied.
    func state(of stream: StreamName, in ledger: borrowing LedgerSnapshot) throws -> EntityState? {
        let version = try ledger.version(of: stream)
        guard version > 0 else { return nil }
        let cached = entries.value(for: stream)
        if let cached, cached.version == version, try holds(cached, stream, ledger) { return cached.state }
        var state: EntityState?
        var last: RecordedEvent?
        if let cached, cached.version < version, try holds(cached, stream, ledger) {
            state = cached.state
            let newer = try ledger.events(in: stream, afterVersion: cached.version)
            if newer.contains(where: { $0.type == EventCorrected.typeName }) {
                let all = try ledger.events(in: stream)
                state = try EntityState.fold(all)
                last = all.last
            } else {
                for event in newer { state = try EntityState.apply(try ProgrammeEvent.decodeStored(event), at: event, to: state) }
                last = newer.last
            }
        } else {
            let all = try ledger.events(in: stream)
            state = try EntityState.fold(all)
            last = all.last
        }
        if let state, let last { entries.set(Entry(version: last.version, sequence: last.sequence, id: last.id, state: state), for: stream) }
        return state
    }

    /// Keeps `state` as the stream's state after the event `id`, about to be written at `version` and `sequence`.
    func record(_ state: EntityState, of stream: StreamName, version: UInt64, sequence: UInt64, id: UUID) {
        entries.set(Entry(version: version, sequence: sequence, id: id, state: state), for: stream)
    }

    /// Whether the ledger holds the entry's event at its version and sequence number. Found once in an
    /// appending transaction, it is not read again in that transaction: the transaction's own appends
    /// only add later versions, and a rolled-back transaction is never read again.
    private func holds(_ entry: Entry, _ stream: StreamName, _ ledger: borrowing LedgerSnapshot) throws -> Bool {
        let held = Held(version: entry.version, sequence: entry.sequence, id: entry.id)
        lock.lock()
        if checked.transaction != ledger.transaction { checked = (ledger.transaction, [:]) }
        let known = checked.entries[stream] == held
        lock.unlock()
        if known { return true }
        guard try ledger.sequence(of: stream, version: entry.version) == entry.sequence,
              try ledger.sequence(ofEvent: entry.id) == entry.sequence else { return false }
        lock.lock()
        if checked.transaction == ledger.transaction { checked.entries[stream] = held }
        lock.unlock()
        return true
    }
}
