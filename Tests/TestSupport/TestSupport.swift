import Foundation

/// A fresh directory per test, removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }
}

/// What a finished child process left.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutBytes: [UInt8]
}

/// The directory holding the package's built executables (beside the test bundle).
public var productsDirectory: String {
    let url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = url.deletingLastPathComponent()
    // Under XCTest the runner is <products>/pledgerPackageTests.xctest; under some runners it sits inside it.
    while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("pledger").path), dir.path != "/" {
        dir = dir.deletingLastPathComponent()
    }
    return dir.path
}

/// Path of a built executable of this package.
public func executable(_ name: String) -> String { productsDirectory + "/" + name }

/// Runs an executable to completion, feeding it `stdin`, and captures its output.
public func run(_ path: String, _ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "PLEDGER_LEDGER")
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data(), err = Data()
    group.enter()
    DispatchQueue.global().async { out = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { err = error.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if !stdin.isEmpty { input.fileHandleForWriting.write(Data(stdin)) }
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: err, as: UTF8.self), stdoutBytes: Array(out))
}
