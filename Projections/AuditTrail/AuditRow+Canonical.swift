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

    /// A stored row: read in one pass when it is in the form ``writeCanonical(into:)`` writes, else
    /// through the general parser, which names what is wrong (a damaged store).
    static func stored(_ bytes: UnsafeRawBufferPointer) throws -> AuditRow {
        if let row = AuditRow(canonical: bytes.assumingMemoryBound(to: UInt8.self)) { return row }
        return try AuditRow(json: try JSONParser.parse(buffer: bytes.assumingMemoryBound(to: UInt8.self)))
    }

    /// The row in `buffer` when it is in the form ``writeCanonical(into:)`` writes (members in canonical
    /// order, no white space) and holds what ``init(json:)`` accepts; `nil` otherwise.
    ///
    /// Why: `pledger audit` reads back a row for every entry it shows, and parsing each into a value
    /// tree first was about a quarter of a whole-ledger trail's instructions (Round 34 in
    /// docs/BENCHMARKS.md).
    init?(canonical buffer: UnsafeBufferPointer<UInt8>) {
        var r = CanonicalJSON.Reader(buffer)
        guard r.consume(#"{"changes":["#) else { return nil }
        var changes: [AuditEntry.Change] = []
        if !r.consume("]") {
            repeat {
                guard r.consume("{") else { return nil }
                var after: String?, before: String?
                if r.consume(#""after":"#) {
                    guard let text = r.string() else { return nil }
                    after = text
                }
                if after == nil ? r.consume(#""before":"#) : r.consume(#","before":"#) {
                    guard let text = r.string() else { return nil }
                    before = text
                }
                guard after == nil && before == nil ? r.consume(#""facet":"#) : r.consume(#","facet":"#),
                      let facet = r.string(), r.consume("}") else { return nil }
                changes.append(AuditEntry.Change(facet: facet, before: before, after: after))
            } while r.consume(",")
            guard r.consume("]") else { return nil }
        }
        guard r.consume(#","correctedBy":["#) else { return nil }
        var correctedBy: [UInt64] = []
        if !r.consume("]") {
            repeat {
                guard let n = r.integer(), n > 0 else { return nil }
                correctedBy.append(UInt64(n))
            } while r.consume(",")
            guard r.consume("]") else { return nil }
        }
        var corrects: UInt64?
        if r.consume(#","corrects":"#) {
            guard let n = r.integer(), n > 0 else { return nil }
            corrects = UInt64(n)
        }
        var decision: String?
        if r.consume(#","decision":"#) {
            guard let text = r.string() else { return nil }
            decision = text
        }
        guard r.consume("}"), r.isAtEnd else { return nil }
        self.init(decision: decision, changes: changes, corrects: corrects, correctedBy: correctedBy)
    }
}
