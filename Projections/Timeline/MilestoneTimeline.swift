import EventLog
import Programme
import Projection

/// Every milestone in a time slice: its original and current planned dates, each reschedule, its
/// status and its slippage. The emitters (JSON, CSV, Markdown, iCalendar, Mermaid, SVG, HTML) all render
/// this one model.
public struct MilestoneTimeline: Sendable {
    public var slice: ResolvedSlice
    public var receipt: Receipt?
    public var origin: String
    /// The recorded time of the last event in the slice: the emitters' only clock, so output is stable.
    public var stamp: Timestamp
    public var rows: [Row]

    public struct Row: Sendable, Equatable {
        public var stream: StreamName
        public var title: String
        public var component: String
        public var componentTitle: String
        public var programme: String
        public var originalDate: CalendarDate
        public var plannedDate: CalendarDate
        public var reschedules: [Reschedule]
        public var status: String
        public var statusDate: CalendarDate?

        public var code: String { String(stream.rawValue.split(separator: "/", maxSplits: 1).last ?? "") }

        /// Days from the original planned date to the achieved date, or to the current planned date
        /// while not achieved. Positive is late.
        public var slippageDays: Int64 {
            let end = status == "achieved" ? (statusDate ?? plannedDate) : plannedDate
            return end.daysSinceEpoch - originalDate.daysSinceEpoch
        }
    }

    public struct Reschedule: Sendable, Equatable {
        public var from: CalendarDate
        public var to: CalendarDate
        public var effective: CalendarDate
        public var recorded: Timestamp
        public var decision: String
    }

    /// Which milestones to show.
    public struct Filter: Sendable {
        public var component: String?
        public var status: String?
        public var from: CalendarDate?
        public var to: CalendarDate?
        public init(component: String? = nil, status: String? = nil, from: CalendarDate? = nil, to: CalendarDate? = nil) {
            self.component = component
            self.status = status
            self.from = from
            self.to = to
        }

        func admits(_ row: Row) -> Bool {
            if let component, row.component != component, row.component != "component/" + component { return false }
            if let status, row.status != status { return false }
            if let from, row.plannedDate < from { return false }
            if let to, row.plannedDate > to { return false }
            return true
        }
    }

    /// The timeline of `log` in `slice`.
    @available(*, noasync, message: "reads the ledger")
    public static func build(log: EventLog, slice: TimeSlice, filter: Filter = .init(), withReceipt: Bool = false,
                             today: CalendarDate = Timestamp.now().date) throws -> MilestoneTimeline {
        let resolved = try slice.resolve(in: log, today: today)
        var rows: [Row] = []
        var components: [StreamName: ComponentDefined] = [:]
        for stream in try log.streamNames() where stream.rawValue.hasPrefix("milestone/") {
            let events = try log.events(in: stream, through: resolved.sequence)
            guard let state = try EntityState.fold(stream: events, in: resolved), case .milestone(let m) = state else { continue }
            let included = [events[0]] + events.dropFirst().filter(resolved.includes).sorted { ($0.effective, $0.sequence) < ($1.effective, $1.sequence) }
            var reschedules: [Reschedule] = []
            for (event, typed) in try EntityState.effectiveEvents(included) {
                if case .milestoneRescheduled(let r) = typed {
                    reschedules.append(Reschedule(from: r.previousDate, to: r.plannedDate, effective: event.effective,
                                                  recorded: event.recorded, decision: r.decision.description))
                }
            }
            let componentStream = m.definition.component.stream
            if components[componentStream] == nil, case .component(let c)? = try EntityState.fold(stream: try log.events(in: componentStream, through: resolved.sequence), in: resolved) {
                components[componentStream] = c
            }
            let row = Row(stream: stream, title: m.definition.title, component: componentStream.rawValue,
                          componentTitle: components[componentStream]?.title ?? componentStream.rawValue,
                          programme: components[componentStream]?.programme.description ?? "",
                          originalDate: m.definition.plannedDate, plannedDate: m.plannedDate, reschedules: reschedules,
                          status: m.status.name, statusDate: m.status.date)
            if filter.admits(row) { rows.append(row) }
        }
        rows.sort { ($0.programme, $0.plannedDate, $0.stream) < ($1.programme, $1.plannedDate, $1.stream) }
        let last = resolved.sequence > 0 ? try log.event(at: resolved.sequence) : nil
        let first = try log.event(at: 1)
        return MilestoneTimeline(
            slice: resolved, receipt: withReceipt ? try Receipt(log: log, slice: resolved) : nil,
            origin: "pledger/" + (first?.id.canonicalString ?? "empty"),
            stamp: last?.recorded ?? Timestamp(microsecondsSinceEpoch: 0), rows: rows)
    }
}
