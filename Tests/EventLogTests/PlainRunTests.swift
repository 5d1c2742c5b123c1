@testable import EventLog
import PropertyBased
import Testing

/// `JSONParser.Cursor.plainRun(in:from:high:)`, which every reader of a string uses to pass over its
/// plain bytes (sixteen at a time, then eight), against a byte-at-a-time reading of the same bytes.
@Suite struct PlainRunTests {
    /// Bytes drawn mostly plain, with the bytes that end a run (a quote, a backslash, control
    /// characters) and bytes with the top bit set among them, in inputs of every length around the
    /// sixteen- and eight-byte steps, from every kind of start.
    @Test func aRunEndsAtItsFirstStopByteAndSeesItsHighBytes() async {
        let byte = Gen.int(in: 0...99).map { n -> UInt8 in
            switch n {
            case 0..<3: UInt8(ascii: "\"")
            case 3..<5: UInt8(ascii: "\\")
            case 5..<7: UInt8(n * 5)              // 0x19, 0x1E: control characters
            case 7: 0x1F
            case 8: 0x20                          // the first byte that is not one
            case 9..<12: UInt8(0x80 + n * 10)     // top bit set
            case 12: 0xFF
            default: UInt8(0x21 + (n * 7) % 0x5E) // printable ASCII, with quotes and backslashes too
            }
        }
        await propertyCheck(count: 2_000, input: byte.array(of: 0...80), Gen.int(in: 0...80)) { bytes, startDraw in
            let start = min(startDraw, bytes.count)
            var high: UInt8 = 0
            let end = bytes.withUnsafeBufferPointer { JSONParser.Cursor.plainRun(in: $0, from: start, high: &high) }
            let stop = bytes[start...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 } ?? bytes.count
            // It never passes a stop byte, and stops short of the first only where fewer than eight bytes
            // are left, for the byte loop to go on from.
            #expect(end >= start)
            #expect(end <= stop)
            #expect(end == stop || bytes.count - end < 8)
            #expect((high & 0x80 != 0) == bytes[start..<end].contains { $0 >= 0x80 })
        }
    }

    /// A long run of 70 bytes: the stop byte at each position, and none at all. Four sixteen-byte steps
    /// reach byte 64, where fewer than eight are left: a stop there or later is the byte loop's.
    @Test func aLongRunStopsExactlyAtEachPosition() {
        let plain = [UInt8](repeating: UInt8(ascii: "a"), count: 70)
        for position in 0...plain.count {
            for stop in [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A] {
                var bytes = plain
                if position < bytes.count { bytes[position] = stop }
                var high: UInt8 = 0
                let end = bytes.withUnsafeBufferPointer { JSONParser.Cursor.plainRun(in: $0, from: 0, high: &high) }
                #expect(end == min(position, 64), "stop at \(position)")
                #expect(high == 0)
            }
        }
    }
}
