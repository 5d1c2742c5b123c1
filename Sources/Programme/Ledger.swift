import EventLog
import Foundation

/// A programme ledger on disk: a directory holding the event log (`log/`), whose appends are checked
/// against the programme rules.
///
/// The directory is created with mode 0700 and the log's files with mode 0600.
public final class Ledger: Sendable {
    /// The ledger directory.
    public let path: String
    public let log: EventLog
    public let rules: ProgrammeRules

    /// The event log's directory inside a ledger directory.
    public static func logPath(in path: String) -> String { path + "/log" }

    /// Creates an empty ledger at `path`, or opens the one already there.
    public static func create(at path: String, rules: ProgrammeRules = ProgrammeRules()) throws -> Ledger {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return Ledger(path: path, log: try EventLog.create(at: logPath(in: path)), rules: rules)
    }

    /// Opens the ledger at `path`; fails with ``EventLogError/noLedger(path:)`` when there is none.
    public convenience init(path: String, readOnly: Bool = false, rules: ProgrammeRules = ProgrammeRules()) throws {
        var configuration = EventLog.Configuration()
        configuration.readOnly = readOnly
        do {
            self.init(path: path, log: try EventLog(path: Ledger.logPath(in: path), configuration: configuration), rules: rules)
        } catch EventLogError.noLedger {
            throw EventLogError.noLedger(path: path)
        }
    }

    init(path: String, log: EventLog, rules: ProgrammeRules) {
        self.path = path
        self.log = log
        self.rules = rules
    }

    /// Appends a batch, all or nothing, after checking every event against the programme rules.
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(_ batch: [ProposedEvent]) throws -> [AppendedPosition] {
        try log.append(batch, rules: rules)
    }

    /// Appends the events `makeSource`'s source gives, a run at a time, in one transaction, all or nothing,
    /// after checking every event against the programme rules (``EventLog/append(streaming:rules:)``).
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(streaming makeSource: () throws -> () throws -> [ProposedEvent]?) throws -> AppendSummary {
        try log.append(streaming: makeSource, rules: rules)
    }

    /// Appends the events of the lines `makeSource`'s source gives, as ``append(streaming:)`` appends
    /// events: a restored line's bytes are stored as they were read (``EventLog/append(lines:rules:)``).
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(lines makeSource: () throws -> () throws -> [JSONLines.Line]?) throws -> AppendSummary {
        try log.append(lines: makeSource, rules: rules)
    }

    /// Appends one event; a refusal throws the reason itself rather than an ``AppendError``.
    @discardableResult
    @available(*, noasync, message: "appending blocks on a durable commit")
    public func append(_ event: ProposedEvent) throws -> AppendedPosition {
        try log.append(event, rules: rules)
    }

    /// Builds the default ledger (``DefaultLedger``) into this ledger, which must be empty.
    @available(*, noasync, message: "appending blocks on a durable commit")
    @discardableResult
    public func appendDefaultHistory() throws -> [AppendedPosition] {
        try append(DefaultLedger.events)
    }
}
