import ArgumentParser
import EventLog
import Foundation
import Programme
import Projection

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build the default ledger (Children of Kazakhstan and the UNICEF Country Programme) and show what pledger does.",
        discussion: "The ledger must be new or empty. Facts carry their public source; figures marked illustrative are not official.")

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        try reportingErrors {
            try ledger.requireWritable("demo")
            let store: Ledger
            do { store = try Ledger.create(at: ledger.path) } catch { throw CLIError.cannotOpen(ledger.path, error) }
            let existing = try store.log.head().sequence
            guard existing == 0 else {
                throw CLIError.invalid("the demo builds a fresh ledger, but \(ledger.path) already holds \(existing) events; give another --ledger")
            }
            try store.appendDefaultHistory()
            let overview = try ProgrammeOverview.compute(store.log)
            var out = Output()
            out.write(DemoReport(path: ledger.path, overview: overview, latest: try store.log.read(from: .max, direction: .backward, limit: 6)).text)
            out.flush()
        }
    }
}

/// The demo's one screen of text.
struct DemoReport {
    var path: String
    var overview: ProgrammeOverview
    var latest: [RecordedEvent]

    var text: String {
        var lines: [String] = []
        let first = overview.firstRecorded.map { String($0.description.prefix(10)) } ?? "-"
        lines.append("Built the default ledger at \(path): \(overview.head.sequence) events, recorded \(first) to \(overview.head.recorded.description.prefix(10)).")
        lines.append("Facts carry their public source; figures whose source says \"illustrative\" are not official.")
        lines.append("")
        for p in overview.programmes {
            lines.append(p.title)
            let parts = [ComponentLevel.direction, .outcome, .output].compactMap { level -> String? in
                guard let n = p.components[level] else { return nil }
                return "\(n) \(level.rawValue)\(n == 1 ? "" : "s")"
            } + (p.indicators > 0 ? ["\(p.indicators) indicators"] : [])
            lines.append("  " + parts.joined(separator: ", "))
            lines.append("  allocated " + money(p.allocated) + "; disbursed " + money(p.disbursed) + "; spent " + money(p.spent)
                         + (p.withdrawn.isEmpty ? "" : "; withdrawn " + money(p.withdrawn)))
        }
        lines.append("")
        let m = overview.milestones
        let statuses = ["achieved", "scheduled", "missed", "cancelled"].compactMap { s in m[s].map { "\($0) \(s)" } }
        lines.append("Milestones: " + statuses.joined(separator: ", ") + " (\(overview.rescheduledMilestones) rescheduled)")
        let t = overview.eventTypes
        lines.append("Changes: \(t["TargetChanged", default: 0]) target changes, \(t["FundingRevised", default: 0]) funding revisions, "
                     + "\(t["FundingWithdrawn", default: 0]) withdrawal, \(t["EventCorrected", default: 0]) retroactive correction")
        lines.append(overview.leafHashesMatch
                     ? "Integrity: every stored RFC 9162 leaf hash matches its event's canonical bytes."
                     : "Integrity: SOME STORED LEAF HASHES DO NOT MATCH THEIR EVENTS.")
        lines.append("")
        lines.append("Latest events:")
        let rows = latest.map { [String($0.sequence), String($0.recorded.description.prefix(10)), $0.effective.description, $0.type, $0.stream.rawValue] }
        lines.append(String(TextTable(["SEQ", "RECORDED", "EFFECTIVE", "TYPE", "STREAM"], rows, rightAligned: [0]).indented.dropLast()))
        lines.append("")
        let l = path.contains(" ") ? "'\(path)'" : path
        lines.append("Try next:")
        lines.append("  pledger state --ledger \(l) --as-of 2026-06-30 --known-at 2026-06-17   what was believed before the June change")
        lines.append("  pledger audit --ledger \(l) indicator/IND-02                           who changed the support-room targets, and why")
        lines.append("  pledger timeline --ledger \(l) --format svg > milestones.svg           plan against actual, slips visible")
        lines.append("  pledger verify --ledger \(l)                                           recompute every hash; prove nothing changed")
        return lines.joined(separator: "\n") + "\n"
    }

    func money(_ amounts: [Currency: ExactDecimal]) -> String {
        let nonZero = amounts.filter { $0.value != .zero }.sorted { $0.key < $1.key }
        guard !nonZero.isEmpty else { return "nothing" }
        return nonZero.map { Money($0.value, $0.key).description }.joined(separator: " + ")
    }
}
