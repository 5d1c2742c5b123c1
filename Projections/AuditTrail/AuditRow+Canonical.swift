import EventLog
import Programme

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
        Self.membersBound(changes: changes, correctedBy: correctedBy.count, decision: decision)
    }

    /// The most bytes ``writeMembers(changes:correctedBy:corrects:decision:_:)`` writes for these, with
    /// two to spare for braces around them.
    @inline(__always)
    static func membersBound(changes: some RowChanges, correctedBy: Int, decision: String?) -> Int {
        typealias W = CanonicalJSON.ReservedWriter
        // Tokens: 12 bytes before the changes; at most 30 a change beside its strings; 18 around the
        // corrections' numbers; 12 before `corrects`, 12 before `decision`, a closing brace. Each
        // sequence number an integer and a comma.
        var bound = 55 + W.integerBound + (W.integerBound + 1) * correctedBy + (decision.map(W.stringBound) ?? 0)
        for i in 0..<changes.count { bound += 30 + changes.bound(at: i) }
        return bound
    }

    /// Writes the row's members in canonical order without the braces around them: `"changes":[…],"correctedBy":[…]`,
    /// then `,"corrects":N` and `,"decision":"…"` when present. Canonical order places them together in
    /// an audit entry's JSON too (``AuditEntry/writeCanonical(into:)``), between `actor` and `effective`.
    func writeMembers(_ w: inout CanonicalJSON.ReservedWriter) {
        Self.writeMembers(changes: changes, correctedBy: correctedBy, corrects: corrects, decision: decision, &w)
    }

    /// ``writeMembers(_:)`` of a row with these fields, its changes with their texts (``AuditEntry/Change``)
    /// or with the values they are written from (``EffectChanges``): the same bytes either way. Inlined
    /// where the changes' type is known: called generically, each change was copied through its type's
    /// value witnesses.
    @inline(__always)
    static func writeMembers(changes: some RowChanges, correctedBy: [UInt64], corrects: UInt64?, decision: String?,
                             _ w: inout CanonicalJSON.ReservedWriter) {
        w.token(#""changes":["#)
        for i in 0..<changes.count {
            w.token(i == 0 ? "{" : ",{")
            // Each token is the member's name with its quotes and colon, and the comma before it
            // when a member came first.
            let (before, after) = changes.has(at: i)
            if after { w.token(#""after":"#); changes.writeAfter(at: i, &w) }
            if before { w.token(after ? #","before":"# : #""before":"#); changes.writeBefore(at: i, &w) }
            w.token(after || before ? #","facet":"# : #""facet":"#); changes.writeFacet(at: i, &w)
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

    /// Appends the canonical bytes of the row of an event that corrects nothing and that nothing has
    /// corrected yet, with `changes` (its effect's), authorised by `decision`: the bytes of
    /// `AuditRow(decision: decision?.description, changes: changes.facetChanges, corrects: nil)`,
    /// written without making the row or the changes' texts.
    ///
    /// Why: a replay writes a row an event, nearly all of them of an effect; made as a row first, each
    /// change's values were made strings and copied into the row, in an array freed after (about 2,400
    /// instructions a row: callgrind, Round 56 in docs/BENCHMARKS.md).
    static func writeCanonical(decision: EntityReference?, changes: borrowing EffectChanges, into out: inout [UInt8]) {
        let decision = decision?.description
        let bound = membersBound(changes: changes, correctedBy: 0, decision: decision)
        // Handed to the writer, not captured by it: a capture copies what it captures.
        _ = withUnsafePointer(to: changes) { changes in
            CanonicalJSON.appendIfWritten(bound: bound, to: &out, decision) { w, decision in
                w.byte(UInt8(ascii: "{"))
                writeMembers(changes: changes.pointee, correctedBy: [], corrects: nil, decision: decision, &w)
                w.byte(UInt8(ascii: "}"))
                return true
            }
        }
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

/// The changes of a row, as ``AuditRow/writeMembers(changes:correctedBy:corrects:decision:_:)`` writes
/// them: with their texts (``AuditEntry/Change``s: a row read back, or made from two states) or with the
/// values they are written from (``EffectChanges``: a replay's rows, written as they are computed).
protocol RowChanges {
    var count: Int { get }
    /// Whether the change at `i` has a value before and after.
    func has(at i: Int) -> (before: Bool, after: Bool)
    /// The most bytes the change at `i`'s facet and values take, written.
    func bound(at i: Int) -> Int
    /// Writes the change at `i`'s facet as a JSON string.
    func writeFacet(at i: Int, _ w: inout CanonicalJSON.ReservedWriter)
    /// Writes the change at `i`'s value before as a JSON string, when it has one.
    func writeBefore(at i: Int, _ w: inout CanonicalJSON.ReservedWriter)
    /// Writes the change at `i`'s value after as a JSON string, when it has one.
    func writeAfter(at i: Int, _ w: inout CanonicalJSON.ReservedWriter)
}

extension [FacetChange]: RowChanges {
    func has(at i: Int) -> (before: Bool, after: Bool) { (self[i].before != nil, self[i].after != nil) }
    func bound(at i: Int) -> Int {
        typealias W = CanonicalJSON.ReservedWriter
        let c = self[i]
        return W.stringBound(c.facet) + (c.before.map(W.stringBound) ?? 0) + (c.after.map(W.stringBound) ?? 0)
    }
    func writeFacet(at i: Int, _ w: inout CanonicalJSON.ReservedWriter) { w.string(self[i].facet) }
    func writeBefore(at i: Int, _ w: inout CanonicalJSON.ReservedWriter) { if let before = self[i].before { w.string(before) } }
    func writeAfter(at i: Int, _ w: inout CanonicalJSON.ReservedWriter) { if let after = self[i].after { w.string(after) } }
}

extension EffectChanges: RowChanges {
    func has(at i: Int) -> (before: Bool, after: Bool) { (self[i].before != nil, self[i].after != nil) }
    func bound(at i: Int) -> Int {
        let c = self[i]
        return FacetLabel.quotedBound + (c.before?.quotedBound(currency: currency) ?? 0) + (c.after?.quotedBound(currency: currency) ?? 0)
    }
    func writeFacet(at i: Int, _ w: inout CanonicalJSON.ReservedWriter) { self[i].facet.writeQuoted(to: &w) }
    func writeBefore(at i: Int, _ w: inout CanonicalJSON.ReservedWriter) { self[i].before?.writeQuoted(to: &w, currency: currency) }
    func writeAfter(at i: Int, _ w: inout CanonicalJSON.ReservedWriter) { self[i].after?.writeQuoted(to: &w, currency: currency) }
}
