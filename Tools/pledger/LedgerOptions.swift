import ArgumentParser
import EventLog
import Foundation
import Programme

/// The `--ledger` option every command shares.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger directory.", discussion: "Default: $PLEDGER_LEDGER, else ./ledger.", valueName: "path"))
    var ledger: String?

    @Flag(name: .customLong("read-only"), help: "Open the ledger for reading only: nothing is written, not even projection checkpoints.")
    var readOnly = false

    /// The ledger directory in force.
    var path: String {
        if let ledger { return ledger }
        if let env = ProcessInfo.processInfo.environment["PLEDGER_LEDGER"], !env.isEmpty { return env }
        return "./ledger"
    }

    /// The directory of the event log inside the ledger.
    var logPath: String { Ledger.logPath(in: path) }

    /// Opens the existing ledger, or fails with a clear message.
    func open(readOnly: Bool = false) throws -> Ledger {
        do {
            return try Ledger(path: path, readOnly: readOnly || self.readOnly)
        } catch EventLogError.noLedger {
            throw CLIError.noLedger(path)
        } catch {
            throw CLIError.cannotOpen(path, error)
        }
    }
}

extension LedgerOptions {
    /// Refuses a command that writes when the ledger is opened with `--read-only`.
    func requireWritable(_ command: String) throws {
        if readOnly { throw CLIError.readOnly(command) }
    }
}
