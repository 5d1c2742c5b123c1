import EventLog
import Programme
import Projection

/// What a programme looked like in a time slice: targets and progress, funding and execution,
/// milestones. `pledger state` prints it.
public struct StateReport: Sendable {
    public var slice: ResolvedSlice
    public var receipt: Receipt?
    public var programmes: [ProgrammeView]

    public struct ProgrammeView: Sendable {
        public var stream: StreamName
        public var title: String
        public var period: String
        public var components: [ComponentView]
        public var indicators: [IndicatorView]
        public var funding: [FundingLine]
        public var totals: [CurrencyTotals]
        public var milestones: [MilestoneView]
    }

    public struct ComponentView: Sendable {
        public var stream: StreamName
        public var level: String
        public var title: String
        public var parent: String?
    }

    public struct IndicatorView: Sendable {
        public var stream: StreamName
        public var name: String
        public var unit: String
        public var higherIsBetter: Bool
        public var baseline: IndicatorDefined.Baseline?
        public var years: [YearView]
    }

    public struct YearView: Sendable {
        public var year: Int
        public var target: ExactDecimal?
        public var actual: ExactDecimal?
        /// How far from the baseline towards the target the actual value has come, in percent (one
        /// decimal, rounded half to even); against zero when there is no baseline.
        public var progress: ExactDecimal?
    }

    /// Funding for one fiscal year, source and currency: never two currencies summed.
    public struct FundingLine: Sendable {
        public var fiscalYear: Int
        public var source: String
        public var currency: Currency
        /// Sum of the amounts first allocated.
        public var allocated: ExactDecimal
        /// Net change by revisions of allocations that stand.
        public var revised: ExactDecimal
        /// Current amount of withdrawn allocations.
        public var withdrawn: ExactDecimal
        /// Current amount of allocations that stand.
        public var current: ExactDecimal
        public var disbursed: ExactDecimal
        public var spent: ExactDecimal
    }

    public struct CurrencyTotals: Sendable {
        public var currency: Currency
        public var current: ExactDecimal
        public var withdrawn: ExactDecimal
        public var disbursed: ExactDecimal
        public var spent: ExactDecimal
        /// Spent ÷ current, in percent (one decimal).
        public var executionRate: ExactDecimal?
    }

    public struct MilestoneView: Sendable {
        public var stream: StreamName
        public var title: String
        public var plannedDate: CalendarDate
        public var status: String
        public var statusDate: CalendarDate?
    }

    /// The kinds of entity a report shows: decisions and organisations appear only through them.
    public static let kinds: Set<EntityKind> = [.programme, .component, .indicator, .allocation, .milestone]

    /// Builds the report from every entity's state in the slice.
    ///
    /// Entities are visited in stream-name order (the order `states` holds them in), and each
    /// programme's view is filled in place in an array.
    public init(states: EntityStates, slice: ResolvedSlice, receipt: Receipt?) {
        self.slice = slice
        self.receipt = receipt
        var views: [ProgrammeView] = []
        var index: [StreamName: Int] = [:]
        for (stream, state) in states {
            if case .programme(let p) = state {
                index[stream] = views.count
                views.append(ProgrammeView(stream: stream, title: p.title, period: "\(p.start) to \(p.end)", components: [],
                                           indicators: [], funding: [], totals: [], milestones: []))
            }
        }
        // Each component's programme, by the component's name (one lookup per entity below).
        var programmeOfComponent: [StreamName: Int] = [:]
        for (stream, state) in states {
            if case .component(let c) = state, let p = index[c.programme.stream] { programmeOfComponent[stream] = p }
        }
        func programme(of component: EntityReference) -> Int? { programmeOfComponent[component.stream] }
        var allocations: [Int: [AllocationState]] = [:]
        for (stream, state) in states {
            switch state {
            case .component(let c):
                guard let p = index[c.programme.stream] else { continue }
                views[p].components.append(ComponentView(stream: stream, level: c.level.rawValue, title: c.title, parent: c.parent?.description))
            case .indicator(let s):
                guard let p = programme(of: s.definition.component) else { continue }
                let baseline = s.definition.baseline
                views[p].indicators.append(IndicatorView(
                    stream: stream, name: s.definition.name, unit: s.definition.unit, higherIsBetter: s.definition.higherIsBetter,
                    baseline: baseline,
                    years: YearValues.aligned(s.targets, s.measurements).map { y in
                        YearView(year: y.year, target: y.first, actual: y.second,
                                 progress: Self.progress(actual: y.second, target: y.first, baseline: baseline?.value))
                    }))
            case .allocation(let a):
                guard let p = programme(of: a.definition.component) else { continue }
                allocations[p, default: []].append(a)
            case .milestone(let m):
                guard let p = programme(of: m.definition.component) else { continue }
                views[p].milestones.append(MilestoneView(stream: stream, title: m.definition.title, plannedDate: m.plannedDate,
                                                         status: m.status.name, statusDate: m.status.date))
            default:
                break
            }
        }
        for (p, list) in allocations {
            views[p].funding = Self.fundingLines(list)
            views[p].totals = Self.totals(list)
        }
        programmes = views.sorted { $0.stream < $1.stream }
    }

