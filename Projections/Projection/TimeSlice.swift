import EventLog
import Foundation

/// A point in both of a ledger's times: which events had been recorded (transaction time, "known at")
/// and which had taken effect (valid time, "as of").
///
/// `pledger state --as-of 2026-12-31 --known-at 2027-03-01` asks what, on 1 March 2027, the ledger said
/// the programme looked like at the end of 2026. Without `--known-at`, everything recorded counts; without
/// `--as-of`, the valid date is the known-at day (today when known now).
public struct TimeSlice: Sendable, Equatable {
    public enum KnownAt: Sendable, Equatable {
        case now
        /// Everything recorded at or before this instant.
        case time(Timestamp)
        /// Everything up to this sequence number.
        case sequence(UInt64)
    }

    public var asOf: CalendarDate?
    public var knownAt: KnownAt

    public init(asOf: CalendarDate? = nil, knownAt: KnownAt = .now) {
        self.asOf = asOf
        self.knownAt = knownAt
    }

    /// Reads the CLI's forms: `--as-of YYYY-MM-DD`; `--known-at` as a sequence number, a date (meaning
    /// the end of that day, UTC) or a time (`YYYY-MM-DDTHH:MM[:SS[.f]]Z` or with an offset).
    public init(asOf: String?, knownAt: String?) throws(FieldError) {
        if let asOf {
            guard let d = CalendarDate(asOf) else { throw FieldError(field: "--as-of", "expected a date YYYY-MM-DD, got \"\(asOf.prefix(40))\"") }
            self.asOf = d
        }
        switch knownAt {
        case nil: self.knownAt = .now
        case let text?:
            if let n = UInt64(text) {
                self.knownAt = .sequence(n)
            } else if let d = CalendarDate(text) {
                self.knownAt = .time(Timestamp(microsecondsSinceEpoch: Timestamp(startOf: d.adding(days: 1)).microsecondsSinceEpoch - 1))
            } else if let t = Timestamp(text) {
                self.knownAt = .time(t)
            } else {
                throw FieldError(field: "--known-at", "expected a sequence number, a date YYYY-MM-DD or a time such as 2027-03-01T12:00:00Z, got \"\(text.prefix(40))\"")
            }
        }
    }

    /// The slice in terms of one log: the last sequence number known and the valid date.
    public func resolve(in log: EventLog, today: CalendarDate = Timestamp.now().date) throws -> ResolvedSlice {
        let head = try log.head()
        switch knownAt {
        case .now:
            return ResolvedSlice(asOf: asOf ?? today, sequence: head.sequence, isNow: true)
        case .sequence(let n):
            let seq = min(n, head.sequence)
            let day = try log.event(at: seq)?.recorded.date ?? today
            return ResolvedSlice(asOf: asOf ?? day, sequence: seq, isNow: seq == head.sequence && asOf == nil && day == today)
        case .time(let t):
            let seq = try Self.lastSequence(recordedBy: t, in: log, head: head.sequence)
            return ResolvedSlice(asOf: asOf ?? t.date, sequence: seq, isNow: false)
        }
    }

    /// Binary search: recorded times rise strictly with sequence numbers.
    static func lastSequence(recordedBy t: Timestamp, in log: EventLog, head: UInt64) throws -> UInt64 {
        var low: UInt64 = 0, high = head
        while low < high {
            let mid = low + (high - low + 1) / 2
            guard let e = try log.event(at: mid) else { break }
            if e.recorded <= t { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

/// A ``TimeSlice`` applied to a log: events with `sequence ≤ sequence` and `effective ≤ asOf` count.
public struct ResolvedSlice: Sendable, Equatable {
    public var asOf: CalendarDate
    /// The last sequence number known.
    public var sequence: UInt64
    /// Whether this is "today, as known now": the question snapshots answer without a replay.
    public var isNow: Bool

    public init(asOf: CalendarDate, sequence: UInt64, isNow: Bool = false) {
        self.asOf = asOf
        self.sequence = sequence
        self.isNow = isNow
    }

    public func includes(_ e: RecordedEvent) -> Bool { e.sequence <= sequence && e.effective <= asOf }
}

/// The history an answer was computed from: the tree size and root of the log's events it could see.
public struct Receipt: Sendable, Equatable {
    public var treeSize: UInt64
    public var rootHash: MerkleTree.Hash

    public init(log: EventLog, slice: ResolvedSlice) throws {
        let head = try log.treeHead(size: slice.sequence)
        treeSize = head.size
        rootHash = head.root
    }

    public var json: JSONValue { ["treeSize": .integer(Int64(treeSize)), "rootHash": .string(Hex.encode(rootHash))] }
    public var text: String { "receipt: tree size \(treeSize), root \(Hex.encode(rootHash))" }
}
