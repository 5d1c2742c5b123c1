import ArgumentParser
import AuditTrail
import CurrentState
import EventLog
import Foundation
import Programme
import Projection
import Timeline

/// `--as-of` and `--known-at`, shared by the queries.
struct TimeOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Valid time: only what had taken effect by this date (YYYY-MM-DD).", valueName: "date"))
    var asOf: String?
    @Option(name: .customLong("known-at"), help: ArgumentHelp("Transaction time: only what had been recorded by then: a sequence number, a date (its end, UTC) or a time.", valueName: "time|seq"))
    var knownAt: String?
    @Flag(help: "Attach the tree size and root hash of the history the answer was computed from.")
    var receipt = false

    func slice() throws -> TimeSlice { try TimeSlice(asOf: asOf, knownAt: knownAt) }
}

/// All stored projections, by name.
let storedProjections: [any Projection] = [CurrentStateProjection(), AuditTrailProjection()]

extension LedgerOptions {
    var projectionsPath: String { path + "/projections" }

    /// The projection store, caught up for `projections`; `nil` when it cannot be written (the queries
    /// then fold the log instead).
    func caughtUpStore(_ projections: [any Projection], log: EventLog) -> ProjectionStore? {
        // Read-only: no store is created or caught up; the queries fold the log.
        guard !readOnly, let store = try? ProjectionStore(path: projectionsPath) else { return nil }
        guard (try? ProjectionSet(projections).catchUp(log: log, store: store)) != nil else { return nil }
        return store
    }
}

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "The programme in a time slice: targets and progress, funding and execution, milestones.")

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var time: TimeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let log = try ledger.open(readOnly: true).log
            let store = ledger.caughtUpStore([CurrentStateProjection()], log: log)
            let report = try CurrentState.report(log: log, store: store, slice: try time.slice(), withReceipt: time.receipt)
            var out = Output()
            out.write(json ? String(decoding: CanonicalJSON.encode(report.json), as: UTF8.self) + "\n" : report.text)
            out.flush()
        }
    }
}

struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Every milestone with its plan, reschedules, status and slippage, in one of several formats.")

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var time: TimeOptions
    @Option(help: "table, json, csv, md, ics, mermaid, svg or html.") var format: String = "table"
    @Flag(help: "Same as --format json.") var json = false
    @Option(help: "Only milestones of this component.") var component: String?
    @Option(help: "Only milestones with this status: scheduled, achieved, missed, cancelled.") var status: String?
    @Option(help: ArgumentHelp("Only milestones planned on or after this date.", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("Only milestones planned on or before this date.", valueName: "date")) var to: String?

    func run() throws {
        try reportingErrors {
            guard let chosen = json ? .json : TimelineFormat(rawValue: format) else {
                throw FieldError(field: "--format", "expected one of \(TimelineFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let status, !["scheduled", "achieved", "missed", "cancelled"].contains(status) {
                throw FieldError(field: "--status", "expected scheduled, achieved, missed or cancelled")
            }
            func date(_ text: String?, _ name: String) throws -> CalendarDate? {
                guard let text else { return nil }
                guard let d = CalendarDate(text) else { throw FieldError(field: name, "expected a date YYYY-MM-DD") }
                return d
            }
            let log = try ledger.open(readOnly: true).log
            let timeline = try MilestoneTimeline.build(
                log: log, slice: try time.slice(),
                filter: .init(component: component, status: status, from: try date(from, "--from"), to: try date(to, "--to")),
                withReceipt: time.receipt)
            var out = Output()
            out.write(timeline.render(chosen))
            out.flush()
        }
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Every change to one entity (or all), in recording order: who, when, why, on whose authority, before and after.")

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var time: TimeOptions
    @Argument(help: "An entity's stream, such as indicator/IND-02 (default: the whole ledger).") var entity: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print RFC 4180 CSV.") var csv = false

    func run() throws {
        try reportingErrors {
            let stream = try entity.map { try StreamName(validating: $0, field: "ENTITY") }
            let log = try ledger.open(readOnly: true).log
            let store = ledger.caughtUpStore([AuditTrailProjection()], log: log)
            // Written as it is read, an entry at a time: a trail of the whole ledger is never held whole.
            let trail = try AuditTrail.heading(log: log, entity: stream, slice: try time.slice(), withReceipt: time.receipt)
            var out = Output()
            var count = 0
            let around = trail.jsonAround
            if json { out.write(around.before) } else if csv { out.write(AuditTrail.csvHeading) } else { out.write(trail.textHeading) }
            try trail.forEachEntry(log: log, store: store) { entry in
                if json {
                    out.append { bytes in
                        if count > 0 { bytes.append(UInt8(ascii: ",")) }
                        entry.writeCanonical(into: &bytes)
                    }
                } else if csv {
                    out.append { AuditTrail.appendCSVRow(entry, to: &$0) }
                } else {
                    out.append { AuditTrail.appendTextBlock(entry, to: &$0) }
                }
                count += 1
            }
            if json { out.write(around.after + "\n") } else if !csv { out.write(trail.textEnding(count: count)) }
            out.flush()
        }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild projections from event 1 (all by default), with a progress bar on a terminal.")

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: "Projections to rebuild: current-state, audit-trail.") var names: [String] = []
    @Option(help: "Events read and applied at a time (a few batches are in memory: the one applied, the one before it, those read ahead).")
    var batchSize = ProjectionSet.defaultBatchSize
    @Option(help: "Events applied in each commit of the store, at least (whole batches; memory holds a commit's writes).")
    var eventsPerCommit = ProjectionSet.defaultEventsPerCommit

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, not \(batchSize)") }
        guard eventsPerCommit >= 1 else { throw ValidationError("--events-per-commit must be at least 1, not \(eventsPerCommit)") }
    }

    func run() throws {
        try reportingErrors {
            try ledger.requireWritable("replay")
            let chosen = names.isEmpty ? storedProjections : try names.map { name in
                guard let p = storedProjections.first(where: { $0.name == name }) else {
                    throw FieldError(field: "NAME", "unknown projection \"\(name)\" (known: \(storedProjections.map(\.name).joined(separator: ", ")))")
                }
                return p
            }
            let log = try ledger.open(readOnly: true).log
            let store: ProjectionStore
            do { store = try ProjectionStore(path: ledger.projectionsPath) } catch { throw CLIError.cannotOpen(ledger.projectionsPath, error) }
            let terminal = isatty(STDERR_FILENO) == 1
            let label = chosen.map(\.name).joined(separator: ", ")
            // One pass over the log for all of them: each batch is read once and applied to each.
            let started = Date()
            try ProjectionSet(chosen).rebuild(log: log, store: store, batchSize: batchSize, eventsPerCommit: eventsPerCommit) { done, total in
                guard terminal, total > 0 else { return }
                let width = 30, filled = Int(done * UInt64(width) / total)
                let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                FileHandle.standardError.write(Data("\r\(label)  \(bar)  \(done)/\(total)".utf8))
            }
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            let seconds = Date().timeIntervalSince(started)
            let together = chosen.count > 1 ? " (one pass for all)" : ""
            for p in chosen {
                print("Rebuilt \(p.name) from event 1 through \(try store.checkpoint(of: p.name)) in \(String(format: "%.2f", seconds)) s\(together).")
            }
        }
    }
}
