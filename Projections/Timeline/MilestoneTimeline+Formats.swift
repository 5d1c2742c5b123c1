import EventLog
import Projection

/// The formats `pledger timeline --format` writes.
public enum TimelineFormat: String, CaseIterable, Sendable {
    case table, json, csv, md, ics, mermaid, svg, html
}

extension MilestoneTimeline {
    public func render(_ format: TimelineFormat) -> String {
        switch format {
        case .json: String(decoding: CanonicalJSON.encode(json), as: UTF8.self) + "\n"
        case .csv: csv
        case .md: markdown
        case .ics: iCalendar
        case .mermaid: mermaid
        case .svg: svg
        case .html: html
        case .table: table
        }
    }

    // MARK: JSON

    public var json: JSONValue {
        .members([
            ("asOf", .string(slice.asOf.description)), ("knownThroughSequence", .integer(Int64(slice.sequence))),
            ("receipt", receipt?.json),
            ("milestones", .array(rows.map { r in
                .members([
                    ("milestone", .string(r.stream.rawValue)), ("title", .string(r.title)), ("component", .string(r.component)),
                    ("programme", .string(r.programme)), ("originalDate", .string(r.originalDate.description)),
                    ("plannedDate", .string(r.plannedDate.description)), ("status", .string(r.status)),
                    ("statusDate", r.statusDate.map { .string($0.description) }), ("slippageDays", .integer(r.slippageDays)),
                    ("reschedules", .array(r.reschedules.map { s in
                        ["from": .string(s.from.description), "to": .string(s.to.description), "effective": .string(s.effective.description),
                         "recorded": .string(s.recorded.description), "decision": .string(s.decision)]
                    })),
                ])
            })),
        ])
    }

    // MARK: Table

    var table: String {
        var out = "Milestones as of \(slice.asOf), as known through event \(slice.sequence)\n"
        out += TextTable(["MILESTONE", "ORIGINAL", "PLANNED", "STATUS", "SLIP", "TITLE"], rows.map { r in
            [r.code, r.originalDate.description, r.plannedDate.description, r.status + (r.statusDate.map { " \($0)" } ?? ""),
             r.slippageDays == 0 ? "0" : (r.slippageDays > 0 ? "+\(r.slippageDays)d" : "\(r.slippageDays)d"), r.title]
        }, rightAligned: [4]).rendered
        if let receipt { out += receipt.text + "\n" }
        return out
    }

    // MARK: CSV (RFC 4180)

    static let csvHeader = ["milestone", "title", "component", "programme", "original_date", "planned_date", "status", "status_date", "slippage_days", "reschedules"]

    var csv: String {
        var lines = [Self.csvHeader.map(CSVField.encode).joined(separator: ",")]
        for r in rows {
            let cells = [r.stream.rawValue, r.title, r.component, r.programme, r.originalDate.description, r.plannedDate.description,
                         r.status, r.statusDate?.description ?? "", String(r.slippageDays), String(r.reschedules.count)]
            lines.append(cells.map(CSVField.encode).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    // MARK: Markdown

    var markdown: String {
        var out = "# Milestones\n\nAs of \(slice.asOf), as known through event \(slice.sequence).\n\n"
        out += "| Milestone | Title | Original | Planned | Status | Slippage (days) |\n| --- | --- | --- | --- | --- | ---: |\n"
        for r in rows {
            let cells = [r.code, r.title, r.originalDate.description, r.plannedDate.description,
                         r.status + (r.statusDate.map { " \($0)" } ?? ""), String(r.slippageDays)]
            out += "| " + cells.map(Self.markdownCell).joined(separator: " | ") + " |\n"
        }
        if let receipt { out += "\n" + receipt.text + "\n" }
        return out
    }

    /// `s` as one Markdown table cell: metacharacters escaped, line breaks as spaces. Scalar by scalar:
    /// as `Character`s, CR and LF side by side are one, matching neither (until Round 30, a title with
    /// CRLF broke the table's row).
    static func markdownCell(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            switch c {
            case "|", "\\", "*", "_", "`", "[", "]", "<", ">": out.append("\\"); out.append(c)
            case "\n", "\r": out.append(" ")
            default: out.append(c)
            }
        }
        return String(out)
    }

    // MARK: Mermaid

    var mermaid: String {
        var out = "gantt\n    title Milestones as of \(slice.asOf)\n    dateFormat YYYY-MM-DD\n    axisFormat %Y-%m\n"
        var section = ""
        for r in rows {
            if r.componentTitle != section {
                section = r.componentTitle
                out += "    section \(Self.mermaidText(section))\n"
            }
            let tag: String
            switch r.status {
            case "achieved": tag = "done, "
            case "cancelled": tag = "done, crit, "
            case "missed": tag = "crit, "
            default: tag = r.slippageDays > 0 ? "active, " : ""
            }
            let date = r.status == "achieved" ? (r.statusDate ?? r.plannedDate) : r.plannedDate
            out += "    \(Self.mermaidText(r.title)) :milestone, \(tag)\(Self.mermaidID(r.code)), \(date), 0d\n"
        }
        return out
    }

    /// `s` as Mermaid text: the characters that end a task's name or a line as spaces, scalar by scalar
    /// (see ``markdownCell(_:)``).
    static func mermaidText(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { ":;#\n\r".unicodeScalars.contains($0) ? " " : $0 }))
    }

    static func mermaidID(_ s: String) -> String {
        "m_" + String(s.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
