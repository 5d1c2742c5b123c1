import Foundation

/// Reads typed fields out of a JSON object, turning every problem into a ``FieldError`` that names
/// the field's full path and the rule it broke.
public struct JSONFields: JSONObjectFields, Sendable {
    public let members: [(String, JSONValue)]
    /// The path of this object, such as `payload`; empty at the top level.
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(FieldError) {
        guard case .object(let members) = value else {
            throw FieldError(field: path.isEmpty ? "(line)" : path, "expected an object, got \(value.kindName)")
        }
        self.members = members
        self.path = path
    }

    public func value(_ key: String) -> JSONValue? { JSONValue.member(key, in: members) }

    /// The first member whose name is not in `allowed`, in member order: a payload's few names are best
    /// given as an array literal, found by comparing a handful of short strings, not by hashing each
    /// name into a new set on every call.
    public func firstMember(notIn allowed: [String]) -> String? {
        for (k, _) in members where !allowed.contains(k) { return k }
        return nil
    }

    /// Fails when the object has a member not in `allowed` (a set, for a long list of names).
    public func rejectUnknown(allowing allowed: Set<String>) throws(FieldError) {
        for (k, _) in members where !allowed.contains(k) { throw unknownField(k, allowed) }
    }
}

extension UUID {
    /// Lower-case text, as the canonical encoding writes it.
    public var canonicalString: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            writeCanonicalText(into: UnsafeMutableRawBufferPointer(buffer))
            return 36
        }
    }

    /// Writes the 36 characters of the lower-case `8-4-4-4-12` text into `buffer`, which holds 36 bytes.
    ///
    /// Eight digits at a time in a 64-bit word (``hexDigits(_:)``): digit by digit through a table, an
    /// id took about 350 instructions, and every event's canonical bytes hold one or more (callgrind,
    /// Round 23 in docs/BENCHMARKS.md).
    func writeCanonicalText(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 36, "an id's text is 36 bytes")
        let (high, low) = withUnsafeBytes(of: uuid) {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian, $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian)
        }
        let a = Self.hexDigits(UInt32(truncatingIfNeeded: high >> 32)), b = Self.hexDigits(UInt32(truncatingIfNeeded: high))
        let c = Self.hexDigits(UInt32(truncatingIfNeeded: low >> 32)), d = Self.hexDigits(UInt32(truncatingIfNeeded: low))
        // Each word holds its first digit in its most significant byte: stored big-endian, in order.
        buffer.storeBytes(of: a.bigEndian, toByteOffset: 0, as: UInt64.self)
        buffer[8] = UInt8(ascii: "-")
        buffer.storeBytes(of: UInt32(truncatingIfNeeded: b >> 32).bigEndian, toByteOffset: 9, as: UInt32.self)
        buffer[13] = UInt8(ascii: "-")
        buffer.storeBytes(of: UInt32(truncatingIfNeeded: b).bigEndian, toByteOffset: 14, as: UInt32.self)
        buffer[18] = UInt8(ascii: "-")
        buffer.storeBytes(of: UInt32(truncatingIfNeeded: c >> 32).bigEndian, toByteOffset: 19, as: UInt32.self)
        buffer[23] = UInt8(ascii: "-")
        buffer.storeBytes(of: UInt32(truncatingIfNeeded: c).bigEndian, toByteOffset: 24, as: UInt32.self)
        buffer.storeBytes(of: d.bigEndian, toByteOffset: 28, as: UInt64.self)
    }

    /// The eight lower-case hexadecimal digits of `value`, one a byte, the first in the most
    /// significant byte.
    @inline(__always)
    static func hexDigits(_ value: UInt32) -> UInt64 {
        // Each nibble spread to a byte of its own, in order…
        var x = UInt64(value)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // …then '0' added to each, and 'a' − '0' − 10 more to those of 10 and over.
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return x &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
    }

    /// Parses `8-4-4-4-12` hexadecimal text, either case; `nil` otherwise. Hand-written: Foundation's
    /// `UUID(uuidString:)` goes through `sscanf`, which showed in profiles of replay.
    public init?(text: String) {
        var text = text
        guard let id = text.withUTF8({ UUID(utf8: $0) }) else { return nil }
        self = id
    }

    /// Parses `8-4-4-4-12` hexadecimal UTF-8 bytes, either case, as ``init(text:)`` does from text.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        // The 32 digits gathered into two 64-bit halves: no array allocated per identifier.
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        var count = 0
        for (index, c) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x61...0x66: v = c - 0x61 + 10
            case 0x41...0x46: v = c - 0x41 + 10
            default: return nil
            }
            if count < 16 { high = high << 4 | UInt64(v) } else { low = low << 4 | UInt64(v) }
            count += 1
        }
        func byte(_ half: UInt64, _ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: half >> (56 - 8 * i)) }
        self.init(uuid: (byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5), byte(high, 6), byte(high, 7),
                         byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)))
    }
}