    public static func progress(actual: ExactDecimal?, target: ExactDecimal?, baseline: ExactDecimal?) -> ExactDecimal? {
        guard let actual, let target else { return nil }
        let base = baseline ?? .zero
        return (actual - base).percent(of: target - base)
    }

    static func fundingLines(_ list: [AllocationState]) -> [FundingLine] {
        var lines: [String: FundingLine] = [:]
        for a in list {
            let key = "\(a.definition.fiscalYear)|\(a.definition.source.rawValue)|\(a.currency.code)"
            var line = lines[key] ?? FundingLine(fiscalYear: a.definition.fiscalYear, source: a.definition.source.rawValue, currency: a.currency,
                                                 allocated: .zero, revised: .zero, withdrawn: .zero, current: .zero, disbursed: .zero, spent: .zero)
            line.allocated = line.allocated + a.definition.money.amount
            if a.withdrawn {
                line.withdrawn = line.withdrawn + a.amount
            } else {
                line.current = line.current + a.amount
                line.revised = line.revised + (a.amount - a.definition.money.amount)
            }
            line.disbursed = line.disbursed + a.disbursed
            line.spent = line.spent + a.spent
            lines[key] = line
        }
        return lines.values.sorted { ($0.fiscalYear, $0.source, $0.currency.code) < ($1.fiscalYear, $1.source, $1.currency.code) }
    }

    static func totals(_ list: [AllocationState]) -> [CurrencyTotals] {
        var totals: [Currency: CurrencyTotals] = [:]
        for a in list {
            var t = totals[a.currency] ?? CurrencyTotals(currency: a.currency, current: .zero, withdrawn: .zero, disbursed: .zero, spent: .zero)
            if a.withdrawn { t.withdrawn = t.withdrawn + a.amount } else { t.current = t.current + a.amount }
            t.disbursed = t.disbursed + a.disbursed
            t.spent = t.spent + a.spent
            totals[a.currency] = t
        }
        return totals.values.map { t in
            var t = t
            t.executionRate = t.spent.percent(of: t.current)
            return t
        }.sorted { $0.currency < $1.currency }
    }
}

extension ExactDecimal {
    /// `self ÷ whole × 100`, with one decimal, rounded half to even; `nil` when `whole` is zero.
    public func percent(of whole: ExactDecimal) -> ExactDecimal? {
        guard whole != .zero else { return nil }
        let scale = max(self.scale, whole.scale)
        guard let n = rescaled(to: scale)?.significand, let d = whole.rescaled(to: scale)?.significand else { return nil }
        // tenths of a percent = n × 1000 / d, rounded half to even.
        let numerator = n * 1000
        var q = numerator / d
        let r = numerator % d
        let twice = (r < 0 ? -r : r) * 2
        let absD = d < 0 ? -d : d
        if twice > absD || (twice == absD && q % 2 != 0) {
            q += (numerator < 0) != (d < 0) ? -1 : 1
        }
        return ExactDecimal(significand: q, scale: 1)
    }
}
