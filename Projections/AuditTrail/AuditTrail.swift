import EventLog
import Programme
import Projection

/// The audit trail of one entity or the whole ledger in a time slice: every change in recording order,
/// each with who, when, why, on whose authority, and the facts before and after.
public struct AuditTrail: Sendable {
    public var slice: ResolvedSlice
    public var receipt: Receipt?
    public var entity: StreamName?
    public var entries: [AuditEntry]

    /// The trail in `slice`: entries recorded by its known-at point and, when the slice names an as-of
    /// date, effective by it. Unlike the state, an audit trail without `--as-of` keeps changes that take
    /// effect in the future: an auditor sees everything recorded. Reads the projection when it is caught
    /// up; otherwise builds the entries from the log.
    @available(*, noasync, message: "reads the ledger")
    public static func build(log: EventLog, store: ProjectionStore?, entity: StreamName?, slice: TimeSlice,
                             withReceipt: Bool = false, today: CalendarDate = Timestamp.now().date) throws -> AuditTrail {
        let resolved = try slice.resolve(in: log, today: today)
        let head = try log.head().sequence
        var entries: [AuditEntry]
        if let store, try store.checkpoint(of: AuditTrailProjection().name) == head {
            entries = try AuditTrailProjection.entries(store: store, log: log, entity: entity)
        } else {
            var builder = AuditBuilder(log: log, loadState: { _ in nil })
            entries = []
            var bySeq: [UInt64: Int] = [:]
            func add(_ event: RecordedEvent) throws {
                let entry = AuditEntry(event: event, row: try builder.row(for: DecodedEvent(event)))
                if let c = entry.corrects, let i = bySeq[c] { entries[i].correctedBy.append(event.sequence) }
                bySeq[event.sequence] = entries.count
                entries.append(entry)
            }
            // An entity's entries depend on its own stream only (a correction is recorded in the stream of
            // the event it corrects): fold that stream, not the whole log. An entry depends only on the
            // events before it, and those recorded after the slice are left out below: none is read.
            if let entity {
                for event in try log.events(in: entity, through: resolved.sequence) { try add(event) }
            } else {
                try log.scan { event in
                    guard event.sequence <= resolved.sequence else { return false }
                    try add(event)
                    return true
                }
            }
        }
        let effectiveLimit = slice.asOf
        entries = entries.filter { entry in
            entry.sequence <= resolved.sequence && (effectiveLimit.map { entry.effective <= $0 } ?? true)
        }
        for i in entries.indices { entries[i].correctedBy = entries[i].correctedBy.filter { $0 <= resolved.sequence } }
        return AuditTrail(slice: resolved, receipt: withReceipt ? try Receipt(log: log, slice: resolved) : nil, entity: entity, entries: entries)
    }

    public var json: JSONValue {
        .members([("asOf", .string(slice.asOf.description)), ("knownThroughSequence", .integer(Int64(slice.sequence))),
                  ("entity", entity.map { .string($0.rawValue) }), ("receipt", receipt?.json),
                  ("entries", .array(entries.map(\.json)))])
    }

    static let csvHeader = ["seq", "recorded", "effective", "stream", "type", "actor", "rationale", "source", "decision", "changes", "corrects", "corrected_by"]

    /// RFC 4180 CSV, one row per change, with formula-like cells neutralised.
    public var csv: String {
        var lines = [Self.csvHeader.joined(separator: ",")]
        for e in entries {
            let cells = [String(e.sequence), e.recorded.description, e.effective.description, e.stream.rawValue, e.type, e.actor,
                         e.rationale, e.source, e.decision ?? "", Self.changeText(e.changes), e.corrects.map(String.init) ?? "",
                         e.correctedBy.map(String.init).joined(separator: " ")]
            lines.append(cells.map(CSVField.encode).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func changeText(_ changes: [AuditEntry.Change]) -> String {
        changes.map { "\($0.facet): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: "; ")
    }

    /// A readable table: one block per change.
    public var text: String {
        var out = "Audit trail" + (entity.map { " of \($0)" } ?? "") + " as of \(slice.asOf), as known through event \(slice.sequence)\n"
        for e in entries {
            out += "\n#\(e.sequence)  recorded \(e.recorded.description.prefix(19))Z  effective \(e.effective)  \(e.type)  \(e.stream)\n"
            out += "    by \(e.actor); why: \(e.rationale); source: \(e.source)"
            if let d = e.decision { out += "; authority: \(d)" }
            out += "\n"
            for c in e.changes { out += "    \(c.facet): \(c.before ?? "—") → \(c.after ?? "—")\n" }
            if let c = e.corrects { out += "    corrects #\(c)\n" }
            if !e.correctedBy.isEmpty { out += "    corrected by " + e.correctedBy.map { "#\($0)" }.joined(separator: ", ") + "\n" }
        }
        if entries.isEmpty { out += "(no changes)\n" }
        if let receipt { out += "\n" + receipt.text + "\n" }
        return out
    }
}
