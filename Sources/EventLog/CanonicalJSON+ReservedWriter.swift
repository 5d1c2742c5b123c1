import Foundation

extension CanonicalJSON {
    /// Writes canonical JSON tokens, strings and integers into memory reserved for them beforehand,
    /// its size bounded by the caller (``stringBound(_:)``, ``integerBound``).
    ///
    /// Why: appended to an array piece by piece, each token and string paid the array's uniqueness and
    /// capacity checks and a generic copy: writing an audit row this way took about 2,750 instructions
    /// an event in a replay (callgrind, Round 22 in docs/BENCHMARKS.md).
    public struct ReservedWriter {
        private let base: UnsafeMutablePointer<UInt8>
        private let capacity: Int
        /// The bytes written so far, from `base`.
        public private(set) var count = 0

        /// The most bytes ``integer(_:)`` writes: a sign and 19 digits.
        public static let integerBound = 20

        /// The most bytes ``string(_:)`` writes for `s`: quotes, and six for a byte escaped as `\u00xx`.
        public static func stringBound(_ s: String) -> Int { 2 + 6 * s.utf8.count }

        init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
            self.base = base
            self.capacity = capacity
        }

        /// The bytes written, from the start of the buffer.
        public var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

        /// Writing past the bound reserved is a programming error, and traps rather than write outside
        /// the memory reserved.
        @inline(__always)
        private mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
            precondition(n <= capacity - count, "canonical JSON exceeds the bound reserved for it")
            defer { count += n }
            return base + count
        }

        /// The next `n` bytes, for a value that writes itself at fixed positions (an id, a date, a time).
        @inline(__always)
        mutating func bytes(_ n: Int) -> UnsafeMutableBufferPointer<UInt8> {
            UnsafeMutableBufferPointer(start: reserve(n), count: n)
        }

        /// The most bytes ``uuid(_:)`` writes: 36 characters in quotes.
        static let uuidBound = 38

        /// `id`'s lower-case `8-4-4-4-12` text in quotes.
        mutating func uuid(_ id: UUID) {
            let out = bytes(38)
            out[0] = 0x22
            id.writeCanonicalText(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[1 ..< 37])))
            out[37] = 0x22
        }

        /// `text`'s bytes, as they are: a member's name in quotes with its colon, a bracket.
        public mutating func token(_ text: StaticString) {
            let n = text.utf8CodeUnitCount
            reserve(n).update(from: text.utf8Start, count: n)
        }

        /// One byte, as it is.
        public mutating func byte(_ b: UInt8) { reserve(1).pointee = b }

        /// `text`'s bytes, as they are: text that needs no escape inside a string (digits, a point, ASCII
        /// letters and spaces), written without being checked for one, as ``token(_:)`` writes a token.
        ///
        /// Why: a value written from what it is (an amount's digits, a currency's code) is known to need
        /// none, and an audit row writes two of them an event (Round 56 in docs/BENCHMARKS.md).
        public mutating func unescaped(_ text: UnsafeBufferPointer<UInt8>) {
            assert(needsNoEscape(text), "text written unescaped needs an escape")
            guard let from = text.baseAddress else { return }
            reserve(text.count).update(from: from, count: text.count)
        }

        /// Set when ``plainString(_:)`` met a string that needs escapes, and wrote nothing of it.
        public private(set) var skippedEscapes = false

        /// `s` in quotes when it needs no escape (the common case); else nothing, and
        /// ``skippedEscapes`` set. For writing into a bound that counts each string's bytes and quotes
        /// alone (``CanonicalJSON/appendIfWritten(bound:to:_:_:)``): a row with a string that needs escapes is written
        /// again with ``string(_:)``, within a bound that allows for them.
        public mutating func plainString(_ s: String) {
            var s = s
            s.withUTF8 { bytes in
                guard needsNoEscape(bytes) else { skippedEscapes = true; return }
                let out = reserve(bytes.count + 2)
                out[0] = 0x22
                if let from = bytes.baseAddress { (out + 1).update(from: from, count: bytes.count) }
                out[bytes.count + 1] = 0x22
            }
        }

        /// The most bytes ``plainString(_:)`` writes for `s`: its bytes and the quotes.
        public static func plainStringBound(_ s: String) -> Int { 2 + s.utf8.count }

        /// The most bytes ``plainValue(_:)`` writes for `value`: each string counted as its bytes and
        /// quotes.
        static func plainBound(_ value: JSONValue) -> Int {
            switch value {
            case .null, .bool: return 5
            case .integer: return integerBound
            case .string(let s): return plainStringBound(s)
            case .array(let elements):
                var n = 2 + elements.count
                for e in elements { n += plainBound(e) }
                return n
            case .object(let members):
                var n = 2 + 2 * members.count
                for m in members.indices { n += plainStringBound(members[m].0) + plainBound(members[m].1) }
                return n
            }
        }

        /// `value` in canonical form, as ``CanonicalJSON/write(_:into:)`` writes it, each string with
        /// ``plainString(_:)``: one that needs escapes is not written, and ``skippedEscapes`` is set.
        mutating func plainValue(_ value: JSONValue) {
            switch value {
            case .null: token("null")
            case .bool(let b): if b { token("true") } else { token("false") }
            case .integer(let i): integer(i)
            case .string(let s): plainString(s)
            case .array(let elements):
                byte(UInt8(ascii: "["))
                for n in elements.indices {
                    if n > 0 { byte(UInt8(ascii: ",")) }
                    plainValue(elements[n])
                }
                byte(UInt8(ascii: "]"))
            case .object(let members):
                byte(UInt8(ascii: "{"))
                if CanonicalJSON.membersInOrder(members) {
                    for n in members.indices { plainMember(members[n], first: n == 0) }
                } else {
                    CanonicalJSON.withMemberOrder(members) { order in
                        for (n, m) in order.enumerated() { plainMember(members[m], first: n == 0) }
                    }
                }
                byte(UInt8(ascii: "}"))
            }
        }

        /// `"name":value` with ``plainString(_:)`` and ``plainValue(_:)``, after a comma unless first.
        private mutating func plainMember(_ member: (String, JSONValue), first: Bool) {
            if !first { byte(UInt8(ascii: ",")) }
            plainString(member.0)
            byte(UInt8(ascii: ":"))
            plainValue(member.1)
        }

        /// `s` in canonical form: quoted, escaping only `"`, `\` and control characters.
        public mutating func string(_ s: String) {
            byte(0x22)
            stringContents(s)
            byte(0x22)
        }

        /// `s` in canonical form without its quotes.
        mutating func stringContents(_ s: String) {
            var s = s
            s.withUTF8 { bytes in
                if needsNoEscape(bytes), let from = bytes.baseAddress {
                    reserve(bytes.count).update(from: from, count: bytes.count)
                } else {
                    for b in bytes { escaped(b) }
                }
            }
        }

        private mutating func escaped(_ b: UInt8) {
            switch b {
            case 0x22, 0x5C: byte(0x5C); byte(b)
            case 0x08: byte(0x5C); byte(UInt8(ascii: "b"))
            case 0x0C: byte(0x5C); byte(UInt8(ascii: "f"))
            case 0x0A: byte(0x5C); byte(UInt8(ascii: "n"))
            case 0x0D: byte(0x5C); byte(UInt8(ascii: "r"))
            case 0x09: byte(0x5C); byte(UInt8(ascii: "t"))
            case 0x00..<0x20:
                token(#"\u00"#)
                byte(hexDigits[Int(b >> 4)])
                byte(hexDigits[Int(b & 0xF)])
            default: byte(b)
            }
        }

        /// `value` in canonical form: plain decimal.
        public mutating func integer(_ value: Int64) {
            if value < 0 { byte(UInt8(ascii: "-")) }
            var magnitude = value.magnitude, digits = 1
            while digits < 20, magnitude >= Self.powersOfTen[digits] { digits += 1 }
            let out = reserve(digits)
            for i in stride(from: digits - 1, through: 0, by: -1) {
                out[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
        }

        /// 10⁰ … 10¹⁹: where the digits of a 64-bit magnitude end.
        private static let powersOfTen: [UInt64] = (0..<20).map { n in (0..<n).reduce(1) { p, _ in p * 10 } }
    }

    /// Appends what `write` writes, at most `bound` bytes, to `out`: written on the stack and appended in
    /// one copy; past a kilobyte, written in `out`'s own storage, grown by `bound` and cut back to what
    /// was written.
    ///
    /// Why the kilobyte: up to it, the standard library's temporary allocation is on the stack without
    /// more ado; past it, the runtime is asked whether the stack has room, and the heap used if not.
    @inline(__always)
    public static func append(bound: Int, to out: inout [UInt8], _ write: (inout ReservedWriter) -> Void) {
        appendIfWritten(bound: bound, to: &out, ()) { w, _ in write(&w); return true }
    }

    /// Appends what `write` writes, at most `bound` bytes, to `out` if `write` returns true; else
    /// appends nothing and returns false. Written on the stack up to a kilobyte, else as
    /// ``append(bound:to:_:)`` writes (in `out`'s storage, cut back to what it held).
    ///
    /// `write` is handed `value` rather than capturing what it writes from: a closure's capture of a
    /// value with references copies it (a retain of each), where an argument is borrowed.
    @inline(__always) @discardableResult
    public static func appendIfWritten<Value>(bound: Int, to out: inout [UInt8], _ value: Value,
                                              _ write: (inout ReservedWriter, Value) -> Bool) -> Bool {
        guard bound <= 1024 else { return appendInPlace(bound: bound, to: &out, value, write) }
        // At least a byte: a buffer of none may have no address.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bound, 1)) { buffer in
            guard let base = buffer.baseAddress else { return false }
            var writer = ReservedWriter(base: base, capacity: buffer.count)
            guard write(&writer, value) else { return false }
            out.append(contentsOf: UnsafeRawBufferPointer(writer.written))
            return true
        }
    }

    /// ``appendIfWritten(bound:to:_:_:)`` written in `out`'s own storage: `bound` zero bytes appended,
    /// written over, and those not written (all of them, when `write` returns false) removed.
    @inline(never)
    static func appendInPlace<Value>(bound: Int, to out: inout [UInt8], _ value: Value,
                                     _ write: (inout ReservedWriter, Value) -> Bool) -> Bool {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        let end = out.withUnsafeMutableBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            var writer = ReservedWriter(base: base + start, capacity: bound)
            return write(&writer, value) ? start + writer.count : nil
        }
        out.removeSubrange((end ?? start)...)
        return end != nil
    }
}
