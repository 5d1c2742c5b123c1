/// An exact decimal number, such as an amount of money or a measured value: a 128-bit integer
/// significand and a count of fractional digits. Never a binary floating-point number.
///
/// Its text form is `-?D+(.D+)?`: no exponent, no `+`, no grouping; at most 20 digits before the point
/// and 18 after, so that any two parsed values align to a common scale without overflow. `"12.50"` keeps
/// its two digits, though it compares equal to `"12.5"`.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let significand: Int128
    /// Digits after the decimal point, 0 to 18.
    public let scale: Int

    public static let maximumScale = 18
    public static let maximumIntegerDigits = 20
    public static let zero = ExactDecimal(significand: 0, scale: 0)

    public init(significand: Int128, scale: Int) {
        self.significand = significand
        self.scale = scale
    }

    /// Parses the text form; `nil` when it is not one.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        guard let d = text.withUTF8({ ExactDecimal(utf8: $0) }) else { return nil }
        self = d
    }

    /// Parses the text form from its UTF-8 bytes; `nil` when they are not one.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        var u = bytes[...]
        var negative = false
        if u.first == UInt8(ascii: "-") { negative = true; u = u.dropFirst() }
        guard let firstDigit = u.first, (0x30...0x39).contains(firstDigit) else { return nil }
        var value: Int128 = 0
        var scale = 0
        var seenPoint = false
        var integerDigits = 0
        for b in u {
            if b == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard (0x30...0x39).contains(b) else { return nil }
            if seenPoint { scale += 1 } else { integerDigits += 1 }
            guard scale <= ExactDecimal.maximumScale, integerDigits <= ExactDecimal.maximumIntegerDigits else { return nil }
            value = value * 10 + Int128(b - 0x30)
        }
        if seenPoint && scale == 0 { return nil }
        self.init(significand: negative ? -value : value, scale: scale)
    }

    /// The decimal the UTF-8 `bytes` write, when they write one with at most `integerDigits` digits
    /// before the point and `fractionDigits` after (a payload's limit, tighter than the type's); `nil`
    /// otherwise.
    static func limited(utf8 bytes: UnsafeBufferPointer<UInt8>, integerDigits: Int, fractionDigits: Int) -> ExactDecimal? {
        guard let d = ExactDecimal(utf8: bytes) else { return nil }
        // The digits after the point are the scale; those before it the rest but a sign.
        let before = bytes.count - (bytes.first == UInt8(ascii: "-") ? 1 : 0) - (d.scale > 0 ? d.scale + 1 : 0)
        return before <= integerDigits && d.scale <= fractionDigits ? d : nil
    }

    public init(_ integer: Int) { self.init(significand: Int128(integer), scale: 0) }

    public var description: String { text(grouped: false) }

    /// The text form, with a comma between each three integer digits when `grouped`.
    ///
    /// Digits written from the right into one buffer: at most 39 digits, 12 commas, a point and a sign.
    /// Grouped text was made from the ungrouped text's bytes, a third of an allocation's audit row
    /// (callgrind, Round 19 in docs/BENCHMARKS.md); both are written here in one pass.
    ///
    /// `prefix` (such as a currency code and a space) is written before the digits, in the same string:
    /// `Money`'s text joined the two by interpolation, a third string made and freed for each amount an
    /// audit row shows (callgrind, Round 22 in docs/BENCHMARKS.md).
    ///
    /// Written on the stack and then made a string: most texts (a value, an amount with its currency)
    /// fit in a string's 15 inline bytes, where a string made with room for the longest text was
    /// allocated whatever its length, and freed after (callgrind, Round 40 in docs/BENCHMARKS.md).
    func text(grouped: Bool, prefix: String = "") -> String {
        var prefix = prefix
        return prefix.withUTF8 { text(grouped: grouped, prefix: $0, spaced: false) }
    }

    /// ``text(grouped:prefix:)`` after `prefix`'s UTF-8 and, when `spaced`, a space (a currency's code
    /// before an amount: the code and the space were joined into a string for each amount shown).
    ///
    /// The prefix is written just before the digits, which end where the buffer does, and the string
    /// made from there: the digits were written at the end and then moved behind the prefix, a byte at
    /// a time (callgrind, Round 55 in docs/BENCHMARKS.md).
    func text(grouped: Bool, prefix before: UnsafeBufferPointer<UInt8>, spaced: Bool) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.textBound + before.count + 1) { out in
            var at = writeDigits(grouped: grouped, endingAt: out)
            if spaced { at -= 1; out[at] = UInt8(ascii: " ") }
            at -= before.count
            if let from = before.baseAddress, let to = out.baseAddress { (to + at).update(from: from, count: before.count) }
            return String(decoding: UnsafeBufferPointer(rebasing: out[at...]), as: UTF8.self)
        }
    }

    /// The most bytes a text takes beside its prefix: 39 digits, 12 commas, a point and a sign, and one
    /// to spare.
    static let textBound = 54

    /// Writes the digits of ``text(grouped:prefix:)`` (its sign, commas and point with them) at the end
    /// of `out`, which has room for ``textBound`` bytes; where they start.
    func writeDigits(grouped: Bool, endingAt out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var at = out.count
        var magnitude = significand.magnitude
        var written = 0
        // At least one digit before the point: 5 at scale 2 is "0.05".
        while written <= scale || magnitude != 0 {
            if written == scale, scale > 0 { at -= 1; out[at] = UInt8(ascii: ".") }
            if grouped, written > scale, (written - scale) % 3 == 0 { at -= 1; out[at] = UInt8(ascii: ",") }
            let digit: UInt8
            if magnitude <= UInt128(UInt64.max) {   // the common case: 64-bit division is far cheaper
                let small = UInt64(truncatingIfNeeded: magnitude)
                digit = UInt8(small % 10)
                magnitude = UInt128(small / 10)
            } else {
                digit = UInt8(magnitude % 10)
                magnitude /= 10
            }
            at -= 1
            out[at] = UInt8(ascii: "0") + digit
            written += 1
        }
        if significand < 0 { at -= 1; out[at] = UInt8(ascii: "-") }
        return at
    }

    public var isPositive: Bool { significand > 0 }
    public var isNegative: Bool { significand < 0 }

    /// The same value written with `newScale` fractional digits; `nil` if that would drop non-zero digits.
    public func rescaled(to newScale: Int) -> ExactDecimal? {
        if newScale == scale { return self }
        if newScale > scale {
            var s = significand
            for _ in scale..<newScale {
                let (next, overflow) = s.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                s = next
            }
            return ExactDecimal(significand: s, scale: newScale)
        }
        var s = significand
        for _ in newScale..<scale {
            guard s % 10 == 0 else { return nil }
            s /= 10
        }
        return ExactDecimal(significand: s, scale: newScale)
    }

    /// Both values at their common scale. Values within the parsed range (20 + 18 digits) and sums of
    /// them always fit; beyond that is a programming error, and traps rather than giving a wrong answer.
    static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int128, Int128, Int) {
        let scale = max(a.scale, b.scale)
        guard let x = a.rescaled(to: scale), let y = b.rescaled(to: scale) else {
            preconditionFailure("ExactDecimal overflow aligning \(a) and \(b)")
        }
        return (x.significand, y.significand, scale)
    }

    public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        let (x, y, s) = aligned(a, b)
        return ExactDecimal(significand: x + y, scale: s)
    }

    public static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        let (x, y, s) = aligned(a, b)
        return ExactDecimal(significand: x - y, scale: s)
    }

    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let (x, y, _) = aligned(a, b)
        return x == y
    }

    public func hash(into hasher: inout Hasher) {
        // Equal values hash equally whatever their scale: hash the value with trailing zeros removed.
        var s = significand, k = scale
        while k > 0, s % 10 == 0 { s /= 10; k -= 1 }
        hasher.combine(s)
        hasher.combine(k)
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let (x, y, _) = aligned(a, b)
        return x < y
    }

    /// The value with digit grouping for people to read, such as `1,300,000,000,000.00`.
    public var grouped: String { text(grouped: true) }
}
