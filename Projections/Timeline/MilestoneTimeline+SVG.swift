import EventLog
import Projection

extension MilestoneTimeline {
    /// A self-contained SVG: years on an axis, one row per milestone, the original plan as a hollow
    /// circle, the current plan as a diamond, an achievement as a filled circle, a miss as a red cross,
    /// and a bar from the original date to the current or actual one where the milestone slipped.
    var svg: String {
        let labelWidth = 360.0, chartWidth = 640.0, rowHeight = 26.0, top = 48.0
        let width = labelWidth + chartWidth + 20
        let height = top + Double(max(rows.count, 1)) * rowHeight + 40
        let dates = rows.flatMap { [$0.originalDate, $0.plannedDate] + ($0.statusDate.map { [$0] } ?? []) }
        let firstYear = (dates.min()?.year ?? slice.asOf.year)
        let lastYear = max((dates.max()?.year ?? slice.asOf.year), firstYear) + 1
        let start = CalendarDate(year: firstYear, month: 1, day: 1) ?? slice.asOf
        let end = CalendarDate(year: lastYear, month: 1, day: 1) ?? slice.asOf.adding(days: 365)
        let span = Double(max(end.daysSinceEpoch - start.daysSinceEpoch, 1))
        func x(_ d: CalendarDate) -> Double { labelWidth + chartWidth * Double(d.daysSinceEpoch - start.daysSinceEpoch) / span }
        func f(_ v: Double) -> String { String(Int((v * 10).rounded())) == "0" ? "0" : String(format: "%.1f", v) }

        var s = ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(f(width))" height="\##(f(height))" viewBox="0 0 \##(f(width)) \##(f(height))" font-family="sans-serif" font-size="12">"##
        s += "\n<title>\(Self.xml("Milestones as of \(slice.asOf), as known through event \(slice.sequence)"))</title>\n"
        s += ##"<rect width="100%" height="100%" fill="#ffffff"/>"## + "\n"
        s += ##"<text x="10" y="20" font-size="14" font-weight="bold">\##(Self.xml("Milestones as of \(slice.asOf)"))</text>"## + "\n"
        s += ##"<g class="axis">"## + "\n"
        for year in firstYear...lastYear {
            guard let d = CalendarDate(year: year, month: 1, day: 1) else { continue }
            let xv = f(x(d))
            s += ##"<line x1="\##(xv)" y1="\##(f(top - 8))" x2="\##(xv)" y2="\##(f(height - 30))" stroke="#dddddd"/>"##
            s += ##"<text x="\##(xv)" y="\##(f(top - 12))" text-anchor="middle" fill="#555555">\##(year)</text>"## + "\n"
        }
        if slice.asOf >= start && slice.asOf <= end {
            let ax = f(x(slice.asOf))
            s += ##"<line class="as-of" x1="\##(ax)" y1="\##(f(top - 4))" x2="\##(ax)" y2="\##(f(height - 30))" stroke="#c0392b" stroke-dasharray="4 3"/>"##
            s += ##"<text x="\##(ax)" y="\##(f(height - 20))" text-anchor="middle" fill="#c0392b" font-size="10">as of \##(slice.asOf)</text>"##
        }
        s += "</g>\n"
        for (i, r) in rows.enumerated() {
            let y = top + Double(i) * rowHeight + rowHeight / 2
            let label = r.code + "  " + (r.title.count > 44 ? String(r.title.prefix(43)) + "…" : r.title)
            s += ##"<g class="milestone" data-milestone="\##(Self.xml(r.stream.rawValue))" data-status="\##(r.status)">"##
            s += "<title>\(Self.xml("\(r.title): \(r.status), planned \(r.plannedDate) (originally \(r.originalDate)), slippage \(r.slippageDays) days"))</title>"
            s += ##"<text x="10" y="\##(f(y + 4))">\##(Self.xml(label))</text>"##
            let actual = r.status == "achieved" ? (r.statusDate ?? r.plannedDate) : r.plannedDate
            if actual != r.originalDate {
                let colour = actual > r.originalDate ? "#e8a33d" : "#5b9bd5"
                s += ##"<line x1="\##(f(x(r.originalDate)))" y1="\##(f(y))" x2="\##(f(x(actual)))" y2="\##(f(y))" stroke="\##(colour)" stroke-width="4"/>"##
            }
            s += ##"<circle cx="\##(f(x(r.originalDate)))" cy="\##(f(y))" r="5" fill="none" stroke="#333333"/>"##
            switch r.status {
            case "achieved":
                s += ##"<circle cx="\##(f(x(actual)))" cy="\##(f(y))" r="6" fill="#2e8b57"/>"##
            case "missed":
                let mx = x(r.statusDate ?? r.plannedDate)
                s += ##"<path d="M\##(f(mx - 5)) \##(f(y - 5)) L\##(f(mx + 5)) \##(f(y + 5)) M\##(f(mx - 5)) \##(f(y + 5)) L\##(f(mx + 5)) \##(f(y - 5))" stroke="#c0392b" stroke-width="2"/>"##
            case "cancelled":
                s += ##"<line x1="\##(f(x(r.plannedDate) - 7))" y1="\##(f(y))" x2="\##(f(x(r.plannedDate) + 7))" y2="\##(f(y))" stroke="#888888" stroke-width="3"/>"##
            default:
                let px = x(r.plannedDate)
                s += ##"<path d="M\##(f(px)) \##(f(y - 7)) L\##(f(px + 7)) \##(f(y)) L\##(f(px)) \##(f(y + 7)) L\##(f(px - 7)) \##(f(y)) Z" fill="#1f77b4"/>"##
            }
            s += "</g>\n"
        }
        let ly = height - 12
        s += ##"<g class="legend" fill="#333333"><circle cx="20" cy="\##(f(ly - 4))" r="5" fill="none" stroke="#333333"/><text x="30" y="\##(f(ly))">original plan</text>"##
        s += ##"<path d="M130 \##(f(ly - 11)) L137 \##(f(ly - 4)) L130 \##(f(ly + 3)) L123 \##(f(ly - 4)) Z" fill="#1f77b4"/><text x="142" y="\##(f(ly))">current plan</text>"##
        s += ##"<circle cx="240" cy="\##(f(ly - 4))" r="6" fill="#2e8b57"/><text x="250" y="\##(f(ly))">achieved</text>"##
        s += ##"<text x="330" y="\##(f(ly))" fill="#c0392b">✕ missed</text><text x="410" y="\##(f(ly))" fill="#e8a33d">▬ slip</text><text x="470" y="\##(f(ly))" fill="#888888">— cancelled</text></g>"## + "\n"
        s += "</svg>\n"
        return s
    }

