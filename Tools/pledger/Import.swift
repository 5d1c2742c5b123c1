import ArgumentParser
import EventLog
import Foundation
import Programme

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append events from a JSON Lines file, all or none.",
        discussion: """
            Each line is one event (docs/FORMAT.md). A line carrying seq, recorded and version (a line of \
            `pledger export`) is restored byte for byte, and only where it continues the log; any other \
            line is a new event that the ledger stamps. The whole file is one transaction: on any error \
            nothing is appended, and the error names the line and the field. The file is read a run of \
            events at a time, never held whole (standard input is first copied to a temporary file).
            """)

    @OptionGroup var ledger: LedgerOptions

    @Argument(help: ArgumentHelp("The JSON Lines file, or - for standard input.", valueName: "file"))
    var file: String = "-"

    @Flag(name: .customLong("json"), help: "Print the outcome as JSON.") var jsonOutput = false

    /// Events read from the file and appended at a time, in the one transaction.
    static let runLength = 4_096

    func run() throws {
        try reportingErrors {
            try ledger.requireWritable("import")
            // Read a run at a time and appended in one transaction (EventLog.append(lines:)): the
            // file is never held whole. The line numbers of the run being appended name a refused event.
            let input = try InputFile(file)
            let ledger = try self.ledger.open()
            var runLines: [Int] = []
            var runStart = 0
            // Each run decoded on another thread while the one before it is appended; a read still going
            // on (after a refusal) is waited for before the file is closed.
            var ahead: JSONLines.ReadAhead?
            defer {
                ahead?.finish()
                withExtendedLifetime(input) {}
            }
            let summary: AppendSummary
            do {
                summary = try ledger.append(lines: {
                    ahead?.finish()
                    let runs = JSONLines.ReadAhead(JSONLines.Reader(descriptor: input.descriptor), count: Import.runLength)
                    ahead = runs
                    (runLines, runStart) = ([], 0)
                    return {
                        guard let lines = try runs.next() else { return nil }
                        runStart += runLines.count
                        runLines = lines.map(\.number)
                        return lines
                    }
                })
            } catch let error as AppendError {
                guard runLines.indices.contains(error.index - runStart) else { throw error }
                throw JSONLines.LineError(line: runLines[error.index - runStart], underlying: error.underlying)
            }
            let present = summary.alreadyPresent
            if jsonOutput {
                let first = summary.firstSequence.map { "\($0)" } ?? "null"
                let last = summary.lastSequence.map { "\($0)" } ?? "null"
                print(#"{"alreadyPresent":\#(present),"appended":\#(summary.appended),"firstSeq":\#(first),"lastSeq":\#(last)}"#)
            } else if let first = summary.firstSequence, let last = summary.lastSequence {
                print("Imported \(summary.appended) event\(summary.appended == 1 ? "" : "s") (seq \(first)–\(last))" + (present > 0 ? "; \(present) already present." : "."))
            } else {
                print("Imported nothing: \(present) event\(present == 1 ? " was" : "s were") already present.")
            }
        }
    }
}
