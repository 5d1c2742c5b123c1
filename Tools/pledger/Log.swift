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
            let events = try log.read(from: start, direction: backward ? .backward : .forward,
                                      filter: .init(stream: streamName, type: type), limit: max(limit, 0))
            var out = Output()
            if json {
                for e in events { out.line(String(decoding: e.canonicalBytes, as: UTF8.self)) }
            } else {
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
}

