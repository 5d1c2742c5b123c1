import EventLog
import Foundation
import TestSupport
import Testing

/// `JSONLines.Reader` reads a file a run at a time as `JSONLines.decode` reads it whole.
@Suite struct JSONLinesReaderTests {
    static func line(_ i: Int) -> String {
        let note = "r" + String(repeating: "x", count: (i * 37) % 701)
        let id = UUID(derivedFrom: "reader/\(i)").canonicalString
        return #"{"id":"\#(id)","stream":"indicator/IND-\#(i % 9)","type":"IndicatorMeasured","schema":1,"effective":"2026-04-01","actor":"a","rationale":"\#(note)","source":"s","payload":{"value":\#(i)}}"#
    }

    /// Every run `reader` gives, `count` at a time, as (line number, canonical content) pairs.
    static func readAll(_ path: String, _ count: Int) throws -> [(Int, [UInt8])] {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        return try readAll(descriptor: fd, count)
    }

    static func readAll(descriptor fd: Int32, _ count: Int) throws -> [(Int, [UInt8])] {
        var reader = JSONLines.Reader(descriptor: fd)
        var all: [(Int, [UInt8])] = []
        while let run = try reader.next(count) {
            #expect(run.count <= count)
            all += run.map { ($0.number, EventCodec.encodeContent($0.event)) }
        }
        #expect(try reader.next(count) == nil)
        return all
    }

    @Test(arguments: [(1, true), (7, false), (4_096, true)])
    func readsAsDecodeDoes(run: Int, finalLineBreak: Bool) throws {
        // About 1.6 MB: lines across the 1 MiB blocks; CRLF and LF endings; blank and white lines.
        var text = ""
        for i in 0..<3_000 {
            text += Self.line(i)
            text += i % 3 == 0 ? "\r\n" : "\n"
            if i % 501 == 0 { text += "\n \t \r\n" }
        }
        if !finalLineBreak { while text.last?.isNewline == true { text.removeLast() } }
        let directory = try TemporaryDirectory()
        let path = directory.file("in.jsonl")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let decoded = try JSONLines.decode(Array(text.utf8)).map { ($0.number, EventCodec.encodeContent($0.event)) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let read = try Self.readAll(descriptor: fd, run)
        #expect(read.count == 3_000)
        #expect(read.map(\.0) == decoded.map(\.0))
        #expect(read.map(\.1) == decoded.map(\.1))
        // A new reader on the same descriptor reads it again from its start.
        #expect(try Self.readAll(descriptor: fd, run).map(\.1) == decoded.map(\.1))
    }

    @Test func aBadLineIsNamedWhereverItFalls() throws {
        var lines = (0..<3_000).map(Self.line)
        lines[2_321] = #"{"id": "x", "stream": }"#
        let directory = try TemporaryDirectory()
        let path = directory.file("in.jsonl")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try Self.readAll(path, 1_000) } throws: { error in
            guard let error = error as? JSONLines.LineError else { return false }
            return error.line == 2_322 && "\(error.underlying)".contains("invalid JSON")
        }
    }

    @Test func readAheadGivesTheReadersRunsAndItsErrorsInOrder() throws {
        var lines = (0..<3_000).map(Self.line)
        let directory = try TemporaryDirectory()
        let good = directory.file("good.jsonl"), bad = directory.file("bad.jsonl")
        try lines.joined(separator: "\n").write(toFile: good, atomically: true, encoding: .utf8)
        lines[2_321] = #"{"id": "x", "stream": }"#
        try lines.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let fd = open(good, O_RDONLY), badFD = open(bad, O_RDONLY)
        defer { close(fd); close(badFD) }

        let ahead = JSONLines.ReadAhead(JSONLines.Reader(descriptor: fd), count: 700)
        var runs: [[Int]] = []
        var contents: [[UInt8]] = []
        while let run = try ahead.next() {
            runs.append(run.map(\.number))
            contents += run.map { EventCodec.encodeContent($0.event) }
        }
        #expect(runs.map(\.count) == [700, 700, 700, 700, 200])
        #expect(runs.joined().elementsEqual(1...3_000))
        #expect(try contents == Self.readAll(descriptor: fd, 3_000).map(\.1))
        #expect(try ahead.next() == nil)

        // The runs before the bad line's are given; then its error.
        let failing = JSONLines.ReadAhead(JSONLines.Reader(descriptor: badFD), count: 1_000)
        #expect(try failing.next()?.first?.number == 1)
        #expect(try failing.next()?.first?.number == 1_001)
        #expect { try failing.next() } throws: { ($0 as? JSONLines.LineError)?.line == 2_322 }
        #expect(try failing.next() == nil)

        // Finished with a read going on: it is waited for, and nothing more is given.
        let stopped = JSONLines.ReadAhead(JSONLines.Reader(descriptor: fd), count: 500)
        #expect(try stopped.next()?.count == 500)
        stopped.finish()
        #expect(try stopped.next() == nil)
    }

    @Test func aLineLongerThanTheLimitIsRefusedWithoutReadingItWhole() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("in.jsonl")
        let long = [UInt8](repeating: 0x20, count: JSONLines.Reader.longestLine + (3 << 20))
        try Data(Array((Self.line(1) + "\n").utf8) + long + [0x0A]).write(to: URL(fileURLWithPath: path))
        #expect { try Self.readAll(path, 10) } throws: { error in
            guard let error = error as? JSONLines.LineError else { return false }
            return error.line == 2 && "\(error.underlying)".contains("longer than \(JSONLines.Reader.longestLine) bytes")
        }
    }
}
