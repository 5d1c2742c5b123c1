/// A strict JSON parser (RFC 8259) over UTF-8 bytes, with pledger's restrictions: integers only,
/// no duplicate member names, nesting at most 64 deep, valid UTF-8 and no lone surrogates.
///
/// It is hand-written because Foundation's decoder is slow on Linux, loses member order, and turns
/// numbers into `Double`.
public struct JSONParser {
    /// Where and why a text is not acceptable JSON.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Byte offset in the input, from 0.
        public let offset: Int
        public let message: String
        public var description: String { "invalid JSON at byte \(offset + 1): \(message)" }
    }

    public static let maximumDepth = 64

    /// Parses exactly one JSON value, allowing white space around it.
    public static func parse(_ bytes: some Collection<UInt8>) throws(SyntaxError) -> JSONValue {
        // Parse in place when the bytes are contiguous (arrays, LMDB values); copy only otherwise.
        let inPlace: Result<JSONValue, SyntaxError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(SyntaxError) -> JSONValue in try parse(buffer: buffer) }
        }
        if let inPlace { return try inPlace.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(SyntaxError) in try parse(buffer: buffer) }
    }

    /// Parses exactly one JSON value held in `buffer`.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> JSONValue {
        var parser = Cursor(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index != buffer.count { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    /// Parses a UTF-8 string.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func error(_ message: String, at offset: Int? = nil) -> SyntaxError {
            SyntaxError(offset: offset ?? index, message: message)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ literal: StaticString, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
            let start = index
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("unexpected end of input", at: start) }
            for i in 0..<count where bytes[index + i] != literal.utf8Start[i] {
                throw error("unexpected character", at: start)
            }
            index += count
            return value
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
            guard index < bytes.count else { throw error("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character '\(printable(bytes[index]))'")
            }
        }

        func printable(_ b: UInt8) -> String {
            (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
            index += 1
            var members: [(String, JSONValue)] = []
            // Objects are small: a linear scan finds duplicates faster than hashing every name.
            var seen: Set<String>? = nil
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            // Room for a payload's few members at once: growing from empty reallocated the array once or
            // twice an object (callgrind: about 900 instructions an event read, Round 16).
            members.reserveCapacity(8)
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error(index < bytes.count ? "expected a member name in quotes" : "unexpected end of input")
                }
                let keyOffset = index
                let key = try string()
                if members.count < 16 {
                    if members.contains(where: { $0.0 == key }) { throw error("duplicate member \"\(key)\"", at: keyOffset) }
                } else {
                    if seen == nil { seen = Set(members.map(\.0)) }
                    guard seen?.insert(key).inserted ?? true else { throw error("duplicate member \"\(key)\"", at: keyOffset) }
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                members.append((key, try value(depth: depth)))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input in an object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input in an array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                throw error("expected ',' or ']'")
            }
        }

        mutating func number() throws(SyntaxError) -> JSONValue {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw error("expected a digit")
            }
            if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count,
               (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1]) {
                throw error("leading zeros are not allowed", at: start)
            }
            var magnitude: Int64 = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(digit)
                guard !o1, !o2, m2 <= JSONValue.maximumSafeInteger else {
                    throw error("integer out of range (at most 2^53-1 in magnitude; write larger values as strings)", at: start)
                }
                magnitude = m2
                index += 1
            }
            if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
                throw error("fractional and exponent numbers are not allowed; write exact decimals as strings", at: start)
            }
            return .integer(negative ? -magnitude : magnitude)
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("unexpected end of input in \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[index]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                v = v << 4 | d
                index += 1
            }
            return v
        }

        /// Where the run of plain bytes from `start` ends: at the first quote, backslash or control
        /// character, or where fewer than eight bytes are left (the byte loop goes on from there); the
        /// bits of the bytes passed over are or'ed into `high` (an ASCII run leaves its top bit clear).
        ///
        /// Read sixteen bytes at a time (SSE2 on x86-64: three compares, an or and a mask test), then
        /// eight (``plainWordRun(in:from:seen:)``) where fewer than sixteen are left, then the byte loop.
        ///
        /// Why: a stored event's strings (actor, rationale, source, names, amounts) are most of its bytes,
        /// and the byte loop's compare-and-branch per byte was a sixth of a replay's reading thread
        /// (callgrind, Round 15 in docs/BENCHMARKS.md). A step of eight bytes in a 64-bit word (Rounds 15
        /// to 52) and one of sixteen in a vector (Round 53) are each 21 instructions on x86-64: half as
        /// many a byte. The vector's mask tells where the stop is, so the scan ends at it exactly.
        @inline(__always)
        static func plainRun(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, high: inout UInt8) -> Int {
            guard let base = bytes.baseAddress else { return start }
            let quote = SIMD16<UInt8>(repeating: 0x22), backslash = SIMD16<UInt8>(repeating: 0x5C)
            let space = SIMD16<UInt8>(repeating: 0x20)
            var scan = start, seenVector = SIMD16<UInt8>(repeating: 0), seen: UInt64 = 0
            while scan + 16 <= bytes.count {
                let v = UnsafeRawPointer(base + scan).loadUnaligned(as: SIMD16<UInt8>.self)
                // A marked lane is all ones: a quote, a backslash, or a byte below 0x20.
                let marks = unsafeBitCast((v .== quote) .| (v .== backslash) .| (v .< space), to: SIMD2<UInt64>.self)
                if marks[0] | marks[1] != 0 {
                    // Little-endian: the lowest marked byte is the first in memory.
                    let words = unsafeBitCast(v, to: SIMD2<UInt64>.self)
                    if marks[0] != 0 {
                        let plain = marks[0].trailingZeroBitCount / 8
                        seen |= words[0] & ((1 << UInt64(8 * plain)) &- 1)
                        scan += plain
                    } else {
                        let plain = marks[1].trailingZeroBitCount / 8
                        seen |= words[0] | (words[1] & ((1 << UInt64(8 * plain)) &- 1))
                        scan += 8 + plain
                    }
                    return Self.ended(at: scan, seen: seen, seenVector, high: &high)
                }
                seenVector |= v
                scan += 16
            }
            scan = plainWordRun(in: bytes, from: scan, seen: &seen)
            return Self.ended(at: scan, seen: seen, seenVector, high: &high)
        }

        /// `scan`, with the top bits of what the scan saw or'ed into `high`.
        @inline(__always)
        private static func ended(at scan: Int, seen: UInt64, _ seenVector: SIMD16<UInt8>, high: inout UInt8) -> Int {
            let words = unsafeBitCast(seenVector, to: SIMD2<UInt64>.self)
            if (seen | words[0] | words[1]) & 0x8080_8080_8080_8080 != 0 { high |= 0x80 }
            return scan
        }

        /// ``plainRun(in:from:high:)`` eight bytes at a time, in 64-bit words: where fewer than sixteen
        /// bytes are left. Stops at the first quote, backslash or control character, or at the last whole
        /// word's end; the bytes passed over are or'ed into `seen`.
        ///
        /// The word that holds the byte tells where it is (the lowest byte each test marks is exact: a
        /// wrong mark needs a borrow from a marked byte below it), so the byte loop starts at it rather
        /// than at the word's first byte (about 1,500 instructions an event in a replay: Round 20).
        @inline(__always)
        private static func plainWordRun(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, seen: inout UInt64) -> Int {
            guard let base = bytes.baseAddress else { return start }
            let ones: UInt64 = 0x0101_0101_0101_0101, tops: UInt64 = 0x8080_8080_8080_8080
            var scan = start
            while scan + 8 <= bytes.count {
                let w = UnsafeRawPointer(base + scan).loadUnaligned(as: UInt64.self)
                let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
                // (x - 0x01…) & ~x & 0x80… is nonzero exactly when some byte of `x` is zero, and
                // (w - 0x20…) & ~w & 0x80… exactly when some byte of `w` is below 0x20 (the marks above
                // the lowest may be off, the lowest is not): the byte loop goes on from the lowest.
                let found = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
                if found & tops != 0 {
                    // Little-endian: the lowest marked byte is the first in memory.
                    let plain = (found & tops).trailingZeroBitCount / 8
                    seen |= w & ((1 << UInt64(8 * plain)) &- 1)
                    return scan + plain
                }
                seen |= w
                scan += 8
            }
            return scan
        }

        mutating func string() throws(SyntaxError) -> String {
            let start = index
            index += 1
            // The common case: no escapes. Make the string straight from the input bytes; ASCII needs no
            // validation beyond the scan.
            var high: UInt8 = 0
            var scan = Self.plainRun(in: bytes, from: index, high: &high)
            while scan < bytes.count {
                let b = bytes[scan]
                if b == UInt8(ascii: "\"") {
                    let run = UnsafeBufferPointer(rebasing: bytes[index..<scan])
                    let s: String
                    if high < 0x80 {
                        s = String(decoding: run, as: UTF8.self)
                    } else {
                        guard let valid = String(validating: run, as: UTF8.self) else { throw error("string is not valid UTF-8", at: start) }
                        s = valid
                    }
                    index = scan + 1
                    return s
                }
                if b == UInt8(ascii: "\\") || b < 0x20 { break }
                high |= b
                scan += 1
            }
            var out: [UInt8] = []
            var runStart = index
            while true {
                guard index < bytes.count else { throw error("unterminated string", at: start) }
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    out.append(contentsOf: bytes[runStart..<index])
                    index += 1
                    break
                }
                if b < 0x20 { throw error("control character in a string must be escaped") }
                if b == UInt8(ascii: "\\") {
                    out.append(contentsOf: bytes[runStart..<index])
                    index += 1
                    guard index < bytes.count else { throw error("unterminated escape") }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                                  bytes[index + 1] == UInt8(ascii: "u") else { throw error("lone surrogate in \\u escape") }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw error("lone surrogate in \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw error("lone surrogate in \\u escape")
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw error("invalid escape '\\\(printable(e))'", at: index - 2)
                    }
                    runStart = index
                    continue
                }
                index += 1
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8", at: start) }
            return s
        }
    }
}
