import EventLog
import Synchronization

/// The period of each component's programme that the rules have looked up in the current appending
/// transaction, with the versions of both streams it was read at.
///
/// Why: most events (measurements, targets, allocations, milestones) check a year or a date against
/// their component's programme, which took two entity-state lookups an event, each copying a state out
/// of the cache (about 3,200 instructions, a fifteenth of an append: callgrind, Round 19 in
/// docs/BENCHMARKS.md). Within one appending transaction only the batch's own events change the log,
/// and any event of either stream (a correction included) raises its version: an entry whose versions
/// the ledger still shows is what reading both states again would give. Entries never outlive their
/// transaction. Only the period is kept: it is all the rules read of a programme, and the whole
/// definition (a title, a description, an owner) was copied out and freed at each lookup, about 400
/// instructions a lookup (callgrind, Round 24 in docs/BENCHMARKS.md).
final class ComponentProgrammes: Sendable {
    private struct Entry {
        var componentVersion: UInt64
        var programme: EntityReference
        var programmeVersion: UInt64
        var period: ProgrammePeriod
    }

    private struct Kept {
        var transaction: UInt64 = 0
        var entries = StreamTable<Entry>()
    }

    private let kept = Mutex(Kept())

    /// The period of `component`'s programme, if looked up earlier in the ledger's transaction and
    /// neither stream has changed since.
    func period(of component: EntityReference, in ledger: borrowing LedgerSnapshot) throws -> ProgrammePeriod? {
        let transaction = ledger.transaction
        // Checked where the entry is kept, under the lock: copied out, an entry's programme reference
        // was retained and released at each lookup.
        return try kept.withLock { k throws -> ProgrammePeriod? in
            guard k.transaction == transaction else { return nil }
            return try k.entries.withValue(forKey: component.stream) { entry throws -> ProgrammePeriod? in
                guard try ledger.version(of: component.stream) == entry.componentVersion,
                      try ledger.version(of: entry.programme.stream) == entry.programmeVersion else { return nil }
                return entry.period
            } ?? nil
        }
    }

    /// Keeps the `period` of `programme` as `component`'s, both read just now from the ledger.
    func keep(_ period: ProgrammePeriod, of programme: EntityReference, for component: EntityReference,
              in ledger: borrowing LedgerSnapshot) throws {
        let entry = Entry(componentVersion: try ledger.version(of: component.stream), programme: programme,
                          programmeVersion: try ledger.version(of: programme.stream), period: period)
        let transaction = ledger.transaction
        kept.withLock { k in
            if k.transaction != transaction { k = Kept(transaction: transaction) }
            k.entries[component.stream] = entry
        }
    }
}

/// A programme's period, first day to last (``ProgrammeDefined/start`` and ``ProgrammeDefined/end``):
/// what the rules check years and dates against.
struct ProgrammePeriod: Sendable {
    var start: CalendarDate
    var end: CalendarDate

    init(_ programme: borrowing ProgrammeDefined) {
        start = programme.start
        end = programme.end
    }
}
