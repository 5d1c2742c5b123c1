import ArgumentParser
import EventLog
import Foundation

struct Contend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One of several writers on the same streams: each batch expects the stream version it just read.",
        discussion: """
            Prints `ok CORRELATION FIRST_SEQ` for each committed batch of 3 events and `conflict CORRELATION` for each \
            batch refused by a version conflict. After each batch it appends a probe: an event whose id and content \
            every writer shares, which only the first to arrive writes; prints `probe ID SEQ`.
            """)

    @Argument(help: "The event log directory.") var log: String
    @Argument(help: "This writer's number.") var writer: Int
    @Argument(help: "How many batches to try.") var batches: Int
    @OptionGroup var opening: LogConfigurationOptions

    func run() throws {
        let log = try EventLog.create(at: self.log, configuration: opening.configuration)
        for i in 0..<batches {
            let shared = StreamName(stringLiteral: "shared/S\(i % 4)")
            let correlation = UUID(derivedFrom: "pledger-stress/contend/\(writer)/\(i)")
            let version = try log.version(of: shared)
            func event(_ stream: StreamName, _ k: Int, _ expected: ExpectedVersion) -> ProposedEvent {
                ProposedEvent(id: UUID(derivedFrom: "pledger-stress/contend/\(writer)/\(i)/\(k)"), stream: stream, type: "Contended",
                              effective: CalendarDate(daysSinceEpoch: 20_480), actor: "writer \(writer)", rationale: "contention",
                              source: "pledger-stress", correlation: correlation, payload: ["writer": .integer(Int64(writer))],
                              expected: expected)
            }
            let own = StreamName(stringLiteral: "own/W\(writer)")
            let batch = [event(shared, 0, .exactly(version)), event(own, 1, .any), event(shared, 2, .exactly(version + 1))]
            do {
                let positions = try log.append(batch)
                announce("ok \(correlation.canonicalString) \(positions[0].sequence)")
            } catch let error as AppendError {
                guard case EventLogError.conflict? = error.underlying as? EventLogError else { throw error }
                announce("conflict \(correlation.canonicalString)")
            }
            let probe = ProposedEvent(id: UUID(derivedFrom: "pledger-stress/contend/probe/\(i)"), stream: StreamName(stringLiteral: "probe/P\(i % 3)"), type: "Probed",
                                      effective: CalendarDate(daysSinceEpoch: 20_480), actor: "any writer", rationale: "one id, many writers",
                                      source: "pledger-stress", payload: ["probe": .integer(Int64(i))])
            let position = try log.append(probe)
            announce("probe \(probe.id.canonicalString) \(position.sequence)")
        }
    }
}
