/// A JSON value as pledger reads and writes it: objects keep their members in order, and numbers
/// are integers only, because an event never holds a binary floating-point number.
///
/// Exact decimals (money, measured values) travel as strings such as `"1300000000000.00"`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// The largest integer magnitude pledger accepts: 2^53 − 1, which every JSON reader holds exactly.
    public static let maximumSafeInteger: Int64 = 9_007_199_254_740_991

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .integer(let i): hasher.combine(i)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o):
            hasher.combine(o.count)
            for (k, v) in o { hasher.combine(k); hasher.combine(v) }
        }
    }

    /// The member `key` of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return Self.member(key, in: members)
    }

    /// The value of member `key` among `members`, or `nil`. Comparing lengths first spares most unequal
    /// names the general string comparison.
    static func member(_ key: String, in members: [(String, JSONValue)]) -> JSONValue? {
        let length = key.utf8.count
        return members.first { $0.0.utf8.count == length && $0.0 == key }?.1
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
