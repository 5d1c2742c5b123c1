import Foundation
import LMDB

/// What an append rule may read: the log as it stands inside the appending transaction, including
/// the earlier events of the same batch.
///
/// It exists only for the duration of one rule check and cannot be kept.
public struct LedgerSnapshot: ~Copyable, ReadableTransaction {
    public let unsafeHandle: OpaquePointer
    let log: EventLog
    /// The sequence number the event being checked will get if it is accepted.
    public let sequence: UInt64
    /// The appending transaction, as a number unique within the process: snapshots with equal numbers
    /// read the same transaction, in which only the batch's own events change the log. A rule may trust
    /// within one transaction what it has read in it, and across transactions only what it read in
    /// transactions of this log that committed (``lastCommittedTransaction``).
    public let transaction: UInt64
    /// The number (as ``transaction`` numbers them) of this log's latest appending transaction known,
    /// when this one began, to have committed in this process; 0 before any.
    ///
    /// A rule that last read the log in transaction `t` finds `lastCommittedTransaction == t` only if
    /// `t` was this very log's and committed: what it read then is still true of this log, except for
    /// what was appended since (by this process or another), which shows in stream versions. A
    /// rolled-back transaction, one retried after the map grew, or a transaction of another log never
    /// matches.
    public let lastCommittedTransaction: UInt64
    /// The transaction's stream versions, read once each.
    let versions: StreamVersions
    /// The index entries of the newest events, this transaction's own included, which the indexes
    /// written in bulk do not hold yet.
    let tail: LogTail

    init(handle: OpaquePointer, log: EventLog, sequence: UInt64, transaction: UInt64, lastCommittedTransaction: UInt64,
         versions: StreamVersions, tail: LogTail) {
        self.unsafeHandle = handle
        self.log = log
        self.sequence = sequence
        self.transaction = transaction
        self.lastCommittedTransaction = lastCommittedTransaction
        self.versions = versions
        self.tail = tail
    }

    /// The sequence number of the event with this id, if the log holds it.
    public func sequence(ofEvent id: UUID) throws -> UInt64? {
        try log.sequence(ofEvent: id, in: self, tail: tail)
    }

    /// The stream's version: how many events it holds (0 when it does not exist).
    public func version(of stream: StreamName) throws -> UInt64 {
        try versions.version(of: stream) { try log.version(of: stream, in: self, tail: tail) }
    }

    /// Whether the stream has any event.
    public func exists(_ stream: StreamName) throws -> Bool { try version(of: stream) > 0 }

    /// The stream's events, oldest first.
    public func events(in stream: StreamName) throws -> [RecordedEvent] { try log.events(in: stream, transaction: self, tail: tail) }

    /// The event with this id, if the log holds it.
    public func event(id: UUID) throws -> RecordedEvent? { try log.event(id: id, in: self, tail: tail) }

    /// The sequence number of the stream's event at `version`.
    public func sequence(of stream: StreamName, version: UInt64) throws -> UInt64? {
        if let indexed = try log.indexedSequence(of: stream, version: version, in: self) { return indexed }
        return tail.streams.entries(of: stream).first { $0.version == version }?.sequence
    }

    /// The stored leaf hash of event `sequence`: a cheap fingerprint of its exact bytes.
    public func leafHash(at sequence: UInt64) throws -> [UInt8]? {
        try log.storedTree(self).leafHash(of: sequence)
    }

    /// The stream's events after `version`, oldest first.
    public func events(in stream: StreamName, afterVersion version: UInt64) throws -> [RecordedEvent] {
        var seqs = try log.indexedEntries(of: stream, afterVersion: version, in: self).map(\.sequence)
        seqs += tail.streams.entries(of: stream).lazy.filter { $0.version > version }.map(\.sequence)
        return try seqs.compactMap { try log.event(at: $0, in: self) }
    }
}

/// Checks that an event may be appended, given what the ledger already holds.
///
/// The log calls it inside the write transaction, once per event, in batch order; a thrown error
/// rolls back the whole batch. The programme domain supplies its rules through this protocol.
///
/// What a check works out from the event alone (the programme's rules decode its payload into a typed
/// event) can be done ahead: for a large batch the log calls ``prepare(_:)`` on another thread, in
/// batch order, and hands the result to ``check(_:prepared:against:)``; `nil` where it did not.
public protocol AppendRules: Sendable {
    func check(_ event: ProposedEvent, against ledger: borrowing LedgerSnapshot) throws
    /// Works out what checking `event` needs of it alone, on any thread; `nil` (the default) for nothing.
    ///
    /// An object: handed on and cast back to its class, it is a pointer retained and compared, where a
    /// value in an `any Sendable` box was copied through its type's witnesses and cast back by the
    /// runtime's generic cast (about 650 instructions an event: callgrind, Round 19 in docs/BENCHMARKS.md).
    func prepare(_ event: ProposedEvent) -> (any AnyObject & Sendable)?
    /// Checks `event` with what ``prepare(_:)`` made of it (`nil` if it was not called); by default
    /// ``check(_:against:)``.
    func check(_ event: ProposedEvent, prepared: (any AnyObject & Sendable)?, against ledger: borrowing LedgerSnapshot) throws
}

extension AppendRules {
    public func prepare(_ event: ProposedEvent) -> (any AnyObject & Sendable)? { nil }

    public func check(_ event: ProposedEvent, prepared: (any AnyObject & Sendable)?, against ledger: borrowing LedgerSnapshot) throws {
        try check(event, against: ledger)
    }
}
