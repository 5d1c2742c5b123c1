import EventLog

extension MilestoneTimeline {
    /// RFC 5545 iCalendar: one all-day VEVENT per milestone, on its achieved date when achieved and its
    /// planned date otherwise. UIDs are stable (`<milestone code>.<log origin>@pledger`), and DTSTAMP is the
    /// recorded time of the last event in the slice, so the same slice gives the same file.
    var iCalendar: String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pledger//Milestone timeline//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.icsText("Milestones as of \(slice.asOf)")]
        let originID = origin.split(separator: "/").last.map(String.init) ?? "pledger"
        for r in rows {
            let date = r.status == "achieved" ? (r.statusDate ?? r.plannedDate) : r.plannedDate
            let status = switch r.status {
            case "achieved": "CONFIRMED"
            case "cancelled": "CANCELLED"
            default: "TENTATIVE"
            }
            var description = "Status: \(r.status)" + (r.statusDate.map { " on \($0)" } ?? "")
            description += "\nOriginally planned: \(r.originalDate)\nPlanned: \(r.plannedDate)\nSlippage: \(r.slippageDays) days"
            for s in r.reschedules { description += "\nRescheduled \(s.from) → \(s.to) by \(s.decision)" }
            lines += [
                "BEGIN:VEVENT",
                "UID:\(Self.icsText(r.code)).\(originID)@pledger",
                "DTSTAMP:" + Self.icsDateTime(stamp),
                "DTSTART;VALUE=DATE:" + Self.icsDate(date),
                "DTEND;VALUE=DATE:" + Self.icsDate(date.adding(days: 1)),
                "SUMMARY:" + Self.icsText(r.title),
                "DESCRIPTION:" + Self.icsText(description),
                "CATEGORIES:" + Self.icsText(r.componentTitle),
                "STATUS:" + status,
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined()
    }

    static func icsDate(_ d: CalendarDate) -> String { d.description.replacingOccurrences(of: "-", with: "") }

    static func icsDateTime(_ t: Timestamp) -> String {
        let s = t.description // YYYY-MM-DDTHH:MM:SS.ffffffZ
        return String(s.prefix(19)).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + "Z"
    }

    /// RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newline escaped, CR dropped. Scalar by
    /// scalar: as a `Character`, CRLF matched neither case and went out raw, ending the content line
    /// inside the text (until Round 30).
    static func icsText(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            switch c {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case ";": out.append(contentsOf: "\\;".unicodeScalars)
            case ",": out.append(contentsOf: "\\,".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": break
            default: out.append(c)
            }
        }
        return String(out)
    }

    /// RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space, never inside a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = ""
        var count = 0
        for ch in line {
            let n = String(ch).utf8.count
            if count + n > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(ch)
            count += n
        }
        return out + "\r\n"
    }
}
