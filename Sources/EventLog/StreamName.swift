/// The name of a stream: one programme entity, such as `indicator/IND-03`.
///
/// 1 to 200 ASCII characters: letters, digits and `- _ . : @ /`, starting with a letter or digit.
/// Names are case-sensitive and compared bytewise.
public struct StreamName: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    /// Validates `text` as a stream name.
    public init(validating text: String, field: String = "stream") throws(FieldError) {
        guard StreamName.isValid(text) else {
            throw FieldError(field: field, "a stream name is 1 to 200 characters of A-Z a-z 0-9 - _ . : @ /, starting with a letter or digit (got \"\(text.prefix(60))\")")
        }
        rawValue = text
    }

    /// For literals in code; an invalid literal is a programming error and traps.
    public init(stringLiteral value: String) {
        precondition(StreamName.isValid(value), "invalid stream name literal \(value)")
        rawValue = value
    }

    public static func isValid(_ text: String) -> Bool {
        let u = text.utf8
        guard (1...200).contains(u.count), let first = u.first, isAlphanumeric(first) else { return false }
        return u.allSatisfy { isAlphanumeric($0) || "-_.:@/".utf8.contains($0) }
    }

    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    public var description: String { rawValue }
    public static func < (a: StreamName, b: StreamName) -> Bool { a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8) }
}

/// Validation of event type names: a letter, then up to 63 letters or digits, such as `TargetChanged`.
public enum EventTypeName {
    public static func validate(_ text: String, field: String = "type") throws(FieldError) {
        let u = text.utf8
        guard (1...64).contains(u.count), let first = u.first,
              (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first),
              u.allSatisfy(StreamName.isAlphanumeric) else {
            throw FieldError(field: field, "an event type is a letter then up to 63 letters or digits (got \"\(text.prefix(60))\")")
        }
    }
}
