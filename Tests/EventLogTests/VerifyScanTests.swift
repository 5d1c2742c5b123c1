import PropertyBased
import Testing

@testable import EventLog

/// The byte scans `pledger verify` runs on every stored event, against plain byte-by-byte versions.
@Suite struct VerifyScanTests {
    /// The top-level `seq` the old way: the last `,"seq":` found byte by byte from the end, then its digits.
    static func naiveClaimedSequence(_ bytes: [UInt8]) -> UInt64? {
        let needle = Array(#","seq":"#.utf8)
        guard bytes.count > needle.count else { return nil }
        for i in stride(from: bytes.count - needle.count, through: 0, by: -1) where Array(bytes[i ..< i + needle.count]) == needle {
            let digits = bytes[(i + needle.count)...].prefix { (0x30...0x39).contains($0) }.prefix(19)
            return digits.isEmpty ? nil : digits.reduce(0) { $0 * 10 + UInt64($1 - 0x30) }
        }
        return nil
    }

    static func claimed(_ bytes: [UInt8]) -> UInt64? { bytes.withUnsafeBytes { EventLog.claimedSequence($0) } }

    /// Texts made of pieces that put the needle, parts of it and digits anywhere: at the very start, at
    /// the very end with no digits after it, twice, cut short.
    @Test func theClaimedSequenceIsTheLastNeedlesDigits() async {
        // `q` is what the scan looks for, eight bytes at a time; `p` is the byte that can make it look twice.
        let pieces = [#","seq":"#, #","seq":"#, #""seq":"#, #",""#, "7", "12", "99999999999999999999", "{", "}", ",", "a", #"""#, ":", "s", "q", "p", "eq"]
        await propertyCheck(count: 600, input: Gen.int(in: 0...(pieces.count - 1)).array(of: 0...40)) { picks in
            let bytes = Array(picks.map { pieces[$0] }.joined().utf8)
            #expect(Self.claimed(bytes) == Self.naiveClaimedSequence(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test(arguments: [
        (#","seq":12"#, UInt64?(12)), (#","seq":1"#, 1), (#","seq":"#, nil), (#"x,"seq":"#, nil), (#",seq":1"#, nil),
        (#"{"a":1,"seq":42,"source":"s"}"#, 42), (#"{"payload":{"seq":7},"seq":8,"type":"T"}"#, 8), (#"{"seq":8}"#, nil),
        (#","seq":5,"seq":"#, nil), (#","seq":5,"x":",\"seq\":6"}"#, 5),
    ])
    func theClaimedSequenceOf(_ text: String, _ expected: UInt64?) {
        #expect(Self.claimed(Array(text.utf8)) == expected)
        #expect(Self.naiveClaimedSequence(Array(text.utf8)) == expected)
    }

    /// Buffers of any length, the same or differing in one byte anywhere (or in length).
    @Test func sameBytesIsByteEquality() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...255).array(of: 0...70), Gen.int(in: 0...80), Gen.int(in: 0...2)) { raw, at, how in
            let a = raw.map { UInt8($0) }
            var b = a
            switch how {
            case 0: break
            case 1 where !b.isEmpty: b[at % b.count] ^= 0x01
            default: b.append(UInt8(at))
            }
            let same = a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.hasSameBytes(as: y) } }
            #expect(same == (a == b))
        }
    }
}
