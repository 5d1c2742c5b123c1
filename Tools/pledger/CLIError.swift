import ArgumentParser
import EventLog
import Foundation
import LMDB

/// Errors the CLI reports as one line on standard error, with its exit code.
enum CLIError: Error, CustomStringConvertible {
    case noLedger(String)
    case cannotOpen(String, any Error)
    case cannotRead(String, String)
    case cannotWrite(String, String)
    case readOnly(String)
    case invalid(String)

    var description: String {
        switch self {
        case .noLedger(let path): "no ledger at \(path) (create one with `pledger init --ledger \(path)`)"
        case .cannotOpen(let path, let error): "cannot open the ledger at \(path): \(CLIError.explain(error))"
        case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .readOnly(let command): "the ledger is open read-only (--read-only): `pledger \(command)` would write to it"
        case .invalid(let message): message
        }
    }

    static func explain(_ error: any Error) -> String {
        if let e = error as? LMDBError { return e.code.message }
        if let e = error as? AppendError { return explain(e.underlying) }
        if let e = error as? CocoaError, let u = e.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(u.code)))
        }
        return "\(error)"
    }
}

/// Runs a command body, turning every error into one line on standard error and an exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let (message, code) = describe(error)
        FileHandle.standardError.write(Data(("pledger: error: " + message + "\n").utf8))
        throw ExitCode(code)
    }
}

func describe(_ error: any Error) -> (String, Int32) {
    switch error {
    case let e as JSONLines.LineError:
        let (inner, code) = describe(e.underlying)
        return ("line \(e.line): " + inner, code)
    case let e as AppendError:
        let (inner, code) = describe(e.underlying)
        return ("event \(e.index + 1): " + inner, code)
    case let e as EventLogError:
        if case .conflict = e { return (e.description, 3) }
        if case .noLedger = e { return (e.description, 4) }
        return (e.description, 1)
    case let e as CLIError:
        switch e {
        case .noLedger, .cannotOpen, .cannotWrite: return (e.description, 4)
        case .readOnly: return (e.description, 6)
        default: return (e.description, 1)
        }
    case let e as VerificationFailure:
        return ("verification failed: \(e)", 5)
    case let e as VerificationFailed:
        return ("verification failed: \(e)", 5)
    case let e as ProofRequestError:
        return (e.description, 1)
    case let e as Checkpoint.FormatError:
        return (e.description, 1)
    case let e as LMDBError:
        return ("storage: \(e.description)", 4)
    default:
        return ("\(error)", 1)
    }
}

/// Reads a whole file, or standard input for `-`.
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let handle = FileHandle(forReadingAtPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
        throw CLIError.cannotRead(path, reason)
    }
    defer { try? handle.close() }
    return Array(handle.readDataToEndOfFile())
}

/// Buffered writing to standard output.
struct Output {
    private var buffer: [UInt8] = []
    mutating func write(_ s: String) { buffer.append(contentsOf: s.utf8); flushIfLarge() }
    mutating func write(bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes); flushIfLarge() }
    mutating func line(_ s: String = "") {
        buffer.append(contentsOf: s.utf8)
        buffer.append(0x0A)
        flushIfLarge()
    }
    /// Bytes that `write` appends.
    mutating func append(writing write: (inout [UInt8]) -> Void) {
        write(&buffer)
        flushIfLarge()
    }
    /// A line whose bytes `write` appends, then its line break.
    mutating func line(writing write: (inout [UInt8]) -> Void) {
        append { bytes in
            write(&bytes)
            bytes.append(0x0A)
        }
    }
    private mutating func flushIfLarge() { if buffer.count >= 1 << 16 { flush() } }
    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
