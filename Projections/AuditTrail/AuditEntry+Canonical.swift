import EventLog

extension AuditEntry {
    /// The canonical JSON of ``json``, written straight from the fields: the same bytes as
    /// `CanonicalJSON.encode(json)` without building and sorting a value tree.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        writeCanonical(into: &out)
        return out
    }

    /// Appends ``canonicalBytes`` to `out`.
    ///
    /// Why: `pledger audit --json` writes an entry for each of up to millions of events; its value
    /// tree, built and then encoded, was most of the command's time (callgrind, Round 34 in
    /// docs/BENCHMARKS.md). Members in canonical order (bytewise by name): `actor`, the row's members
    /// (``AuditRow/writeMembers(_:)``: `changes`, `correctedBy`, `corrects`, `decision`), `effective`,
    /// `rationale`, `recorded`, `seq`, `source`, `stream`, `type`.
    public func writeCanonical(into out: inout [UInt8]) {
        typealias W = CanonicalJSON.ReservedWriter
        let row = AuditRow(decision: decision, changes: changes, corrects: corrects, correctedBy: correctedBy)
        let recorded = recorded.description, effective = effective.description
        // The tokens outside the row's members: 84 bytes; each string at most its bound.
        let bound = 84 + row.membersBound + W.integerBound + W.stringBound(actor) + W.stringBound(effective) + W.stringBound(rationale)
            + W.stringBound(recorded) + W.stringBound(source) + W.stringBound(stream.rawValue) + W.stringBound(type)
        CanonicalJSON.append(bound: bound, to: &out) { w in
            w.token(#"{"actor":"#); w.string(actor)
            w.byte(UInt8(ascii: ","))
            row.writeMembers(&w)
            w.token(#","effective":"#); w.string(effective)
            w.token(#","rationale":"#); w.string(rationale)
            w.token(#","recorded":"#); w.string(recorded)
            w.token(#","seq":"#); w.integer(Int64(sequence))
            w.token(#","source":"#); w.string(source)
            w.token(#","stream":"#); w.string(stream.rawValue)
            w.token(#","type":"#); w.string(type)
            w.byte(UInt8(ascii: "}"))
        }
    }
}