    /// A self-contained HTML page holding the SVG and the table.
    var html: String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<title>\(Self.xml("Milestones as of \(slice.asOf)"))</title>\n"
        h += "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.n{text-align:right}</style>\n"
        h += "</head>\n<body>\n<h1>Milestones</h1>\n<p>As of \(slice.asOf), as known through event \(slice.sequence)."
        if let receipt { h += " Tree size \(receipt.treeSize), root <code>\(Hex.encode(receipt.rootHash))</code>." }
        h += "</p>\n" + svg
        h += "<table>\n<tr><th>Milestone</th><th>Title</th><th>Original</th><th>Planned</th><th>Status</th><th>Slippage (days)</th></tr>\n"
        for r in rows {
            h += "<tr><td>\(Self.xml(r.code))</td><td>\(Self.xml(r.title))</td><td>\(r.originalDate)</td><td>\(r.plannedDate)</td>"
            h += "<td>\(Self.xml(r.status + (r.statusDate.map { " \($0)" } ?? "")))</td><td class=\"n\">\(r.slippageDays)</td></tr>\n"
        }
        h += "</table>\n</body>\n</html>\n"
        return h
    }

    /// XML and HTML escaping of text and attribute values.
    public static func xml(_ s: String) -> String { XMLText.escape(s) }
}
