import ArgumentParser
import EventLog
import Foundation

/// The `--ledger` option every command shares.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger directory.", discussion: "Default: $PLEDGER_LEDGER, else ./ledger.", valueName: "path"))
    var ledger: String?

    /// The ledger directory in force.
    var path: String {
        if let ledger { return ledger }
        if let env = ProcessInfo.processInfo.environment["PLEDGER_LEDGER"], !env.isEmpty { return env }
        return "./ledger"
    }

    /// The directory of the event log inside the ledger.
    var logPath: String { path + "/log" }

    /// Opens the existing ledger's log, or fails with a clear message.
    func openLog(readOnly: Bool = false) throws -> EventLog {
        var configuration = EventLog.Configuration()
        configuration.readOnly = readOnly
        do {
            return try EventLog(path: logPath, configuration: configuration)
        } catch EventLogError.noLedger {
            throw CLIError.noLedger(path)
        } catch {
            throw CLIError.cannotOpen(path, error)
        }
    }
}
