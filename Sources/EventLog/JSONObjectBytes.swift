/// A flat JSON object read in place from its bytes: each member found by comparing its name's bytes,
/// each value made only when asked for.
///
/// Why: a replay reads every stored event's payload, and building it as a value tree (an array of
/// members, a string for each name) and then looking each field up in it by name was about a sixth of
/// the reading thread's instructions (callgrind, Round 18 in docs/BENCHMARKS.md). Stored payloads are
/// canonical JSON and nearly all of them flat, with ASCII strings: read here. Anything else (nested
/// values, escapes, text beyond ASCII, white space, a name twice, more than ``maximumMembers``) is left
/// to the parser and ``JSONFields``, which read it by the same rules.
public struct JSONObjectBytes: JSONObjectFields {
    /// Where a member's name and value lie in the object's bytes; an integer already read.
    struct Member {
        var name: Range<Int>
        var value: Range<Int>
        var kind: Kind
        var integer: Int64
    }

    enum Kind { case string, integer, `true`, `false`, null }

    /// The most members read in place: a payload has at most about a dozen.
    public static let maximumMembers = 16

    public let path: String
    let bytes: UnsafeBufferPointer<UInt8>
    let members: UnsafeMutableBufferPointer<Member>
    let count: Int

    /// `body` given the members of the object that is the whole of `bytes`, when it can be read in place:
    /// its names distinct and at most ``maximumMembers``, each value an ASCII string without escapes,
    /// an integer, `true`, `false` or `null`, with no white space; `nil` otherwise, without calling `body`.
    public static func withFields<R>(of bytes: UnsafeBufferPointer<UInt8>, path: String, _ body: (JSONObjectBytes) throws -> R) rethrows -> R? {
        try withUnsafeTemporaryAllocation(of: Member.self, capacity: maximumMembers) { storage -> R? in
            guard let (count, end) = scan(bytes, from: 0, into: storage), end == bytes.count else { return nil }
            return try body(JSONObjectBytes(path: path, bytes: bytes, members: storage, count: count))
        }
    }

    /// The number of members of the object that starts at `start` in `bytes`, each recorded in `members`,
    /// and where the object ends; `nil` when it cannot be read in place.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into members: UnsafeMutableBufferPointer<Member>) -> (count: Int, end: Int)? {
        var c = JSONParser.Cursor(bytes: bytes)
        c.index = start
        guard c.index < bytes.count, bytes[c.index] == UInt8(ascii: "{") else { return nil }
        c.index += 1
        var count = 0
        if c.index < bytes.count, bytes[c.index] == UInt8(ascii: "}") { return (0, c.index + 1) }
        while true {
            guard count < members.count, let name = plainString(&c) else { return nil }
            for m in members[..<count] where sameBytes(bytes, m.name, name) { return nil }
            guard c.index < bytes.count, bytes[c.index] == UInt8(ascii: ":") else { return nil }
            c.index += 1
            guard c.index < bytes.count else { return nil }
            var member = Member(name: name, value: c.index..<c.index, kind: .null, integer: 0)
            switch bytes[c.index] {
            case UInt8(ascii: "\""):
                guard let value = plainString(&c) else { return nil }
                member.value = value
                member.kind = .string
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard case .integer(let i)? = try? c.number() else { return nil }
                member.kind = .integer
                member.integer = i
            case UInt8(ascii: "t"):
                guard (try? c.expect("true", .bool(true))) != nil else { return nil }
                member.kind = .true
            case UInt8(ascii: "f"):
                guard (try? c.expect("false", .bool(false))) != nil else { return nil }
                member.kind = .false
            case UInt8(ascii: "n"):
                guard (try? c.expect("null", .null)) != nil else { return nil }
            default:
                return nil
            }
            members[count] = member
            count += 1
            guard c.index < bytes.count else { return nil }
            if bytes[c.index] == UInt8(ascii: ",") { c.index += 1; continue }
            guard bytes[c.index] == UInt8(ascii: "}") else { return nil }
            return (count, c.index + 1)
        }
    }

    /// The bytes between the quotes of the string at the cursor, moving past it, when it holds only
    /// printable ASCII and no escape; `nil` otherwise.
    static func plainString(_ c: inout JSONParser.Cursor) -> Range<Int>? {
        let bytes = c.bytes
        guard c.index < bytes.count, bytes[c.index] == UInt8(ascii: "\"") else { return nil }
        let start = c.index + 1
        var high: UInt8 = 0
        var end = JSONParser.Cursor.plainRun(in: bytes, from: start, high: &high)
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            let b = bytes[end]
            guard b >= 0x20, b < 0x80, b != UInt8(ascii: "\\") else { return nil }
            end += 1
        }
        guard high < 0x80, end < bytes.count else { return nil }
        c.index = end + 1
        return start..<end
    }

    /// Whether the bytes at `a` and at `b` in `bytes` are the same.
    static func sameBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count, let base = bytes.baseAddress else { return a.count == b.count }
        return JSONParser.Cursor.sameBytes(UnsafeRawPointer(base + a.lowerBound), UnsafeRawPointer(base + b.lowerBound), count: a.count)
    }

    /// Whether the bytes at `range` are `name`'s: compared eight at a time.
    func named(_ range: Range<Int>, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == name.count, let base = bytes.baseAddress, let other = name.baseAddress else { return range.count == name.count }
        return JSONParser.Cursor.sameBytes(UnsafeRawPointer(base + range.lowerBound), UnsafeRawPointer(other), count: name.count)
    }

    /// Whether the bytes at `range` are those of `name`: compared in place when the string's UTF-8 is
    /// contiguous (native strings, such as literals), else by its UTF-8 view.
    func named(_ range: Range<Int>, _ name: String) -> Bool {
        let utf8 = name.utf8
        guard utf8.count == range.count else { return false }
        return utf8.withContiguousStorageIfAvailable { named(range, $0) }
            ?? bytes[range].elementsEqual(utf8)
    }

    /// The member named `key`, if any.
    func member(_ key: String) -> Member? {
        for m in members[..<count] where named(m.name, key) { return m }
        return nil
    }

    public func value(_ key: String) -> JSONValue? {
        guard let m = member(key) else { return nil }
        switch m.kind {
        case .string: return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[m.value]), as: UTF8.self))
        case .integer: return .integer(m.integer)
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .null: return .null
        }
    }

    public func plainStringBytes(_ key: String) -> UnsafeBufferPointer<UInt8>? {
        guard let m = member(key), m.kind == .string else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[m.value])
    }

    /// ``firstMember(notIn:)-(MemberNames)`` of names made for this call (a payload's reader passes its
    /// own, made once).
    public func firstMember(notIn allowed: [String]) -> String? { firstMember(notIn: MemberNames(allowed)) }

    /// Each member's length and first sixteen bytes read in two loads (``NameKey``), compared with the
    /// names' made once; its bytes compared with a name's only when both agree and the name is longer.
    public func firstMember(notIn allowed: MemberNames) -> String? {
        allowed.keys.withUnsafeBufferPointer { keys -> String? in
            members: for m in members[..<count] {
                let key = NameKey(bytes, at: m.name.lowerBound, count: m.name.count)
                for i in keys.indices where keys[i] == key {
                    if key.count <= NameKey.whole || named(m.name, allowed.names[i]) { continue members }
                }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[m.name]), as: UTF8.self)
            }
            return nil
        }
    }
}
