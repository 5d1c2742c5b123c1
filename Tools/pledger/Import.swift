import ArgumentParser
import EventLog
import Foundation
import Programme

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append events from a JSON Lines file, all or none.",
        discussion: """
            Each line is one event (docs/FORMAT.md). A line carrying seq, recorded and version (a line of \
            `pledger export`) is restored byte for byte, and only where it continues the log; any other \
            line is a new event that the ledger stamps. The whole file is one transaction: on any error \
            nothing is appended, and the error names the line and the field.
            """)

    @OptionGroup var ledger: LedgerOptions

    @Argument(help: ArgumentHelp("The JSON Lines file, or - for standard input.", valueName: "file"))
    var file: String = "-"

    @Flag(name: .customLong("json"), help: "Print the outcome as JSON.") var jsonOutput = false

    func run() throws {
        try reportingErrors {
            try ledger.requireWritable("import")
            let input = try readInput(file)
            let lines = try JSONLines.decode(input)
            let ledger = try self.ledger.open()
            let positions: [AppendedPosition]
            do {
                positions = try ledger.append(lines.map(\.event))
            } catch let error as AppendError {
                throw JSONLines.LineError(line: lines[error.index].number, underlying: error.underlying)
            }
            let added = positions.filter { !$0.alreadyPresent }
            let present = positions.count - added.count
            if jsonOutput {
                let first = added.first.map { "\($0.sequence)" } ?? "null"
                let last = added.last.map { "\($0.sequence)" } ?? "null"
                print(#"{"alreadyPresent":\#(present),"appended":\#(added.count),"firstSeq":\#(first),"lastSeq":\#(last)}"#)
            } else if let first = added.first, let last = added.last {
                print("Imported \(added.count) event\(added.count == 1 ? "" : "s") (seq \(first.sequence)–\(last.sequence))" + (present > 0 ? "; \(present) already present." : "."))
            } else {
                print("Imported nothing: \(present) event\(present == 1 ? " was" : "s were") already present.")
            }
        }
    }
}
