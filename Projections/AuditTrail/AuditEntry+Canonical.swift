import EventLog

extension AuditEntry {
    /// The canonical JSON of ``json``, written straight from the fields: the same bytes as
    /// `CanonicalJSON.encode(json)` without building and sorting a value tree, since a replay writes one
    /// entry per event.
    ///
    /// Members are written in canonical order (bytewise by name); `nil` optionals are left out as
    /// ``json`` leaves them out.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + rationale.utf8.count + 64 * changes.count)
        func name(_ key: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func string(_ s: String) { CanonicalJSON.writeString(s, into: &out) }
        func integers(_ values: [UInt64]) {
            out.append(UInt8(ascii: "["))
            for (n, v) in values.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeInteger(Int64(v), into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "{"))
        name("actor", first: true); string(actor)
        name("changes")
        out.append(UInt8(ascii: "["))
        for (n, c) in changes.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            var first = true
            if let after = c.after { name("after", first: first); string(after); first = false }
            if let before = c.before { name("before", first: first); string(before); first = false }
            name("facet", first: first); string(c.facet)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        name("correctedBy"); integers(correctedBy)
        if let corrects { name("corrects"); CanonicalJSON.writeInteger(Int64(corrects), into: &out) }
        if let decision { name("decision"); string(decision) }
        name("effective"); string(effective.description)
        name("rationale"); string(rationale)
        name("recorded"); string(recorded.description)
        name("seq"); CanonicalJSON.writeInteger(Int64(sequence), into: &out)
        name("source"); string(source)
        name("stream"); string(stream.rawValue)
        name("type"); string(type)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
