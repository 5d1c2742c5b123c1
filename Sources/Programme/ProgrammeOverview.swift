import EventLog
import Foundation

/// A summary of what a ledger holds now: per programme, its components, indicators and money; and
/// the state of milestones and the kinds of change in its history. `pledger demo` prints it.
///
/// It folds every stream (``EntityState``), so it reads the whole log: meant for a first look at a
/// ledger, not for large ones (the projections answer those).
public struct ProgrammeOverview: Sendable {
    public struct ProgrammeSummary: Sendable {
        public var stream: StreamName
        public var title: String
        public var components: [ComponentLevel: Int] = [:]
        public var indicators = 0
        /// Current amounts of allocations that stand, per currency.
        public var allocated: [Currency: ExactDecimal] = [:]
        public var withdrawn: [Currency: ExactDecimal] = [:]
        public var disbursed: [Currency: ExactDecimal] = [:]
        public var spent: [Currency: ExactDecimal] = [:]
    }

    public var programmes: [ProgrammeSummary] = []
    public var milestones: [String: Int] = [:]
    public var rescheduledMilestones = 0
    /// How many events of each type the log holds.
    public var eventTypes: [String: Int] = [:]
    public var head = LogHead(sequence: 0, recorded: Timestamp(microsecondsSinceEpoch: 0))
    public var firstRecorded: Timestamp?
    /// Whether every stored leaf hash matched its event's bytes.
    public var leafHashesMatch = true

    @available(*, noasync, message: "reads the whole log")
    public static func compute(_ log: EventLog) throws -> ProgrammeOverview {
        var overview = ProgrammeOverview()
        var streams: [StreamName: [RecordedEvent]] = [:]
        var order: [StreamName] = []
        try log.scan { event in
            if streams[event.stream] == nil { order.append(event.stream) }
            streams[event.stream, default: []].append(event)
            overview.eventTypes[event.type, default: 0] += 1
            if overview.firstRecorded == nil { overview.firstRecorded = event.recorded }
            return true
        }
        try log.scanWithLeafHashes { _, bytes, leaf in
            if Array(leaf) != LeafHash.of(bytes) { overview.leafHashesMatch = false }
            return true
        }
        overview.head = try log.head()
        var states: [StreamName: EntityState] = [:]
        for stream in order {
            if let events = streams[stream], let state = try EntityState.fold(events) { states[stream] = state }
        }
        var index: [StreamName: Int] = [:]
        for stream in order {
            if case .programme(let p) = states[stream] {
                index[stream] = overview.programmes.count
                overview.programmes.append(ProgrammeSummary(stream: stream, title: p.title))
            }
        }
        func programmeIndex(ofComponent c: EntityReference) -> Int? {
            guard case .component(let component) = states[c.stream] else { return nil }
            return index[component.programme.stream]
        }
        for stream in order {
            switch states[stream] {
            case .component(let c)?:
                if let i = index[c.programme.stream] { overview.programmes[i].components[c.level, default: 0] += 1 }
            case .indicator(let s)?:
                if let i = programmeIndex(ofComponent: s.definition.component) { overview.programmes[i].indicators += 1 }
            case .allocation(let a)?:
                guard let i = programmeIndex(ofComponent: a.definition.component) else { continue }
                if a.withdrawn {
                    overview.programmes[i].withdrawn[a.currency, default: .zero] = overview.programmes[i].withdrawn[a.currency, default: .zero] + a.amount
                } else {
                    overview.programmes[i].allocated[a.currency, default: .zero] = overview.programmes[i].allocated[a.currency, default: .zero] + a.amount
                }
                overview.programmes[i].disbursed[a.currency, default: .zero] = overview.programmes[i].disbursed[a.currency, default: .zero] + a.disbursed
                overview.programmes[i].spent[a.currency, default: .zero] = overview.programmes[i].spent[a.currency, default: .zero] + a.spent
            case .milestone(let m)?:
                overview.milestones[m.status.name, default: 0] += 1
                if m.reschedules > 0 { overview.rescheduledMilestones += 1 }
            default:
                break
            }
        }
        return overview
    }
}
