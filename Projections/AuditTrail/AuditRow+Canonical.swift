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
        writeCanonical(into: &out)   // one append into the empty array: allocated once, to size
        return out
    }

    /// Appends ``canonicalBytes`` to `out`.
    ///
    /// Why: a replay writes a batch's rows one after another into one buffer, each written into memory
    /// reserved for it and appended in one copy. An array a row, appended to piece by piece, was an
    /// allocation and a free each, and each token paid the array's checks (callgrind, Round 22 in
    /// docs/BENCHMARKS.md).
    public func writeCanonical(into out: inout [UInt8]) {
        CanonicalJSON.append(bound: membersBound, to: &out) { w in
            w.byte(UInt8(ascii: "{"))
            writeMembers(&w)
            w.byte(UInt8(ascii: "}"))
        }
    }

    /// The most bytes ``writeMembers(_:)`` writes, with two to spare for braces around them.
    var membersBound: Int {
        typealias W = CanonicalJSON.ReservedWriter
        // Tokens: 12 bytes before the changes; at most 30 a change beside its strings; 18 around the
        // corrections' numbers; 12 before `corrects`, 12 before `decision`, a closing brace. Each
        // sequence number an integer and a comma.
        var bound = 55 + W.integerBound + (W.integerBound + 1) * correctedBy.count + (decision.map(W.stringBound) ?? 0)
        for c in changes {
            bound += 30 + W.stringBound(c.facet) + (c.before.map(W.stringBound) ?? 0) + (c.after.map(W.stringBound) ?? 0)
        }
        return bound
    }

    /// Writes the row's members in canonical order without the braces around them: `"changes":[…],"correctedBy":[…]`,
    /// then `,"corrects":N` and `,"decision":"…"` when present. Canonical order places them together in
    /// an audit entry's JSON too (``AuditEntry/writeCanonical(into:)``), between `actor` and `effective`.
    func writeMembers(_ w: inout CanonicalJSON.ReservedWriter) {
        w.token(#""changes":["#)
        for (n, c) in changes.enumerated() {
            w.token(n == 0 ? "{" : ",{")
            // Each token is the member's name with its quotes and colon, and the comma before it
            // when a member came first.
            if let after = c.after { w.token(#""after":"#); w.string(after) }
            if let before = c.before { w.token(c.after == nil ? #""before":"# : #","before":"#); w.string(before) }
            w.token(c.after == nil && c.before == nil ? #""facet":"# : #","facet":"#); w.string(c.facet)
            w.byte(UInt8(ascii: "}"))
        }
        w.token(#"],"correctedBy":["#)
        for (n, s) in correctedBy.enumerated() {
            if n > 0 { w.byte(UInt8(ascii: ",")) }
            w.integer(Int64(s))
        }
        w.byte(UInt8(ascii: "]"))
        if let corrects { w.token(#","corrects":"#); w.integer(Int64(corrects)) }
        if let decision { w.token(#","decision":"#); w.string(decision) }
    }
}
