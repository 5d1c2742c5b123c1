import EventLog
import Programme
import Projection

/// The audit trail of one entity or the whole ledger in a time slice: every change in recording order,
/// each with who, when, why, on whose authority, and the facts before and after.
///
/// Two ways in: ``build(log:store:entity:slice:withReceipt:today:)`` holds the entries, and
/// ``heading(log:entity:slice:withReceipt:today:)`` with ``forEachEntry(log:store:_:)`` hands them out one
/// at a time, for a trail of the whole ledger written as it is read (`pledger audit`); the text, CSV and
/// JSON forms are made of the same pieces either way (``textHeading``, ``textBlock(_:)``, …).
public struct AuditTrail: Sendable {
    public var slice: ResolvedSlice
    public var receipt: Receipt?
    public var entity: StreamName?
    public var entries: [AuditEntry]
    /// The slice's as-of date when one was given: entries effective after it are left out. Unlike the
    /// state, an audit trail without `--as-of` keeps changes that take effect in the future: an auditor
    /// sees everything recorded.
    var effectiveLimit: CalendarDate?

    /// The trail in `slice`: entries recorded by its known-at point and, when the slice names an as-of
    /// date, effective by it. Reads the projection when it is caught up; otherwise builds the entries
    /// from the log.
    @available(*, noasync, message: "reads the ledger")
    public static func build(log: EventLog, store: ProjectionStore?, entity: StreamName?, slice: TimeSlice,
                             withReceipt: Bool = false, today: CalendarDate = Timestamp.now().date) throws -> AuditTrail {
        var trail = try heading(log: log, entity: entity, slice: slice, withReceipt: withReceipt, today: today)
        var entries: [AuditEntry] = []
        try trail.forEachEntry(log: log, store: store) { entries.append($0) }
        trail.entries = entries
        return trail
    }

    /// The trail in `slice` without its entries: the slice resolved in `log` (once: the entries
    /// ``forEachEntry(log:store:_:)`` gives are those of this resolution), the receipt and the entity.
    @available(*, noasync, message: "reads the ledger")
    public static func heading(log: EventLog, entity: StreamName?, slice: TimeSlice, withReceipt: Bool = false,
                               today: CalendarDate = Timestamp.now().date) throws -> AuditTrail {
        let resolved = try slice.resolve(in: log, today: today)
        return AuditTrail(slice: resolved, receipt: withReceipt ? try Receipt(log: log, slice: resolved) : nil, entity: entity,
                          entries: [], effectiveLimit: slice.asOf)
    }

    /// Hands `body` each entry of the trail's slice, in sequence order, one at a time: from the
    /// projection when `store` is caught up with the log, else folded from the log (the entity's own
    /// stream, or the whole log through the slice's sequence number).
    ///
    /// Folded from the log, an entry's later corrections (`correctedBy`) are found first, from the
    /// log's corrections alone (``correctionLinks(in:entity:through:)``), so that no entry waits for the
    /// events after it.
    @available(*, noasync, message: "reads the ledger")
    public func forEachEntry(log: EventLog, store: ProjectionStore?, _ body: (AuditEntry) throws -> Void) throws {
        let last = slice.sequence, limit = effectiveLimit
        func emit(_ entry: consuming AuditEntry) throws {
            guard entry.sequence <= last, limit.map({ entry.effective <= $0 }) ?? true else { return }
            if entry.correctedBy.contains(where: { $0 > last }) { entry.correctedBy = entry.correctedBy.filter { $0 <= last } }
            try body(entry)
        }
        if let store, try store.checkpoint(of: AuditTrailProjection().name) == log.head().sequence {
            try AuditTrailProjection.forEachEntry(store: store, log: log, entity: entity, through: last) { try emit($0) }
            return
        }
        let links = try Self.correctionLinks(in: log, entity: entity, through: last)
        var builder = AuditBuilder(log: log, loadState: { _ in nil })
        func add(_ event: RecordedEvent) throws {
            var entry = AuditEntry(event: event, row: try builder.row(for: DecodedEvent(event)))
            entry.correctedBy = links[event.sequence] ?? []
            try emit(entry)
        }
        // An entity's entries depend on its own stream only (a correction is recorded in the stream of
        // the event it corrects): fold that stream, not the whole log. An entry depends only on the
        // events before it, and those recorded after the slice are left out: none is read.
        if let entity {
            for event in try log.events(in: entity, through: last) { try add(event) }
        } else {
            try log.scan { event in
                guard event.sequence <= last else { return false }
                try add(event)
                return true
            }
        }
    }

    /// For each event corrected by a correction with a sequence number up to `last` (of `entity`'s stream,
    /// or of any), those corrections' sequence numbers in order: what ``AuditBuilder`` finds as each
    /// correction's `corrects` (the event of the corrected id among the correction's stream's earlier
    /// events; none for a correction whose payload does not decode), read from the corrections alone
    /// (through the log's type index) and the events they name.
    static func correctionLinks(in log: EventLog, entity: StreamName?, through last: UInt64) throws -> [UInt64: [UInt64]] {
        var links: [UInt64: [UInt64]] = [:]
        let corrections = try log.read(filter: .init(stream: entity, type: EventCorrected.typeName), limit: .max)
        for correction in corrections where correction.sequence <= last {
            guard case .success(.eventCorrected(let c)) = DecodedEvent(correction).typed,
                  let target = try log.event(id: c.corrects), target.stream == correction.stream, target.sequence < correction.sequence
            else { continue }
            links[target.sequence, default: []].append(correction.sequence)
        }
        return links
    }

