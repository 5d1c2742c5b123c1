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

/// A line for a new event (no stamp): the ledger assigns its position.
func newLine(stream: String, type: String = "IndicatorMeasured", id: UUID = UUID(), extra: String = "") -> String {
    #"{"id":"\#(id.canonicalString)","stream":"\#(stream)","type":"\#(type)","schema":1,"effective":"2026-04-01","actor":"planner","rationale":"r","source":"s","payload":{}\#(extra)}"#
}
