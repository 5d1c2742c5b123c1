/// A day in the proleptic Gregorian calendar, written `YYYY-MM-DD` (years 0001 to 9999).
///
/// Effective dates are days: a decree, an allocation or a target takes effect on a date, not at an
/// instant. The text form sorts in date order, so it also serves as an index key.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public let daysSinceEpoch: Int64

    public init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    /// The date with this year, month and day, or `nil` when there is no such day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CalendarDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        daysSinceEpoch = CalendarDate.days(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        guard let date = text.withUTF8({ CalendarDate(utf8: $0) }) else { return nil }
        self = date
    }

    /// Parses exactly `YYYY-MM-DD` from UTF-8 bytes, as ``init(_:)`` does from text.
    ///
    /// Each digit is read where it stands, not through slices of the buffer: a replay parses one or two
    /// dates an event (the effective date, and dates in payloads), and with the slices' digit loop a
    /// date took 272 instructions, 178 this way (callgrind, Round 51 in docs/BENCHMARKS.md).
    public init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        // A byte's value as a digit: 10 or more when it is not one (bytes below "0" wrap around).
        @inline(__always) func digit(_ i: Int) -> Int { Int(u[i] &- UInt8(ascii: "0")) }
        let y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3), m0 = digit(5), m1 = digit(6), d0 = digit(8), d1 = digit(9)
        guard y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10 else { return nil }
        self.init(year: ((y0 * 10 + y1) * 10 + y2) * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
    }

    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    public var year: Int { components.year }

    public var description: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else {
            return CalendarDate.pad(y, 4) + "-" + CalendarDate.pad(m, 2) + "-" + CalendarDate.pad(d, 2)
        }
        // Written digit by digit into the string's own storage: dates are formatted for every event.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            CalendarDate.writeDate(y, m, d, into: buffer, at: 0)
            return 10
        }
    }

    /// The most bytes ``writeQuoted(to:)`` writes: a year of at most 20 characters (a sign and 19
    /// digits), two 2-digit fields, two dashes and the quotes come to 28.
    public static let quotedBound = 32

    /// ``description`` in quotes, as ``CanonicalJSON/writeString(_:into:)`` writes it, written into memory
    /// reserved beforehand (at most ``quotedBound`` bytes) without making the string first (an event's
    /// canonical bytes hold its effective date).
    public func writeQuoted(to writer: inout CanonicalJSON.ReservedWriter) {
        let (y, m, d) = components
        guard (0...9999).contains(y) else { return writer.string(description) }
        let buffer = writer.bytes(12)
        buffer[0] = UInt8(ascii: "\"")
        Self.writeDate(y, m, d, into: buffer, at: 1)
        buffer[11] = UInt8(ascii: "\"")
    }

    /// ``description`` without quotes, inside a string being written (at most ``quotedBound`` less the
    /// two quotes): a milestone's status writes its day after its name.
    public func writeText(to writer: inout CanonicalJSON.ReservedWriter) {
        let (y, m, d) = components
        guard (0...9999).contains(y) else { return writer.stringContents(description) }
        Self.writeDate(y, m, d, into: writer.bytes(10), at: 0)
    }

    /// Writes `YYYY-MM-DD` (a year of four digits) into `buffer` from `start`.
    @inline(__always)
    static func writeDate(_ y: Int, _ m: Int, _ d: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        writeDigits(y, 4, into: buffer, at: start)
        buffer[start + 4] = UInt8(ascii: "-")
        writeDigits(m, 2, into: buffer, at: start + 5)
        buffer[start + 7] = UInt8(ascii: "-")
        writeDigits(d, 2, into: buffer, at: start + 8)
    }

    /// Writes `value` (not negative, at most `width` digits) as `width` decimal digits, zero-padded.
    static func writeDigits(_ value: Int, _ width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var v = value
        for i in stride(from: start + width - 1, through: start, by: -1) {
            buffer[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v % 10)
            v /= 10
        }
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    /// The date `n` days later (earlier when negative).
    public func adding(days n: Int64) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + n) }

    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func digits(_ s: some Collection<UInt8>) -> Int? {
        var v = 0
        for b in s {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { return nil }
            v = v * 10 + Int(b - UInt8(ascii: "0"))
        }
        return v
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
