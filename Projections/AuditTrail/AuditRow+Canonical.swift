import EventLog

extension AuditRow {
    /// The canonical JSON of ``json``, written straight from the fields: the same bytes as
    /// `CanonicalJSON.encode(json)` without building and sorting a value tree, since a replay writes one
    /// row per event.
    ///
    /// Members are written in canonical order (bytewise by name); `nil` optionals are left out as
    /// ``json`` leaves them out.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + 64 * changes.count)
        writeCanonical(into: &out)
        return out
    }

    /// Appends ``canonicalBytes`` to `out`.
    ///
    /// Why: a replay writes a batch's rows one after another into one buffer; an array a row was an
    /// allocation, a free and a capacity reserved each.
    public func writeCanonical(into out: inout [UInt8]) {
        var w = MemberWriter()
        swap(&w.out, &out)
        defer { swap(&w.out, &out) }
        w.token(#"{"changes":["#)
        for (n, c) in changes.enumerated() {
            w.token(n == 0 ? "{" : ",{")
            // Each token is the member's name with its quotes and colon, and the comma before it when
            // a member came first: one append a name (callgrind, Round 18 in docs/BENCHMARKS.md).
            if let after = c.after { w.token(#""after":"#); w.string(after) }
            if let before = c.before { w.token(c.after == nil ? #""before":"# : #","before":"#); w.string(before) }
            w.token(c.after == nil && c.before == nil ? #""facet":"# : #","facet":"#); w.string(c.facet)
            w.token("}")
        }
        w.token(#"],"correctedBy":"#); w.integers(correctedBy)
        if let corrects { w.token(#","corrects":"#); CanonicalJSON.writeInteger(Int64(corrects), into: &w.out) }
        if let decision { w.token(#","decision":"#); w.string(decision) }
        w.token("}")
    }
}

/// The bytes of an object's members being written. A struct with mutating methods rather than nested
/// functions capturing a local array: captured, the array lived in a box checked for exclusive access
/// on every append (callgrind: a member name took about 320 instructions to write, 186 as a struct).
private struct MemberWriter {
    var out: [UInt8] = []

    /// `text`'s bytes, as they are.
    mutating func token(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) { CanonicalJSON.writeString(s, into: &out) }

    mutating func integers(_ values: [UInt64]) {
        out.append(UInt8(ascii: "["))
        for (n, v) in values.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeInteger(Int64(v), into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
