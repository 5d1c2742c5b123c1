#if canImport(Glibc)
import Glibc
#endif

/// The name of a stream: one programme entity, such as `indicator/IND-03`.
///
/// 1 to 200 ASCII characters: letters, digits and `- _ . : @ /`, starting with a letter or digit.
/// Names are case-sensitive and compared bytewise.
public struct StreamName: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral, FingerprintedName {
    public let rawValue: String
    /// FNV-1a of the name's bytes with the name's index range in its lowest four bits
    /// (``IndexWatermarks/fingerprint(ofName:)``), made once: what ``hash(into:)`` feeds the hasher.
    ///
    /// Why: streams key most of the dictionaries an append and a replay look up (versions, cached
    /// states, batches by stream), and hashing the name's text each time was nearly half of an
    /// append's dictionary lookups (callgrind, Round 15 in docs/BENCHMARKS.md). The hasher is still
    /// seeded per process; names are equal only when their texts are.
    public let fingerprint: UInt64

    /// Validates `text` as a stream name.
    ///
    /// `field` is made only when the name is refused: a payload's references name their field by its
    /// path (`payload.decision`), and joining that text for every reference read cost about 800
    /// instructions each (callgrind, Round 16).
    public init(validating text: String, field: @autoclosure () -> String = "stream") throws(FieldError) {
        guard StreamName.isValid(text) else { throw StreamName.invalid(String(text.prefix(60)), field: field()) }
        rawValue = text
        fingerprint = Self.fingerprint(of: text)
    }

    /// Validates UTF-8 `bytes` as a stream name (stored keys), without first making a string. The
    /// same bytes read again give the name made then (``StreamNameCache``).
    public init(validatingUTF8 bytes: UnsafeRawBufferPointer, field: @autoclosure () -> String = "stream") throws(FieldError) {
        let place = StreamNameCache.place(of: bytes)
        if let kept = StreamNameCache.shared.name(bytes, at: place) {
            self = kept
            return
        }
        guard StreamName.isValid(bytes) else { throw StreamName.invalid(String(decoding: bytes.prefix(60), as: UTF8.self), field: field()) }
        rawValue = String(decoding: bytes, as: UTF8.self)
        fingerprint = Self.fingerprint(of: bytes)
        StreamNameCache.shared.keep(self, at: place)
    }

    public static func == (a: StreamName, b: StreamName) -> Bool { a.fingerprint == b.fingerprint && a.rawValue == b.rawValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    static func fingerprint(of text: String) -> UInt64 {
        text.utf8.withContiguousStorageIfAvailable { fingerprint(of: UnsafeRawBufferPointer($0)) }
            ?? Array(text.utf8).withUnsafeBytes { fingerprint(of: $0) }
    }

    static func fingerprint(of bytes: UnsafeRawBufferPointer) -> UInt64 { IndexWatermarks.fingerprint(ofName: bytes) }

    /// The range of the bulk-written indexes this stream's entries fall in (``IndexWatermarks/range(ofName:)``),
    /// kept in the fingerprint.
    var indexRange: Int { IndexWatermarks.range(ofFingerprint: fingerprint) }

    static func invalid(_ shown: String, field: String) -> FieldError {
        FieldError(field: field, "a stream name is 1 to 200 characters of A-Z a-z 0-9 - _ . : @ /, starting with a letter or digit (got \"\(shown)\")")
    }

    /// For literals in code; an invalid literal is a programming error and traps.
    public init(stringLiteral value: String) {
        precondition(StreamName.isValid(value), "invalid stream name literal \(value)")
        rawValue = value
        fingerprint = Self.fingerprint(of: value)
    }

    /// `body` given the name's UTF-8 bytes, read in place (a name read from the log is stored
    /// contiguously): a key made of the name alone needs no array.
    @inlinable
    public func withUTF8<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var text = rawValue
        return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    public static func isValid(_ text: String) -> Bool {
        let u = text.utf8
        if let valid = u.withContiguousStorageIfAvailable({ isValid(UnsafeRawBufferPointer($0)) }) { return valid }
        return Array(u).withUnsafeBytes { isValid($0) }
    }

    /// Whether UTF-8 `bytes` form a stream name.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard (1...200).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        for b in bytes where !isNameByte(b) { return false }
        return true
    }

    @inline(__always) static func isNameByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A,
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"): true
        default: false
        }
    }

    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    public var description: String { rawValue }
    /// Bytewise order of the UTF-8 names (the order of the stores' keys).
    public static func < (a: StreamName, b: StreamName) -> Bool {
        let fast = a.rawValue.utf8.withContiguousStorageIfAvailable { x in
            b.rawValue.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let common = min(x.count, y.count)
                let order = if common > 0, let xa = x.baseAddress, let ya = y.baseAddress { memcmp(xa, ya, common) } else { Int32(0) }
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
        return (fast ?? nil) ?? a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8)
    }
}

/// Validation of event type names: a letter, then up to 63 letters or digits, such as `TargetChanged`.
public enum EventTypeName {
    public static func validate(_ text: String, field: String = "type") throws(FieldError) {
        let u = text.utf8
        let valid = u.withContiguousStorageIfAvailable { isValid(UnsafeRawBufferPointer($0)) } ?? Array(u).withUnsafeBytes { isValid($0) }
        guard valid else {
            throw FieldError(field: field, "an event type is a letter then up to 63 letters or digits (got \"\(text.prefix(60))\")")
        }
    }

    /// Whether UTF-8 `bytes` form an event type name: read from the buffer, as stream names are (a
    /// generic walk of the string's code units cost about a thousand instructions an event read).
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard (1...64).contains(bytes.count), (0x41...0x5A).contains(bytes[0]) || (0x61...0x7A).contains(bytes[0]) else { return false }
        for b in bytes where !StreamName.isAlphanumeric(b) { return false }
        return true
    }
}
