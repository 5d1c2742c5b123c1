#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONLines {
    /// Reads JSON Lines from an open file a run of events at a time, from the file's start, holding one
    /// block of the file and one run's events: for appending a file of any length in one transaction
    /// (``EventLog/append(streaming:rules:)``) without holding it whole.
    ///
    /// It reads with `pread` from offset 0, so each reader made on the same descriptor reads the file
    /// again from its start (an appending transaction run again after the map grew reads it again),
    /// and the descriptor's own offset is never moved. Lines are split and decoded as
    /// ``JSONLines/decode(_:)`` does; a line longer than ``longestLine`` bytes is an error of its own,
    /// so that a file without line breaks is never read into memory whole.
    public struct Reader {
        /// The longest line read: four times the largest event stored (``EventCodec/maximumEventSize``),
        /// room for whitespace and escapes.
        public static let longestLine = 4 * EventCodec.maximumEventSize
        /// Bytes read from the file at a time.
        static let blockSize = 1 << 20

        private let descriptor: Int32
        /// Where the next read starts in the file.
        private var fileOffset: Int64 = 0
        /// Bytes read but not yet split into lines, from `start`.
        private var buffer: [UInt8] = []
        private var start = 0
        private var atEnd = false
        /// The number of the last line split off, from 1.
        private var number = 0

        /// A reader of the file open as `descriptor` (left open: its owner closes it).
        public init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        /// The next events, up to `count` of them, each with its line number; nil once the file is read
        /// to its end. The first bad line throws, naming it.
        public mutating func next(_ count: Int) throws(LineError) -> [Line]? {
            var lines: [Line] = []
            lines.reserveCapacity(count)
            while lines.count < count, let (slice, line) = try nextLine() {
                // A restored line's bytes are its event's canonical encoding (decodeLine checks them):
                // kept, the log stores them without encoding the event again.
                let read = try JSONLines.event(in: slice, line: line) { event, bytes in
                    Line(number: line, event: event, canonical: event.stamp == nil ? nil : Array(bytes))
                }
                if let read { lines.append(read) }
            }
            return lines.isEmpty ? nil : lines
        }

        /// The next line's bytes (without its LF) and number; nil at the end of the file.
        private mutating func nextLine() throws(LineError) -> (ArraySlice<UInt8>, Int)? {
            while true {
                if let newline = firstNewline() {
                    number += 1
                    defer { start = newline + 1 }
                    return (buffer[start..<newline], number)
                }
                if atEnd {
                    // The last line, without a line break after it.
                    guard start < buffer.count else { return nil }
                    number += 1
                    defer { start = buffer.count }
                    return (buffer[start...], number)
                }
                guard buffer.count - start <= Self.longestLine else {
                    throw LineError(line: number + 1, underlying: LineTooLong(limit: Self.longestLine))
                }
                try readBlock()
            }
        }

        /// Where the first LF after `start` is in the buffer.
        private func firstNewline() -> Int? {
            buffer.withUnsafeBytes { all in
                guard start < all.count, let base = all.baseAddress,
                      let found = memchr(base + start, 0x0A, all.count - start) else { return nil }
                return base.distance(to: UnsafeRawPointer(found))
            }
        }

        /// Drops the lines already split off and reads the next block onto the end of the buffer.
        private mutating func readBlock() throws(LineError) {
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            let kept = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: Self.blockSize))
            var got = -1
            while got < 0 {
                got = buffer.withUnsafeMutableBytes { all in
                    pread(descriptor, all.baseAddress.map { $0 + kept }, Self.blockSize, off_t(fileOffset))
                }
                if got < 0, errno != EINTR {
                    let reason = String(cString: strerror(errno))
                    buffer.removeSubrange(kept...)
                    throw LineError(line: number + 1, underlying: ReadFailed(reason: reason))
                }
            }
            buffer.removeSubrange((kept + got)...)
            fileOffset += Int64(got)
            if got == 0 { atEnd = true }
        }
    }

    /// A line longer than ``Reader/longestLine`` bytes.
    public struct LineTooLong: Error, Sendable, CustomStringConvertible {
        public let limit: Int
        public var description: String { "the line is longer than \(limit) bytes (an event is at most \(EventCodec.maximumEventSize))" }
    }

    /// The input could not be read.
    public struct ReadFailed: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { "cannot read the input: \(reason)" }
    }
}
