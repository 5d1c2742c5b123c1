import EventLog
import Programme
import Projection

extension StateReport {
    /// The report as JSON (schema in docs/PROJECTIONS.md).
    public var json: JSONValue {
        .members([
            ("asOf", slice.asOf.json), ("knownThroughSequence", .integer(Int64(slice.sequence))),
            ("receipt", receipt?.json),
            ("programmes", .array(programmes.map(\.json))),
        ])
    }

    /// The report as plain-text tables.
    public var text: String {
        var out = "State as of \(slice.asOf), as known through event \(slice.sequence)\n"
        for p in programmes {
            out += "\n\(p.title) (\(p.period))\n"
            if !p.indicators.isEmpty {
                out += "\n  Indicators\n"
                var rows: [[String]] = []
                for i in p.indicators {
                    for y in i.years {
                        rows.append([Self.removing("indicator/", from: i.stream), String(y.year),
                                     y.target?.description ?? "—", y.actual?.description ?? "—", y.progress.map { "\($0)%" } ?? "—",
                                     i.higherIsBetter ? "higher" : "lower", i.unit])
                    }
                }
                out += TextTable(["INDICATOR", "YEAR", "TARGET", "ACTUAL", "PROGRESS", "BETTER", "UNIT"], rows, rightAligned: [1, 2, 3, 4]).indented
            }
            if !p.funding.isEmpty {
                out += "\n  Funding\n"
                let rows = p.funding.map { f in
                    [String(f.fiscalYear), f.source, f.currency.code] + [f.allocated, f.revised, f.withdrawn, f.current, f.disbursed, f.spent]
                        .map { Money($0, f.currency).amountGrouped }
                }
                out += TextTable(["YEAR", "SOURCE", "CUR", "ALLOCATED", "REVISED", "WITHDRAWN", "CURRENT", "DISBURSED", "SPENT"], rows,
                                 rightAligned: [0, 3, 4, 5, 6, 7, 8]).indented
                for t in p.totals {
                    func m(_ d: ExactDecimal) -> String { Money(d, t.currency).amountGrouped }
                    out += "  Total \(t.currency.code): current \(m(t.current)), withdrawn \(m(t.withdrawn)), disbursed \(m(t.disbursed)), spent \(m(t.spent))"
                        + (t.executionRate.map { ", execution \($0)%" } ?? "") + "\n"
                }
            }
            if !p.milestones.isEmpty {
                out += "\n  Milestones\n"
                let rows = p.milestones.sorted { ($0.plannedDate, $0.stream) < ($1.plannedDate, $1.stream) }.map { m in
                    [Self.removing("milestone/", from: m.stream), m.plannedDate.description,
                     m.status + (m.statusDate.map { " \($0)" } ?? ""), m.title]
                }
                out += TextTable(["MILESTONE", "PLANNED", "STATUS", "TITLE"], rows).indented
            }
        }
        if let receipt { out += "\n" + receipt.text + "\n" }
        return out
    }

    /// `stream`'s name with every occurrence of `part` (ASCII, not empty) taken out, left to right, as
    /// Foundation's `replacingOccurrences(of: part, with: "")` takes them: a name is ASCII, so byte by byte.
    ///
    /// Why: Foundation's search cost about 23,000 instructions a call, one for each of a report's
    /// 2,000 indicator years (callgrind, Round 35 in docs/BENCHMARKS.md).
    static func removing(_ part: StaticString, from stream: StreamName) -> String {
        part.withUTF8Buffer { p in
            stream.rawValue.utf8.withContiguousStorageIfAvailable { s -> String in
                var out: [UInt8] = []
                out.reserveCapacity(s.count)
                var i = 0
                while i < s.count {
                    if p.count > 0, s.count - i >= p.count, UnsafeBufferPointer(rebasing: s[i..<(i + p.count)]).elementsEqual(p) {
                        i += p.count
                    } else {
                        out.append(s[i])
                        i += 1
                    }
                }
                return String(decoding: out, as: UTF8.self)
            } ?? stream.rawValue.replacingOccurrences(of: part.description, with: "")
        }
    }
}

extension StateReport.ProgrammeView {
    var json: JSONValue {
        ["programme": .string(stream.rawValue), "title": .string(title), "period": .string(period),
         "components": .array(components.map { c in
             .members([("component", .string(c.stream.rawValue)), ("level", .string(c.level)), ("title", .string(c.title)),
                       ("parent", c.parent.map(JSONValue.string))])
         }),
         "indicators": .array(indicators.map { i in
             .members([("indicator", .string(i.stream.rawValue)), ("name", .string(i.name)), ("unit", .string(i.unit)),
                       ("higherIsBetter", .bool(i.higherIsBetter)),
                       ("baseline", i.baseline.map { ["value": .string($0.value.description), "year": .integer(Int64($0.year))] }),
                       ("years", .array(i.years.map { y in
                           .members([("year", .integer(Int64(y.year))), ("target", y.target.map { .string($0.description) }),
                                     ("actual", y.actual.map { .string($0.description) }),
                                     ("progressPercent", y.progress.map { .string($0.description) })])
                       }))])
         }),
         "funding": .array(funding.map { f in
             ["fiscalYear": .integer(Int64(f.fiscalYear)), "source": .string(f.source), "currency": .string(f.currency.code),
              "allocated": .string(Money(f.allocated, f.currency).amountText), "revised": .string(Money(f.revised, f.currency).amountText),
              "withdrawn": .string(Money(f.withdrawn, f.currency).amountText), "current": .string(Money(f.current, f.currency).amountText),
              "disbursed": .string(Money(f.disbursed, f.currency).amountText), "spent": .string(Money(f.spent, f.currency).amountText)]
         }),
         "totals": .array(totals.map { t in
             .members([("currency", .string(t.currency.code)), ("current", .string(Money(t.current, t.currency).amountText)),
                       ("withdrawn", .string(Money(t.withdrawn, t.currency).amountText)), ("disbursed", .string(Money(t.disbursed, t.currency).amountText)),
                       ("spent", .string(Money(t.spent, t.currency).amountText)), ("executionRatePercent", t.executionRate.map { .string($0.description) })])
         }),
         "milestones": .array(milestones.map { m in
             .members([("milestone", .string(m.stream.rawValue)), ("title", .string(m.title)), ("plannedDate", .string(m.plannedDate.description)),
                       ("status", .string(m.status)), ("statusDate", m.statusDate.map { .string($0.description) })])
         })]
    }
}
