import ArgumentParser
import EventLog
import Foundation
import IATIExport
import Programme
import Projection

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the ledger out: JSON Lines of canonical events (default), or an IATI 2.03 activities file.",
        discussion: """
            jsonl: each line an event's canonical bytes, exactly as stored; import the output into an empty ledger \
            to restore it byte for byte. iati: the programmes as IATI activities in a time slice (docs/IATI.md), \
            valid against the IATI 2.03 schema.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Option(help: "jsonl or iati.") var format: String = "jsonl"
    @Option(help: "jsonl: the first sequence number to export.") var from: UInt64 = 1
    @Option(help: "jsonl: the last sequence number to export.") var to: UInt64?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("iati: valid time (YYYY-MM-DD).", valueName: "date")) var asOf: String?
    @Option(name: .customLong("known-at"), help: ArgumentHelp("iati: transaction time (a sequence number, date or time).", valueName: "time|seq")) var knownAt: String?
    @Option(name: .customLong("recipient-country"), help: ArgumentHelp("iati: ISO 3166-1 alpha-2 code of a recipient country (repeatable; default KZ).", valueName: "code"))
    var recipientCountries: [String] = []
    @Option(help: ArgumentHelp("iati: only this programme, such as programme/NP-CHILDREN-KZ-2026-2030.", valueName: "stream")) var programme: String?

    func run() throws {
        try reportingErrors {
            switch format {
            case "jsonl":
                guard asOf == nil, knownAt == nil, recipientCountries.isEmpty, programme == nil else {
                    throw CLIError.invalid("--as-of, --known-at, --recipient-country and --programme go with --format iati")
                }
                let log = try ledger.open(readOnly: true).log
                var out = Output()
                try log.scanCanonical(from: from) { seq, bytes in
                    if let to, seq > to { return false }
                    out.write(bytes: bytes)
                    out.write("\n")
                    return true
                }
                out.flush()
            case "iati":
                var options = IATIActivities.Options()
                for code in recipientCountries {
                    guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                        throw FieldError(field: "--recipient-country", "expected an ISO 3166-1 alpha-2 code such as KZ, got \"\(code.prefix(10))\"")
                    }
                }
                if !recipientCountries.isEmpty { options.recipientCountries = recipientCountries }
                options.programme = try programme.map { try StreamName(validating: $0, field: "--programme") }
                let log = try ledger.open(readOnly: true).log
                let store = ledger.caughtUpStore(storedProjections, log: log)
                let file = try IATIActivities.export(log: log, store: store, slice: try TimeSlice(asOf: asOf, knownAt: knownAt), options: options)
                var out = Output()
                out.write(file.xml)
                out.flush()
            default:
                throw FieldError(field: "--format", "expected jsonl or iati")
            }
        }
    }
}
