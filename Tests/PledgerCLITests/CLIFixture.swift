import EventLog
import Foundation
import TestSupport

/// Runs the built `pledger` against a ledger in a fresh temporary directory.
struct CLIFixture {
    let directory: TemporaryDirectory
    var ledger: String { directory.path + "/ledger" }

    init() throws { directory = try TemporaryDirectory() }

    @discardableResult
    func pledger(_ arguments: String..., stdin: String = "") throws -> ProcessResult {
        try run(executable("pledger"), arguments + ["--ledger", ledger], stdin: Array(stdin.utf8))
    }

    /// The ledger's whole export, to compare before and after a refused command.
    func export() throws -> String { try pledger("export").stdout }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A canonical, stamped line, as `pledger export` writes it: fully deterministic.
func stampedLine(seq: UInt64, version: UInt64, stream: String, type: String = "IndicatorMeasured",
                 effective: String = "2026-03-01", payload: JSONValue = .object([("value", .string("1.5"))])) -> String {
    let id = UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", seq)) ?? UUID()
    let event = ProposedEvent(id: id, stream: StreamName(stringLiteral: stream), type: type,
                              effective: CalendarDate(effective) ?? CalendarDate(daysSinceEpoch: 0),
                              actor: "Ministry of Enlightenment", rationale: "test", source: "illustrative", payload: payload)
    let recorded = Timestamp(microsecondsSinceEpoch: 1_769_472_000_000_000 + Int64(seq) * 1_000_000)
    return String(decoding: EventCodec.encode(event, sequence: seq, recorded: recorded, version: version), as: UTF8.self)
}

/// A line for a new event (no stamp): the ledger assigns its position. By default a measurement of IND-01.
func newLine(stream: String = "indicator/IND-01", type: String = "IndicatorMeasured", schema: Int = 1, id: UUID = UUID(),
             payload: String = #"{"year":2026,"value":"3.5"}"#, extra: String = "") -> String {
    #"{"id":"\#(id.canonicalString)","stream":"\#(stream)","type":"\#(type)","schema":\#(schema),"effective":"2026-04-01","actor":"planner","rationale":"r","source":"s","payload":\#(payload)\#(extra)}"#
}

/// The smallest programme the rules accept: an organisation, a programme, a direction and two indicators,
/// as five stamped lines (seq 1–5).
let prelude: [String] = [
    stampedLine(seq: 1, version: 1, stream: "organisation/GOV-KZ", type: "OrganisationDefined", effective: "2026-01-27",
                payload: ["name": "Government of the Republic of Kazakhstan", "roles": ["funder", "accountable"]]),
    stampedLine(seq: 2, version: 1, stream: "programme/P-1", type: "ProgrammeDefined", effective: "2026-01-27",
                payload: ["title": "Test programme", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV-KZ"]),
    stampedLine(seq: 3, version: 1, stream: "component/C-1", type: "ComponentDefined", effective: "2026-01-27",
                payload: ["programme": "programme/P-1", "level": "direction", "title": "Safety"]),
    stampedLine(seq: 4, version: 1, stream: "indicator/IND-01", type: "IndicatorDefined", effective: "2026-01-27",
                payload: ["component": "component/C-1", "name": "Support rooms", "unit": "rooms", "measure": "unit", "higherIsBetter": true]),
    stampedLine(seq: 5, version: 1, stream: "indicator/IND-02", type: "IndicatorDefined", effective: "2026-02-01",
                payload: ["component": "component/C-1", "name": "Offences", "unit": "per 100,000", "measure": "unit", "higherIsBetter": false]),
]

extension CLIFixture {
    /// Creates the ledger and imports the prelude.
    func initWithPrelude() throws {
        try pledger("init")
        try pledger("import", "-", stdin: prelude.joined(separator: "\n") + "\n")
    }
}
