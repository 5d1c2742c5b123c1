import ArgumentParser
import EventLog
import Foundation
import Programme

struct Append: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event, from flags or from a JSON object.",
        discussion: """
            Either give --json with a whole event (as one line of the import format, or - to read it from \
            standard input), or give the event's fields as flags. The ledger stamps the sequence number, \
            the stream version and the recorded time.
            """)

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The whole event as JSON, or - for standard input.", valueName: "json"))
    var json: String?

    @Option(help: "The stream (entity), such as indicator/IND-03.") var stream: String?
    @Option(help: "The event type, such as TargetChanged.") var type: String?
    @Option(help: "The payload's schema version.") var schema: Int = 1
    @Option(help: ArgumentHelp("When the event takes effect (YYYY-MM-DD).", valueName: "date")) var effective: String?
    @Option(help: "Who makes the change.") var actor: String?
    @Option(help: "Why.") var rationale: String?
    @Option(help: "The document or authority it rests on.") var source: String?
    @Option(help: ArgumentHelp("The payload, a JSON object.", valueName: "json")) var payload: String = "{}"
    @Option(help: "The event id (UUID); a new one when omitted.") var id: String?
    @Option(help: "A correlation id (UUID).") var correlation: String?
    @Option(help: "The id (UUID) of the event that caused this one.") var causation: String?
    @Option(help: ArgumentHelp("The stream version expected before this event: any, none, or a number.", valueName: "version"))
    var expect: String?

    @Flag(help: "Print the position as JSON.") var jsonOutput = false

    func run() throws {
        try reportingErrors {
            try ledger.requireWritable("append")
            let event = try makeEvent()
            let ledger = try self.ledger.open()
            let position = try ledger.append(event)
            if jsonOutput {
                print(#"{"alreadyPresent":\#(position.alreadyPresent),"id":"\#(position.id.canonicalString)","recorded":"\#(position.recorded)","seq":\#(position.sequence),"stream":"\#(position.stream)","version":\#(position.version)}"#)
            } else if position.alreadyPresent {
                print("Already present: event \(position.id.canonicalString) is seq \(position.sequence) (\(position.stream) v\(position.version)); nothing appended.")
            } else {
                print("Appended seq \(position.sequence): \(position.stream) v\(position.version), recorded \(position.recorded).")
            }
        }
    }

    private func makeEvent() throws -> ProposedEvent {
        if let json {
            let flagsGiven = [stream, type, effective, actor, rationale, source, id, correlation, causation, expect].contains { $0 != nil }
            guard !flagsGiven else { throw CLIError.invalid("give either --json or the event's fields as flags, not both") }
            let bytes: [UInt8] = json == "-" ? try readInput("-") : Array(json.utf8)
            return try EventCodec.decodeLine(bytes.filter { $0 != 0x0A && $0 != 0x0D })
        }
        var members: [(String, JSONValue)] = [("schema", .integer(Int64(schema)))]
        let payloadValue: JSONValue
        do {
            payloadValue = try JSONParser.parse(payload)
        } catch {
            throw FieldError(field: "payload", "\(error)")
        }
        members.append(("payload", payloadValue))
        members.append(("id", .string(id ?? UUID().canonicalString)))
        for (name, value) in [("stream", stream), ("type", type), ("effective", effective), ("actor", actor),
                              ("rationale", rationale), ("source", source), ("correlation", correlation),
                              ("causation", causation)] {
            if let value { members.append((name, .string(value))) }
        }
        if let expect {
            switch expect {
            case "any", "none": members.append(("expect", .string(expect)))
            default:
                guard let n = Int64(expect), n >= 0 else { throw FieldError(field: "expect", "expected any, none or a stream version (an integer ≥ 0)") }
                members.append(("expect", .integer(n)))
            }
        }
        return try EventCodec.decodeLine(CanonicalJSON.encode(.object(members)))
    }
}
