import EventLog

extension AuditRow {
    /// The canonical JSON of ``json``, written straight from the fields: the same bytes as
    /// `CanonicalJSON.encode(json)` without building and sorting a value tree, since a replay writes one
    /// row per event.
    ///
    /// Members are written in canonical order (bytewise by name); `nil` optionals are left out as
    /// ``json`` leaves them out.
    public var canonicalBytes: [UInt8] {
        var w = MemberWriter()
        w.out.reserveCapacity(48 + 64 * changes.count)
        w.out.append(UInt8(ascii: "{"))
        w.name("changes", first: true)
        w.out.append(UInt8(ascii: "["))
        for (n, c) in changes.enumerated() {
            if n > 0 { w.out.append(UInt8(ascii: ",")) }
            w.out.append(UInt8(ascii: "{"))
            var first = true
            if let after = c.after { w.name("after", first: first); w.string(after); first = false }
            if let before = c.before { w.name("before", first: first); w.string(before); first = false }
            w.name("facet", first: first); w.string(c.facet)
            w.out.append(UInt8(ascii: "}"))
        }
        w.out.append(UInt8(ascii: "]"))
        w.name("correctedBy"); w.integers(correctedBy)
        if let corrects { w.name("corrects"); CanonicalJSON.writeInteger(Int64(corrects), into: &w.out) }
        if let decision { w.name("decision"); w.string(decision) }
        w.out.append(UInt8(ascii: "}"))
        return w.out
    }
}

/// The bytes of an object's members being written. A struct with mutating methods rather than nested
/// functions capturing a local array: captured, the array lived in a box checked for exclusive access
/// on every append (callgrind: a member name took about 320 instructions to write, 186 as a struct).
private struct MemberWriter {
    var out: [UInt8] = []

    /// `"key":`, after a comma unless it is the object's first member.
    mutating func name(_ key: StaticString, first: Bool = false) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
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
