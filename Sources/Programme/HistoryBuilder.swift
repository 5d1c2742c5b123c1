import EventLog
import Foundation

/// Builds a programme history with fixed positions and recorded times, as an export would hold it:
/// each event gets the next sequence number, its stream's next version, and a recorded time that
/// advances by a minute from the last ``at(_:)``.
///
/// Event ids are derived from a namespace, the stream and the version, so the same history always
/// has the same ids and bytes.
struct HistoryBuilder {
    let namespace: String
    private(set) var events: [ProposedEvent] = []
    private var versions: [StreamName: UInt64] = [:]
    private var clock = Timestamp(microsecondsSinceEpoch: 0)
    private var actor = ""
    private var ids: [String: UUID] = [:]

    init(namespace: String) { self.namespace = namespace }

    /// Moves the recording clock to `time` (`YYYY-MM-DDTHH:MM:SSZ`), and names who records what follows.
    mutating func at(_ time: String, actor: String) {
        let t = Timestamp(time) ?? clock
        clock = max(t, clock)
        self.actor = actor
    }

    /// Appends an event; `label` names it for later corrections.
    @discardableResult
    mutating func add<P: ProgrammeEventPayload>(
        _ type: P.Type, _ stream: String, _ payload: JSONValue, effective: String, rationale: String, source: String,
        label: String? = nil, correlation: String? = nil
    ) -> UUID {
        let name = StreamName(stringLiteral: stream)
        let version = versions[name, default: 0] + 1
        versions[name] = version
        let id = UUID(derivedFrom: "\(namespace)/\(stream)/\(version)")
        if let label { ids[label] = id }
        var event = ProposedEvent(
            id: id, stream: name, type: P.typeName, schema: P.currentSchema,
            effective: CalendarDate(effective) ?? CalendarDate(daysSinceEpoch: 0),
            actor: actor, rationale: rationale, source: source,
            correlation: correlation.map { UUID(derivedFrom: "\(namespace)/correlation/\($0)") }, payload: payload)
        event.stamp = .init(sequence: UInt64(events.count + 1), recorded: clock, version: version)
        events.append(event)
        clock = Timestamp(microsecondsSinceEpoch: clock.microsecondsSinceEpoch + 60_000_000)
        return id
    }

    /// The id of the event added with `label`.
    func id(_ label: String) -> UUID { ids[label] ?? UUID(derivedFrom: "\(namespace)/missing/\(label)") }
}

