import ArgumentParser
import EventLog
import Foundation
import Programme
import Projection

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Browse the log: a table by default, or --json.")

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
                // The stored bytes, as `pledger export` writes them, not decoded (decoding each event
                // was three quarters of `--limit 1000000`'s time: docs/BENCHMARKS.md, Round 33). A page
                // at a time, copied out in a read of its own and written after it: `--limit 1000000`
                // never holds its events whole (it held 1.5 GB at 1,000,000), and a slow reader of the
                // output (a pager) never holds a read transaction open.
                try forEachCanonicalPage(of: log, from: start, direction: direction, filter: filter, limit: limit) { page in
                    out.write(bytes: page)
                }
            } else {
                // Two passes over the same events, a page at a time: the first sizes the columns, the
                // second writes the rows, so that the rows are never held whole (`--limit 1000000` held
                // 2.1 GB at 1,000,000). The second reads from the first event the first pass read, as
                // many events as it read: the log only grows at its end, so they are the same events.
                let header = ["SEQ", "RECORDED", "EFFECTIVE", "STREAM", "VER", "TYPE", "ACTOR"]
                let rightAligned: Set<Int> = [0, 4]
                var widths = header.map(\.count)
                var first: UInt64?
                var count = 0
                try forEachPage(of: log, from: start, direction: direction, filter: filter, limit: limit) { page in
                    if first == nil { first = page.first?.sequence }
                    count += page.count
                    for e in page { Self.widen(&widths, toFit: e) }
                }
                out.line(TextTable.line(header, widths: widths, rightAligned: rightAligned))
                if let first {
                    try forEachPage(of: log, from: first, direction: direction, filter: filter, limit: count) { page in
                        for e in page { out.line { TextTable.appendLine(Self.row(e), widths: widths, rightAligned: rightAligned, to: &$0) } }
                    }
                } else {
                    out.line("(no events)")
                }
            }
            out.flush()
        }
    }

    /// How many events are read at a time.
    static let page = 4_096

    /// A row of the table.
    static func row(_ e: EventSummary) -> [String] {
        [String(e.sequence), String(e.recorded.description.prefix(19)) + "Z", e.effective.description,
         e.stream.rawValue, String(e.version), e.type, e.actor]
    }

    /// Widens `widths` to fit `e`'s row as ``row(_:)`` makes it, without making its cells: the first pass
    /// only measures them (a million rows were made twice, once only to be measured).
    static func widen(_ widths: inout [Int], toFit e: EventSummary) {
        func digits(_ n: UInt64) -> Int { n < 10 ? 1 : 1 + digits(n / 10) }
        widths[0] = max(widths[0], digits(e.sequence))
        widths[1] = max(widths[1], min(19, TextTable.width(of: e.recorded.description)) + 1)
        widths[2] = max(widths[2], TextTable.width(of: e.effective.description))
        widths[3] = max(widths[3], TextTable.width(of: e.stream.rawValue))
        widths[4] = max(widths[4], digits(e.version))
        widths[5] = max(widths[5], TextTable.width(of: e.type))
        widths[6] = max(widths[6], TextTable.width(of: e.actor))
    }

    /// Reads the canonical bytes of up to `limit` events from `start` a page at a time, each page in a
    /// read of its own, and gives each page's lines (each event's bytes and a line feed) to `body` once
    /// its read is over.
    private func forEachCanonicalPage(of log: EventLog, from start: UInt64, direction: EventLog.Direction, filter: EventLog.Filter,
                                      limit: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var lines: [UInt8] = []
        try Self.pages(from: start, direction: direction, limit: limit) { from, wanted in
            var count = 0, last: UInt64?
            lines.removeAll(keepingCapacity: true)
            try log.scanCanonical(from: from, direction: direction, filter: filter) { sequence, bytes in
                lines.append(contentsOf: bytes)
                lines.append(0x0A)
                (count, last) = (count + 1, sequence)
                return count < wanted
            }
            try lines.withUnsafeBytes(body)
            return (count, last)
        }
    }

    /// Reads the summaries of up to `limit` events from `start` a page at a time, each page in a read of
    /// its own, and gives each page to `body` once its read is over. The table shows no payload: an
    /// event's payload, rationale and source are passed over, not built (``EventSummary``).
    private func forEachPage(of log: EventLog, from start: UInt64, direction: EventLog.Direction, filter: EventLog.Filter,
                             limit: Int, _ body: ([EventSummary]) throws -> Void) throws {
        var page: [EventSummary] = []
        try Self.pages(from: start, direction: direction, limit: limit) { from, wanted in
            page.removeAll(keepingCapacity: true)
            try log.scanSummaries(from: from, direction: direction, filter: filter) { summary in
                page.append(summary)
                return page.count < wanted
            }
            try body(page)
            return (page.count, page.last?.sequence)
        }
    }

    /// Pages of up to ``page`` events, up to `limit` in all, from `start` in `direction`: `read` reads
    /// the page that starts at `from` with at most `wanted` events and tells how many it read and the
    /// last one's sequence number. A page of fewer than wanted is the last.
    private static func pages(from start: UInt64, direction: EventLog.Direction, limit: Int,
                              _ read: (_ from: UInt64, _ wanted: Int) throws -> (count: Int, last: UInt64?)) throws {
        var next: UInt64? = start, left = max(limit, 0)
        while let from = next, left > 0 {
            let wanted = min(left, Self.page)
            let (count, last) = try read(from, wanted)
            left -= count
            guard count == wanted, let last else { break }   // fewer: the end
            next = direction == .backward ? (last > 1 ? last - 1 : nil) : (last < UInt64.max ? last + 1 : nil)
        }
    }
}