    public var json: JSONValue {
        .members([("asOf", .string(slice.asOf.description)), ("knownThroughSequence", .integer(Int64(slice.sequence))),
                  ("entity", entity.map { .string($0.rawValue) }), ("receipt", receipt?.json),
                  ("entries", .array(entries.map(\.json)))])
    }

    /// The canonical JSON of ``json`` around its entries: the text before the first entry and after the
    /// last, the entries (``jsonEntry(_:)``) joined by commas between them. Canonical JSON orders
    /// members by name: `asOf`, `entity`, `entries`, `knownThroughSequence`, `receipt` (a test checks
    /// the pieces against the whole).
    public var jsonAround: (before: String, after: String) {
        func encoded(_ value: JSONValue) -> String { String(decoding: CanonicalJSON.encode(value), as: UTF8.self) }
        var before = "{\"asOf\":" + encoded(.string(slice.asOf.description))
        if let entity { before += ",\"entity\":" + encoded(.string(entity.rawValue)) }
        before += ",\"entries\":["
        var after = "],\"knownThroughSequence\":" + encoded(.integer(Int64(slice.sequence)))
        if let receipt { after += ",\"receipt\":" + encoded(receipt.json) }
        return (before, after + "}")
    }

    /// One entry as it stands in ``json``'s canonical form (``AuditEntry/writeCanonical(into:)``).
    public static func jsonEntry(_ entry: AuditEntry) -> String { String(decoding: entry.canonicalBytes, as: UTF8.self) }

    static let csvHeader = ["seq", "recorded", "effective", "stream", "type", "actor", "rationale", "source", "decision", "changes", "corrects", "corrected_by"]

    /// RFC 4180 CSV, one row per change, with formula-like cells neutralised.
    public var csv: String {
        Self.csvHeading + entries.map(Self.csvRow).joined()
    }

    /// The CSV's first line: its column names.
    public static var csvHeading: String { csvHeader.joined(separator: ",") + "\r\n" }

    /// One entry's CSV line.
    public static func csvRow(_ e: AuditEntry) -> String {
        var bytes: [UInt8] = []
        appendCSVRow(e, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``csvRow(_:)``'s UTF-8 bytes to `bytes`: each field written into them, not made into a
    /// string first (`pledger audit --csv` writes a row for each of up to millions of entries).
    public static func appendCSVRow(_ e: AuditEntry, to bytes: inout [UInt8]) {
        let cells = [String(e.sequence), e.recorded.description, e.effective.description, e.stream.rawValue, e.type, e.actor,
                     e.rationale, e.source, e.decision ?? "", changeText(e.changes), e.corrects.map(String.init) ?? "",
                     e.correctedBy.map(String.init).joined(separator: " ")]
        for (i, cell) in cells.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            CSVField.append(cell, to: &bytes)
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    static func changeText(_ changes: [AuditEntry.Change]) -> String {
        changes.map { "\($0.facet): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: "; ")
    }

    /// A readable table: one block per change.
    public var text: String {
        textHeading + entries.map(Self.textBlock).joined() + textEnding(count: entries.count)
    }

    /// The table's first line: what the trail is of, and the slice.
    public var textHeading: String {
        "Audit trail" + (entity.map { " of \($0)" } ?? "") + " as of \(slice.asOf), as known through event \(slice.sequence)\n"
    }

    /// One entry's block of the table.
    public static func textBlock(_ e: AuditEntry) -> String {
        var bytes: [UInt8] = []
        appendTextBlock(e, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``textBlock(_:)``'s UTF-8 bytes to `bytes`.
    ///
    /// Why: `pledger audit` writes a block for each of up to millions of entries; made as a string by
    /// interpolation, each piece was appended one string at a time, about 19,500 instructions an entry
    /// (callgrind, Round 34 in docs/BENCHMARKS.md).
    public static func appendTextBlock(_ e: AuditEntry, to bytes: inout [UInt8]) {
        func text(_ s: String) { bytes.append(contentsOf: s.utf8) }
        func text(_ s: StaticString) { s.withUTF8Buffer { bytes.append(contentsOf: $0) } }
        text("\n#"); text(String(e.sequence))
        text("  recorded "); bytes.append(contentsOf: e.recorded.description.utf8.prefix(19)); text("Z")
        text("  effective "); text(e.effective.description)
        text("  "); text(e.type); text("  "); text(e.stream.rawValue); text("\n")
        text("    by "); text(e.actor); text("; why: "); text(e.rationale); text("; source: "); text(e.source)
        if let d = e.decision { text("; authority: "); text(d) }
        text("\n")
        for c in e.changes {
            text("    "); text(c.facet); text(": "); text(c.before ?? "—"); text(" → "); text(c.after ?? "—"); text("\n")
        }
        if let c = e.corrects { text("    corrects #"); text(String(c)); text("\n") }
        if !e.correctedBy.isEmpty {
            text("    corrected by ")
            for (i, s) in e.correctedBy.enumerated() {
                if i > 0 { text(", ") }
                text("#"); text(String(s))
            }
            text("\n")
        }
    }

    /// The table's end, after `count` entries: a line saying there were none, and the receipt.
    public func textEnding(count: Int) -> String {
        var out = count == 0 ? "(no changes)\n" : ""
        if let receipt { out += "\n" + receipt.text + "\n" }
        return out
    }
}
