import EventLog
import Synchronization

/// The programme of each component the rules have looked up in the current appending transaction,
/// with the versions of both streams it was read at.
///
/// Why: most events (measurements, targets, allocations, milestones) check a year or a date against
/// their component's programme, which took two entity-state lookups an event, each copying a state out
/// of the cache (about 3,200 instructions, a fifteenth of an append: callgrind, Round 19 in
/// docs/BENCHMARKS.md). Within one appending transaction only the batch's own events change the log,
/// and any event of either stream (a correction included) raises its version: an entry whose versions
/// the ledger still shows is what reading both states again would give. Entries never outlive their
/// transaction.
final class ComponentProgrammes: Sendable {
    private struct Entry {
        var componentVersion: UInt64
        var programme: EntityReference
        var programmeVersion: UInt64
        var definition: ProgrammeDefined
    }

    private struct Kept {
        var transaction: UInt64 = 0
        var entries = StreamTable<Entry>()
    }

    private let kept = Mutex(Kept())

    /// The programme of `component` and its definition, if looked up earlier in the ledger's
    /// transaction and neither stream has changed since.
    func programme(of component: EntityReference, in ledger: borrowing LedgerSnapshot) throws -> (EntityReference, ProgrammeDefined)? {
        let transaction = ledger.transaction
        guard let entry = kept.withLock({ $0.transaction == transaction ? $0.entries[component.stream] : nil }),
              try ledger.version(of: component.stream) == entry.componentVersion,
              try ledger.version(of: entry.programme.stream) == entry.programmeVersion
        else { return nil }
        return (entry.programme, entry.definition)
    }

    /// Keeps `programme` and its `definition` as `component`'s, both read just now from the ledger.
    func keep(_ programme: EntityReference, _ definition: ProgrammeDefined, of component: EntityReference,
              in ledger: borrowing LedgerSnapshot) throws {
        let entry = Entry(componentVersion: try ledger.version(of: component.stream), programme: programme,
                          programmeVersion: try ledger.version(of: programme.stream), definition: definition)
        let transaction = ledger.transaction
        kept.withLock { k in
            if k.transaction != transaction { k = Kept(transaction: transaction) }
            k.entries[component.stream] = entry
        }
    }
}
