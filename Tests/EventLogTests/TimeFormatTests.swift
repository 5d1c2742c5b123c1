@testable import EventLog
import Foundation
import Testing

/// Dates and timestamps are formatted digit by digit for speed; the text must be what `String(format:)`
/// makes of their components, and must parse back to the same value.
@Suite struct TimeFormatTests {
    @Test(arguments: [Int64(-719_528), -1, 0, 1, 20_454, 22_279, 2_932_896])   // 0000-01-01 … 9999-12-31
    func aDateIsItsZeroPaddedComponents(around day: Int64) throws {
        for d in (day - 400)...(day + 400) {
            let date = CalendarDate(daysSinceEpoch: d)
            let (y, m, dd) = date.components
            guard (0...9999).contains(y) else { continue }
            #expect(date.description == String(format: "%04d-%02d-%02d", y, m, dd))
            if y >= 1 { #expect(CalendarDate(date.description) == date) }   // the parser takes years 0001–9999
        }
    }

    /// Every byte at every place of a date's text: parsed exactly when the dashes stand at 4 and 7,
    /// every other place is a digit, and the year, month and day name a day of years 0001–9999; then
    /// to the date whose text it is.
    @Test func everyByteAtEveryPlaceOfADate() {
        for text in ["2028-02-29", "2027-12-31", "0001-01-01", "9999-12-31"] {
            for place in 0..<10 {
                for b in UInt8.min...UInt8.max {
                    var bytes = Array(text.utf8)
                    bytes[place] = b
                    let parsed = bytes.withUnsafeBufferPointer { CalendarDate(utf8: $0) }
                    let digits = bytes.indices.filter { $0 != 4 && $0 != 7 }
                    var expected: String?
                    if bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), digits.allSatisfy({ (48...57).contains(bytes[$0]) }) {
                        let s = String(decoding: bytes, as: UTF8.self)
                        let y = Int(s.prefix(4)) ?? 0, m = Int(s.dropFirst(5).prefix(2)) ?? 0, d = Int(s.suffix(2)) ?? 0
                        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
                        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
                        if (1...9999).contains(y), (1...12).contains(m), (1...days[m - 1]).contains(d) { expected = s }
                    }
                    #expect(parsed?.description == expected, "byte \(b) at \(place) of \(text)")
                }
            }
            #expect(Array(text.utf8).withUnsafeBufferPointer { CalendarDate(utf8: $0) }?.description == text)
        }
        for short in ["2026-01-1", "2026-01-011", ""] {
            #expect(Array(short.utf8).withUnsafeBufferPointer { CalendarDate(utf8: $0) } == nil)
        }
    }

    /// An event's canonical bytes take a date and a time written straight into them: the bytes are
    /// those of their text written as a JSON string, for every year, in range or not.
    @Test func datesAndTimesWrittenInQuotesAreTheirTextsAsJSONStrings() {
        func quoted(_ text: String) -> [UInt8] {
            var out: [UInt8] = []
            CanonicalJSON.writeString(text, into: &out)
            return out
        }
        for day in [Int64(-800_000), -719_528, -1, 0, 20_454, 2_932_896, 2_933_000] {
            for d in (day - 40)...(day + 40) {
                let date = CalendarDate(daysSinceEpoch: d)
                var out: [UInt8] = [0x41]
                CanonicalJSON.append(bound: CalendarDate.quotedBound, to: &out) { date.writeQuoted(to: &$0) }
                #expect(out == [0x41] + quoted(date.description), "\(d)")
                let t = Timestamp(microsecondsSinceEpoch: d * 86_400_000_000 + 86_399_999_999)
                var time: [UInt8] = []
                CanonicalJSON.append(bound: Timestamp.quotedBound, to: &time) { t.writeQuoted(to: &$0) }
                #expect(time == quoted(t.description), "\(d)")
            }
        }
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<5_000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let t = Timestamp(microsecondsSinceEpoch: Int64(x % 4_102_444_800_000_000))
            var out: [UInt8] = []
            CanonicalJSON.append(bound: Timestamp.quotedBound, to: &out) { t.writeQuoted(to: &$0) }
            #expect(out == quoted(t.description))
        }
    }

    @Test func aTimestampIsItsZeroPaddedFieldsAndParsesBack() throws {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            // Any instant from 1970 to 2100, to the microsecond.
            let us = Int64(x % 4_102_444_800_000_000)
            let t = Timestamp(microsecondsSinceEpoch: us)
            let seconds = (us / 1_000_000) % 86_400
            let expected = t.date.description + String(format: "T%02lld:%02lld:%02lld.%06lldZ", seconds / 3600, seconds / 60 % 60, seconds % 60, us % 1_000_000)
            #expect(t.description == expected)
            #expect(Timestamp(canonical: t.description) == t)
        }
    }

    @Test(arguments: ["2026-11-22T12:00:00Z", "2026-11-22T12:00:00.000000+00:00", "2026-11-22t12:00:00.000000Z", "2026-11-22 12:00:00.000000Z",
                      "2026-11-22T24:00:00.000000Z", "2026-11-22T12:60:00.000000Z", "2026-11-22T12:00:60.000000Z", "2026-02-30T12:00:00.000000Z",
                      "0000-01-01T00:00:00.000000Z", "2026-11-22T12:00:00.00000aZ", "2026-1-022T12:00:00.000000Z", "２026-11-22T12:00:00.00000Z"])
    func aTextNotInCanonicalFormIsRefused(_ text: String) {
        #expect(Timestamp(canonical: text) == nil)
    }
}
