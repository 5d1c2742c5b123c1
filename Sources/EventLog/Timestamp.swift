import Foundation

/// An instant in UTC with microsecond precision: when the ledger recorded an event.
///
/// The canonical text is `YYYY-MM-DDTHH:MM:SS.ffffffZ`, always with six fractional digits, so that
/// the text sorts in time order. It is formatted and parsed by hand, off Foundation's slow formatters.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = microsecondsSinceEpoch }

    /// The current time from the system clock.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microsecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }

    /// Midnight UTC at the start of `date`.
    public init(startOf date: CalendarDate) {
        microsecondsSinceEpoch = date.daysSinceEpoch * 86_400_000_000
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microsecondsSinceEpoch < b.microsecondsSinceEpoch }

    /// The UTC calendar day this instant falls on.
    public var date: CalendarDate {
        let us = microsecondsSinceEpoch
        let day = us >= 0 ? us / 86_400_000_000 : (us - 86_399_999_999) / 86_400_000_000
        return CalendarDate(daysSinceEpoch: day)
    }

    public var description: String {
        // Written into the string's own storage: every event and audit row carries a timestamp.
        if let fields = canonicalFields {
            return String(unsafeUninitializedCapacity: 27) { fields.write(into: $0, at: 0); return 27 }
        }
        let (seconds, fraction) = timeOfDay
        return date.description + "T" + CalendarDate.pad(seconds / 3600, 2) + ":"
            + CalendarDate.pad(seconds / 60 % 60, 2) + ":" + CalendarDate.pad(seconds % 60, 2)
            + "." + CalendarDate.pad(fraction, 6) + "Z"
    }

    /// Seconds since midnight UTC and the microseconds past the second.
    private var timeOfDay: (seconds: Int, fraction: Int) {
        let within = microsecondsSinceEpoch - date.daysSinceEpoch * 86_400_000_000
        return (Int(within / 1_000_000), Int(within % 1_000_000))
    }

    /// The fields of the canonical text, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, for a year of four digits.
    private struct CanonicalFields {
        let year: Int, month: Int, day: Int, seconds: Int, fraction: Int

        /// Writes the 27 bytes of the text into `buffer` from `start`.
        func write(into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
            CalendarDate.writeDate(year, month, day, into: buffer, at: start)
            buffer[start + 10] = UInt8(ascii: "T")
            CalendarDate.writeDigits(seconds / 3600, 2, into: buffer, at: start + 11)
            buffer[start + 13] = UInt8(ascii: ":")
            CalendarDate.writeDigits(seconds / 60 % 60, 2, into: buffer, at: start + 14)
            buffer[start + 16] = UInt8(ascii: ":")
            CalendarDate.writeDigits(seconds % 60, 2, into: buffer, at: start + 17)
            buffer[start + 19] = UInt8(ascii: ".")
            CalendarDate.writeDigits(fraction, 6, into: buffer, at: start + 20)
            buffer[start + 26] = UInt8(ascii: "Z")
        }
    }

    /// The fields of the canonical text; nil for a year outside 0000–9999 (whose text is not 27 bytes).
    private var canonicalFields: CanonicalFields? {
        let (y, m, d) = date.components
        guard (0...9999).contains(y) else { return nil }
        let (seconds, fraction) = timeOfDay
        return CanonicalFields(year: y, month: m, day: d, seconds: seconds, fraction: fraction)
    }

    /// The most bytes ``writeQuoted(to:)`` writes: a date of at most 26 characters (its year, from
    /// 64-bit microseconds, far fewer), `T`, the 16 characters of the time and the quotes come to 45.
    static let quotedBound = 48

    /// ``description`` in quotes, as ``CanonicalJSON/writeString(_:into:)`` writes it, written into memory
    /// reserved beforehand (at most ``quotedBound`` bytes) without making the string first.
    ///
    /// Why: every event's canonical bytes hold the time it was recorded, and the 27-byte string (too
    /// long to be stored inline) was allocated, scanned for escapes, copied and freed: about 1,400
    /// instructions an event of the encoding thread (callgrind, Round 21 in docs/BENCHMARKS.md).
    func writeQuoted(to writer: inout CanonicalJSON.ReservedWriter) {
        guard let fields = canonicalFields else { return writer.string(description) }
        let buffer = writer.bytes(29)
        buffer[0] = UInt8(ascii: "\"")
        fields.write(into: buffer, at: 1)
        buffer[28] = UInt8(ascii: "\"")
    }

    /// Parses exactly the canonical form `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    ///
    /// Read at fixed positions, since every stored event carries one: the same texts as ``description``
    /// makes (years 0001–9999, a real date, hours under 24, minutes and seconds under 60).
    public init?(canonical text: some StringProtocol) {
        var text = String(text)
        guard let parsed = text.withUTF8({ Timestamp(canonicalUTF8: $0) }) else { return nil }
        self = parsed
    }

    /// Parses exactly the canonical form from UTF-8 bytes, as ``init(canonical:)`` does from text:
    /// stored events are read without first making a string of their time.
    public init?(canonicalUTF8 raw: UnsafeBufferPointer<UInt8>) {
        guard raw.count == 27 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                let d = raw[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        // The date is the first ten bytes, read as a stored date is (``CalendarDate/init(utf8:)``).
        guard raw[10] == UInt8(ascii: "T"), raw[13] == UInt8(ascii: ":"), raw[16] == UInt8(ascii: ":"), raw[19] == UInt8(ascii: "."),
              raw[26] == UInt8(ascii: "Z"), let date = CalendarDate(utf8: UnsafeBufferPointer(rebasing: raw[0..<10])),
              let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2), let f = number(20, 6), h < 24, mi < 60, s < 60
        else { return nil }
        microsecondsSinceEpoch = date.daysSinceEpoch * 86_400_000_000 + Int64((h * 3600 + mi * 60 + s) * 1_000_000 + f)
    }

    /// Parses `YYYY-MM-DD` (midnight UTC), or `YYYY-MM-DDTHH:MM[:SS[.f…]]` followed by `Z` or `±HH:MM`,
    /// with at most six fractional digits.
    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count >= 10, let date = CalendarDate(String(decoding: u[0..<10], as: UTF8.self)) else { return nil }
        if u.count == 10 { self.init(startOf: date); return }
        guard u.count >= 16, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "),
              let hh = CalendarDate.digits(u[11..<13]), u[13] == UInt8(ascii: ":"),
              let mm = CalendarDate.digits(u[14..<16]), hh < 24, mm < 60 else { return nil }
        var i = 16
        var ss = 0
        var micros = 0
        if i < u.count, u[i] == UInt8(ascii: ":") {
            guard i + 3 <= u.count, let s = CalendarDate.digits(u[(i + 1)..<(i + 3)]), s < 60 else { return nil }
            ss = s
            i += 3
            if i < u.count, u[i] == UInt8(ascii: ".") {
                i += 1
                var n = 0
                while i < u.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(u[i]) {
                    guard n < 6 else { return nil }
                    micros = micros * 10 + Int(u[i] - UInt8(ascii: "0"))
                    n += 1
                    i += 1
                }
                guard n > 0 else { return nil }
                for _ in n..<6 { micros *= 10 }
            }
        }
        var offsetMinutes = 0
        guard i < u.count else { return nil }
        if u[i] == UInt8(ascii: "Z"), i + 1 == u.count {
            offsetMinutes = 0
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-"), i + 6 == u.count,
                  let oh = CalendarDate.digits(u[(i + 1)..<(i + 3)]), u[i + 3] == UInt8(ascii: ":"),
                  let om = CalendarDate.digits(u[(i + 4)..<(i + 6)]), oh < 24, om < 60 {
            offsetMinutes = (oh * 60 + om) * (u[i] == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return nil
        }
        let seconds = Int64(hh * 3600 + mm * 60 + ss) - Int64(offsetMinutes * 60)
        self.init(microsecondsSinceEpoch: date.daysSinceEpoch * 86_400_000_000 + seconds * 1_000_000 + Int64(micros))
    }
}
