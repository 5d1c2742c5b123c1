/// Reads JSON Lines input (one event a line) into events to append, naming the line of any error.
///
/// Lines are separated by LF; a CR before the LF is dropped; empty lines are skipped. The format of
/// a line is in `docs/FORMAT.md`.
public enum JSONLines {
    /// A line of input that is not an acceptable event.
    public struct LineError: Error, Sendable, CustomStringConvertible {
        /// Line number in the input, from 1.
        public let line: Int
        public let underlying: any Error & Sendable
        public init(line: Int, underlying: any Error & Sendable) {
            self.line = line
            self.underlying = underlying
        }
        public var description: String { "line \(line): \(underlying)" }
    }

    /// One event read from the input, with the line it came from.
    ///
    /// Read only: a line read by ``Reader`` keeps its bytes beside its event, when they are the event's
    /// canonical encoding, for the log to store as they are (``EventLog/append(lines:rules:)``), and an
    /// event changed after reading would no longer be what those bytes say.
    public struct Line: Sendable {
        public let number: Int
        public let event: ProposedEvent
        /// The line's bytes (without its LF and a CR before it) when the event is restored: a restored
        /// line is read only if its bytes are the canonical encoding of its event with its stamp
        /// (``EventCodec/decodeLine(_:)``), so they are the bytes the log stores for it, and need not be
        /// encoded again. Nil for a line without a stamp, and for lines ``JSONLines/decode(_:)`` reads.
        let canonical: [UInt8]?

        init(number: Int, event: ProposedEvent, canonical: [UInt8]? = nil) {
            self.number = number
            self.event = event
            self.canonical = canonical
        }
    }

    /// Decodes every line of `input`; the first bad line throws.
    public static func decode(_ input: [UInt8]) throws(LineError) -> [Line] {
        var lines: [Line] = []
        var number = 0
        var start = 0
        while start < input.count {
            number += 1
            var end = start
            while end < input.count, input[end] != 0x0A { end += 1 }
            if let event = try event(in: input[start..<end], line: number) {
                lines.append(Line(number: number, event: event))
            }
            start = end + 1
        }
        return lines
    }

    /// The event on line `line`, whose bytes, without its LF, are `bytes` (a CR at their end dropped);
    /// nil for a line of spaces and tabs only. Both readers of JSON Lines (``decode(_:)`` and
    /// ``Reader``) split lines and leave the rest to this.
    static func event(in bytes: ArraySlice<UInt8>, line: Int) throws(LineError) -> ProposedEvent? {
        try event(in: bytes, line: line) { event, _ in event }
    }

    /// ``event(in:line:)``, given to `body` with the bytes it was read from (a CR at their end dropped),
    /// for the ``Reader`` to keep a restored line's bytes.
    static func event<R>(in bytes: ArraySlice<UInt8>, line: Int,
                         _ body: (ProposedEvent, ArraySlice<UInt8>) -> R) throws(LineError) -> R? {
        let slice = bytes.last == 0x0D ? bytes.dropLast() : bytes
        guard !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return nil }
        do {
            return body(try EventCodec.decodeLine(slice), slice)
        } catch {
            throw LineError(line: line, underlying: error as any Error & Sendable)
        }
    }
}
