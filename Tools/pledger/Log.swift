import ArgumentParser
import EventLog
import Foundation
import Programme
import Projection

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Browse the log: a table by default, or --json.")

    @OptionGroup var ledger: LedgerOptions

    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only this event type.") var type: String?
    @Option(help: "Start at this sequence number (default: the first, or the last with --backward).") var from: UInt64?
    @Flag(help: "Newest first.") var backward = false
    @Option(help: "At most this many events.") var limit: Int = 100
    @Flag(help: "One canonical JSON event a line, as export writes them.") var json = false

    func run() throws {
        try reportingErrors {
            let streamName = try stream.map { try StreamName(validating: $0, field: "--stream") }
            let log = try ledger.open(readOnly: true).log
            let start = from ?? (backward ? UInt64.max : 1)
            let direction: EventLog.Direction = backward ? .backward : .forward
            let filter = EventLog.Filter(stream: streamName, type: type)
            var out = Output()
            if json {
                // A page at a time, each line written as it is read: `--limit 1000000` never holds its
                // events whole (it held 1.5 GB at 1,000,000).
                var next: UInt64? = start, left = max(limit, 0)
                while let from = next, left > 0 {
                    let wanted = min(left, Self.page)
                    let page = try log.read(from: from, direction: direction, filter: filter, limit: wanted)
                    for e in page { out.line(String(decoding: e.canonicalBytes, as: UTF8.self)) }
                    left -= page.count
                    guard page.count == wanted, let last = page.last?.sequence else { break }   // fewer: the end
                    next = backward ? (last > 1 ? last - 1 : nil) : (last < UInt64.max ? last + 1 : nil)
                }
            } else {
                let events = try log.read(from: start, direction: direction, filter: filter, limit: max(limit, 0))
                let rows = events.map { e in
                    [String(e.sequence), String(e.recorded.description.prefix(19)) + "Z", e.effective.description,
                     e.stream.rawValue, String(e.version), e.type, e.actor]
                }
                out.write(TextTable(["SEQ", "RECORDED", "EFFECTIVE", "STREAM", "VER", "TYPE", "ACTOR"], rows, rightAligned: [0, 4]).rendered)
                if events.isEmpty { out.line("(no events)") }
            }
            out.flush()
        }
    }

    /// How many events `--json` reads at a time.
    static let page = 4_096
}

