import EventLog
import Foundation

/// Entity states the rules have already folded, so that checking an event costs the events added to
/// its stream since, not the whole stream.
///
/// An entry remembers the stream version it was folded to and that event's sequence number and leaf
/// hash. It is used only when the ledger still holds exactly that event there: a state folded inside a
/// batch that was then rolled back never matches again. New events are applied on top of it unless one
/// of them is a correction, which refolds the stream.
final class EntityStateCache: @unchecked Sendable {
    private struct Entry {
        var version: UInt64
        var sequence: UInt64
        var leaf: [UInt8]
        var state: EntityState
    }

    private let lock = NSLock()
    private var entries: [StreamName: Entry] = [:]
    private let capacity = 200_000

    /// The stream's state as the ledger holds it now, in recording order with corrections applied.
    func state(of stream: StreamName, in ledger: borrowing LedgerSnapshot) throws -> EntityState? {
        let version = try ledger.version(of: stream)
        guard version > 0 else { return nil }
        lock.lock()
        let cached = entries[stream]
        lock.unlock()
        var state: EntityState?
        if let cached, cached.version <= version,
           try ledger.sequence(of: stream, version: cached.version) == cached.sequence,
           try ledger.leafHash(at: cached.sequence) == cached.leaf {
            state = cached.state
            if cached.version < version {
                let newer = try ledger.events(in: stream, afterVersion: cached.version)
                if newer.contains(where: { $0.type == EventCorrected.typeName }) {
                    state = try EntityState.fold(try ledger.events(in: stream))
                } else {
                    for event in newer { state = try EntityState.apply(try Self.decode(event), at: event, to: state) }
                }
            }
        } else {
            state = try EntityState.fold(try ledger.events(in: stream))
        }
        if let state, let sequence = try ledger.sequence(of: stream, version: version), let leaf = try ledger.leafHash(at: sequence) {
            lock.lock()
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[stream] = Entry(version: version, sequence: sequence, leaf: leaf, state: state)
            lock.unlock()
        }
        return state
    }

    static func decode(_ event: RecordedEvent) throws -> ProgrammeEvent {
        do { return try ProgrammeEvent.decode(event) } catch {
            throw EventLogError.damaged(sequence: event.sequence, reason: "\(error)")
        }
    }
}
