import ArgumentParser
import EventLog
import Foundation
import Programme

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty ledger.")

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        try reportingErrors {
            try ledger.requireWritable("init")
            let existed = FileManager.default.fileExists(atPath: ledger.logPath + "/data.mdb")
            do {
                _ = try Ledger.create(at: ledger.path)
            } catch {
                throw CLIError.cannotOpen(ledger.path, error)
            }
            print(existed ? "A ledger already exists at \(ledger.path); nothing changed." : "Created an empty ledger at \(ledger.path).")
        }
    }
}
