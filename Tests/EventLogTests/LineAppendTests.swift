import EventLog
import Foundation
import TestSupport
import Testing

/// `append(lines:)`: lines read by `JSONLines.Reader` appended in one transaction, a restored line's
/// bytes stored as they were read, give the log that restoring the same events gives.
@Suite struct LineAppendTests {
    /// A log of `count` events on 50 streams (some already present, as ``StreamedAppendTests/history(_:seed:)``
    /// makes them), with text that canonical JSON escapes: its export lines.
    static func exported(_ count: Int, seed: UInt64, in directory: TemporaryDirectory) throws -> [[UInt8]] {
        let source = try StreamedAppendTests.log(in: directory, "source-\(seed)")
        let texts = ["quote \" and backslash \\", "tab\tand line\nbreak", "Қазақстан балалары", "control \u{1} byte", "plain"]
        // The text chosen by the id: an event appended again keeps its content.
        try source.append(StreamedAppendTests.history(count, seed: seed).map { e in
            var e = e
            e.rationale = texts[Int(e.id.uuid.0) % texts.count]
            return e
        })
        return try exportLines(source)
    }

    /// Writes `lines` to a file, each ended by CRLF or LF, and appends them to `log` through a reader,
    /// `run` lines at a time.
    static func appendLines(_ lines: [[UInt8]], crlf: Bool, run: Int, to log: EventLog,
                            in directory: TemporaryDirectory) throws -> AppendSummary {
        let path = directory.file("lines-\(run)-\(crlf).jsonl")
        let ending: [UInt8] = crlf ? [0x0D, 0x0A] : [0x0A]
        try Data(lines.flatMap { $0 + ending }).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        return try log.append(lines: {
            var reader = JSONLines.Reader(descriptor: fd)
            return { try reader.next(run) }
        })
    }

    @Test(arguments: [(100, false), (4_096, true), (37, true), (64, false)])
    func restoredLinesAreStoredAsRead(run: Int, crlf: Bool) throws {
        let directory = try TemporaryDirectory()
        let lines = try Self.exported(1_500, seed: UInt64(run), in: directory)
        let restored = try StreamedAppendTests.log(in: directory, "restored")
        let summary = try Self.appendLines(lines, crlf: crlf, run: run, to: restored, in: directory)

        #expect(summary.appended == lines.count)
        #expect(summary.lastSequence == UInt64(lines.count))
        #expect(try exportLines(restored) == lines)
        #expect(try restored.verify().size == UInt64(lines.count))
    }

    /// Restored lines, then lines without a stamp, in the same runs: the first are stored as read, the
    /// others stamped by the log, as a batch of the same events stamps them.
    @Test func restoredAndNewLinesInOneRun() throws {
        let directory = try TemporaryDirectory()
        let lines = try Self.exported(800, seed: 11, in: directory)
        let new = (0..<300).map { i in
            EventCodec.encodeContent(event("indicator/IND-\(i % 7)", id: UUID(derivedFrom: "line-append/\(i)"), value: Int64(i)))
        }
        let restored = try StreamedAppendTests.log(in: directory, "restored")
        let summary = try Self.appendLines(lines + new, crlf: false, run: 500, to: restored, in: directory)

        let batched = try StreamedAppendTests.log(in: directory, "batched")
        try batched.append(try JSONLines.decode(Array((lines + new).map { $0 + [0x0A] }.joined())).map(\.event))
        #expect(summary.appended == lines.count + new.count)
        #expect(try exportLines(restored) == exportLines(batched))
        #expect(try Array(exportLines(restored).prefix(lines.count)) == lines)
        _ = try restored.verify()
    }
}
