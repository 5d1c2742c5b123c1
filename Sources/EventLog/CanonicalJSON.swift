#if canImport(Glibc)
import Glibc
#endif

/// Writes the canonical form of a ``JSONValue``: the bytes pledger stores and hashes.
///
/// The form is that of RFC 8785 (JSON Canonicalization Scheme) for pledger's value space: no white
/// space; object members sorted by name, bytewise on UTF-8 (the same order as UTF-16 for the ASCII
/// names pledger uses, and enforced for all names); integers in plain decimal; strings escaping only
/// `"` and `\` and control characters (`\b \f \n \r \t`, else `\u00xx` in lower-case hex); every other
/// character as its own UTF-8 bytes. `docs/FORMAT.md` states it in full.
public enum CanonicalJSON {
    /// The canonical bytes of `value`.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(value, into: &out)
        return out
    }

    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: nullBytes)
        case .bool(let b): out.append(contentsOf: b ? trueBytes : falseBytes)
        case .integer(let i): writeInteger(i, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (n, e) in elements.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                write(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            if membersInOrder(members) {
                for n in members.indices { writeMember(members[n], first: n == 0, into: &out) }
            } else {
                withMemberOrder(members) { order in
                    for (n, m) in order.enumerated() { writeMember(members[m], first: n == 0, into: &out) }
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Whether `members` are in canonical order already, as they usually arrive: checked before paying
    /// for a sort.
    @inline(__always)
    static func membersInOrder(_ members: [(String, JSONValue)]) -> Bool {
        var i = 1
        while i < members.count {
            guard utf8Precedes(members[i - 1].0, members[i].0) else { return false }
            i += 1
        }
        return true
    }

    /// `"name":value`, after a comma unless it is the object's first member.
    private static func writeMember(_ member: (String, JSONValue), first: Bool, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        writeString(member.0, into: &out)
        out.append(UInt8(ascii: ":"))
        write(member.1, into: &out)
    }

    /// Calls `body` with the positions of `members` in canonical order (bytewise by name).
    ///
    /// Why positions: sorting the members themselves moved each name and value, a retain and a release
    /// for every move, and an entity's definition (written once for each new entity a replay meets) spent
    /// half its encoding there (callgrind, Round 16 in docs/BENCHMARKS.md). An object has a handful of
    /// members: an insertion sort on a buffer on the stack, no array allocated; a large object (a
    /// payload may hold one) is sorted by the standard library's sort, stable too.
    static func withMemberOrder(_ members: [(String, JSONValue)], _ body: (UnsafeBufferPointer<Int>) -> Void) {
        guard members.count <= 32 else {
            let order = members.indices.sorted { utf8Precedes(members[$0].0, members[$1].0) }
            order.withUnsafeBufferPointer(body)
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: members.count) { order in
            for n in 0..<members.count {
                var at = n
                while at > 0, utf8Precedes(members[n].0, members[order[at - 1]].0) {
                    order[at] = order[at - 1]
                    at -= 1
                }
                order[at] = n
            }
            body(UnsafeBufferPointer(order))
        }
    }

    /// Lower-case hexadecimal digits: `\u00xx` escapes here, ids' text and hashes' hex elsewhere.
    static let hexDigits = Array("0123456789abcdef".utf8)
    static let nullBytes = Array("null".utf8), trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    /// Bytewise order of UTF-8: the order of canonical member names.
    ///
    /// Most names differ in their first byte, which decides without the names' bytes being brought
    /// together (a short name is copied out of its string for that): a payload's members are compared
    /// for every event appended, to check their order and to sort them when it is not canonical (half
    /// the comparisons' instructions on the encoding thread: callgrind, Round 22 in docs/BENCHMARKS.md).
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        if let x = a.utf8.first, let y = b.utf8.first, x != y { return x < y }
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in
            let common = min(x.count, y.count)
            if common > 0, let base = x.baseAddress, let other = y.baseAddress {
                let c = memcmp(base, other, common)
                if c != 0 { return c < 0 }
            }
            return x.count < y.count
        } }
    }

    /// Appends an integer's canonical form: plain decimal, written without going through `String`.
    public static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // up to 20 digits, written backwards into a small buffer
        withUnsafeMutableBytes(of: &digits) { buffer in
            var n = 0
            repeat {
                buffer[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - n)...]))
        }
    }

    /// Appends a string's canonical form: quoted, escaping only `"`, `\` and control characters.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        // Most strings need no escapes: copied in one step, once the scan has found nothing to escape.
        let plain = s.withUTF8 { bytes -> Bool in
            guard needsNoEscape(bytes) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if !plain { writeEscaped(s, into: &out) }
        out.append(0x22)
    }

    /// Whether `bytes` hold no `"`, `\` or control character, so that they are a string's canonical
    /// form as they are: scanned eight bytes at a time, as the parser scans, then the tail byte by byte.
    @inline(__always)
    static func needsNoEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        let run = JSONParser.Cursor.plainRun(in: bytes, from: 0, high: &high)
        for b in bytes[run...] where b < 0x20 || b == 0x22 || b == 0x5C { return false }
        return true
    }

    /// `s` with its escapes, without quotes: the rare case of ``writeString(_:into:)``, kept out of its
    /// body, which stays the size it was before the reserved writer (inlined, the encoding thread ran
    /// 2.9 million instructions more at 40,000 events: callgrind, Round 22 in docs/BENCHMARKS.md).
    @inline(never)
    private static func writeEscaped(_ s: String, into out: inout [UInt8]) {
        append(bound: ReservedWriter.stringBound(s), to: &out) { $0.stringContents(s) }
    }
}
