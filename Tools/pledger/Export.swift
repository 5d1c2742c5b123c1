import ArgumentParser
import EventLog
import Foundation
import Programme

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write events as JSON Lines: each line an event's canonical bytes, exactly as stored.",
        discussion: "Import the output into an empty ledger to restore it byte for byte.")

    @OptionGroup var ledger: LedgerOptions

    @Option(help: "The first sequence number to export.") var from: UInt64 = 1
    @Option(help: "The last sequence number to export.") var to: UInt64?

    func run() throws {
        try reportingErrors {
            let log = try ledger.open(readOnly: true).log
            var out = Output()
            try log.scanCanonical(from: from) { seq, bytes in
                if let to, seq > to { return false }
                out.write(bytes: bytes)
                out.write("\n")
                return true
            }
            out.flush()
        }
    }
}
