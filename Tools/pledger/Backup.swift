import ArgumentParser
import EventLog
import Foundation
import Programme

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the ledger's event log into a new directory: compact, consistent, safe while appends run.",
        discussion: "The copy is a ledger of its own (DEST/log); projections are derived and not copied. Restore it with `pledger restore`.")

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: "The new directory for the copy.") var destination: String

    func run() throws {
        try reportingErrors {
            guard !FileManager.default.fileExists(atPath: destination) else { throw CLIError.invalid("\(destination) already exists; a backup goes into a new directory") }
            let head = try copyVerified(try ledger.open(readOnly: true).log, into: destination)
            print("Backed up \(head.size) events to \(destination); the copy verifies, root \(Hex.encode(head.root)).")
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a new ledger at --ledger from a backup, and verify it.",
        discussion: "The ledger directory must not exist yet: restoring never overwrites a ledger.")

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: "The backup directory (made by `pledger backup`).") var backup: String

    func run() throws {
        try reportingErrors {
            try ledger.requireWritable("restore")
            guard !FileManager.default.fileExists(atPath: ledger.path) else { throw CLIError.invalid("\(ledger.path) already exists; restore into a new directory") }
            let source: EventLog
            do {
                source = try Ledger(path: backup, readOnly: true).log
            } catch {
                throw CLIError.cannotRead(backup, "not a pledger backup (\(CLIError.explain(error)))")
            }
            let head = try copyVerified(source, into: ledger.path)
            print("Restored \(head.size) events to \(ledger.path); the ledger verifies, root \(Hex.encode(head.root)).")
        }
    }
}

/// Copies `log` into a new ledger directory (mode 0700) and verifies the copy: what backup and restore share.
func copyVerified(_ log: EventLog, into directory: String) throws -> TreeHead {
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try log.backup(to: Ledger.logPath(in: directory))
    } catch {
        throw CLIError.cannotWrite(directory, CLIError.explain(error))
    }
    return try Ledger(path: directory, readOnly: true).log.verify()
}
