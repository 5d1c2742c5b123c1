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

    /// Appends the canonical text in quotes, as a JSON string: every event carries at least one id.
    func writeCanonicalJSON(into out: inout [UInt8]) {
        out.append(0x22)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: 36))
        out.withUnsafeMutableBytes { writeCanonicalText(into: UnsafeMutableRawBufferPointer(rebasing: $0[start..<(start + 36)])) }
        out.append(0x22)
    }

    /// Writes the 36 characters of the lower-case `8-4-4-4-12` text into `buffer`, which holds 36 bytes.
    private func writeCanonicalText(into buffer: UnsafeMutableRawBufferPointer) {
        CanonicalJSON.hexDigits.withUnsafeBufferPointer { hex in
            withUnsafeBytes(of: uuid) { bytes in
                var at = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { buffer[at] = UInt8(ascii: "-"); at += 1 }
                    buffer[at] = hex[Int(bytes[i] >> 4)]
                    buffer[at + 1] = hex[Int(bytes[i] & 0xF)]
                    at += 2
                }
            }
        }
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
