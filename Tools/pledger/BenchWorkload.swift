import EventLog
import Foundation
import Programme

/// A deterministic synthetic programme history for `pledger bench`: one programme, ten directions,
/// 400 indicators, 200 allocations and 150 milestones (about 760 streams), then events in the mix of
/// docs/BENCHMARKS.md — 40 % measurements, 20 % funding, 15 % targets, 15 % milestone reschedules,
/// 10 % decisions (each decision is an entity, so decisions add streams) — every one valid under the
/// programme rules, canonical size about 500–700 bytes.
///
/// Effective dates move on evenly over the programme's five years (2026-01-01 to 2030-12-31) across
/// the `span` events measured, about `span ÷ 1,826` a day whatever the size, as a programme's history
/// spreads over its years; one event in 20 is back-dated by up to 90 days. (Until 2026-12-02 the day
/// moved on once per ~200 events whatever the size: the calendar ran out after ~365,000 events, and a
/// 1,000,000-event history put its last 635,000 events on 2030-12-31.)
struct BenchWorkload {
    var rng: SeededRandom
    var events: [ProposedEvent] = []
    var targets: [Int: [Int: Int]] = [:]
    var amounts: [Int] = []
    var planned: [Int64] = []
    var decisions = 0
    var day: Int64 = 20_454 // 2026-01-01
    /// Events over which the five years spread.
    let span: Int
    /// Events made so far, including those already handed out by ``take(_:)``.
    var produced = 0

    static let indicators = 400, allocations = 200, milestones = 150

    init(seed: UInt64, span: Int) {
        rng = SeededRandom(seed: seed)
        self.span = max(1, span)
    }

    mutating func filler() -> String {
        String(repeating: "programme ledger benchmark ", count: 3 + rng.below(6))
    }

    mutating func add(_ type: String, _ stream: String, _ payload: JSONValue, effective: Int64? = nil) {
        events.append(Self.event(id: "pledger-bench/\(rng.seed)/\(produced)", type, stream, payload,
                                 effective: effective ?? day, rationale: filler()))
        produced += 1
    }

    /// A bench event: its id derived from `id`, the schema its type's current one, the bench's actor
    /// and source.
    static func event(id: String, _ type: String, _ stream: String, _ payload: JSONValue, effective: Int64,
                      rationale: String) -> ProposedEvent {
        ProposedEvent(
            id: UUID(derivedFrom: id), stream: StreamName(stringLiteral: stream), type: type,
            schema: ProgrammeEvent.payloadType(named: type)?.currentSchema ?? 1,
            effective: CalendarDate(daysSinceEpoch: effective), actor: "benchmark: programme office",
            rationale: rationale, source: "pledger bench (synthetic)", payload: payload)
    }

    /// `count` measurements of the history's indicators (`indicator/I0` to `I399`, which every history of
    /// at least a few hundred events defines), for single commits on a kept ledger whose head is `head`:
    /// their ids are derived from the seed and the head, so they are new to that ledger. Each of a random
    /// indicator, or, with `eachIndicatorOnce`, of indicator `I0`, `I1` and so on.
    static func measurements(_ count: Int, seed: UInt64, after head: UInt64, eachIndicatorOnce: Bool = false) -> [ProposedEvent] {
        var rng = SeededRandom(seed: seed &+ head)
        return (0..<count).map { i in
            // In this order (stream, date, payload), so the events are the ones this made before.
            let stream = "indicator/I\(eachIndicatorOnce ? i % indicators : rng.below(indicators))"
            let effective = 20_454 + Int64(rng.below(1_826))
            let payload: JSONValue = ["value": .string("\(rng.below(100)).5"), "year": .integer(Int64(2026 + rng.below(5)))]
            return event(id: "pledger-bench/\(seed)/after-\(head)/\(i)", "IndicatorMeasured", stream, payload,
                         effective: effective, rationale: "programme ledger benchmark: a single commit")
        }
    }

    /// The next `count` events of the history, made as they are asked for: the whole history is never
    /// held in memory.
    mutating func take(_ count: Int) -> [ProposedEvent] {
        if produced == 0 { structure() }
        while events.count < count { next() }
        let out = Array(events.prefix(count))
        events.removeFirst(count)
        return out
    }

    mutating func structure() {
        add("OrganisationDefined", "organisation/GOV", ["name": "Government", "roles": ["funder", "accountable", "implementing"]])
        add("ProgrammeDefined", "programme/BENCH", ["title": "Benchmark programme", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV"])
        add("DecisionRecorded", "decision/D0", ["title": "Budget", "kind": "budget", "authority": "organisation/GOV", "reference": "No. 0",
                                               "decidedOn": "2026-01-01", "authorises": "everything", "programme": "programme/BENCH"])
        for d in 0..<10 {
            add("ComponentDefined", "component/C\(d)", ["programme": "programme/BENCH", "level": "direction", "title": .string("Direction \(d)"), "accountable": "organisation/GOV"])
        }
        for i in 0..<Self.indicators {
            add("IndicatorDefined", "indicator/I\(i)", ["component": .string("component/C\(i % 10)"), "name": .string("Indicator \(i)"), "unit": "units",
                                                       "measure": "unit", "higherIsBetter": .bool(i % 3 != 0), "baseline": ["value": "10", "year": 2025]])
        }
        for a in 0..<Self.allocations {
            let amount = 1_000_000 + a * 1_000
            amounts.append(amount)
            add("FundingAllocated", "allocation/A\(a)", ["component": .string("component/C\(a % 10)"), "amount": .string("\(amount).00"), "currency": "KZT",
                                                        "fiscalYear": .integer(Int64(2026 + a % 5)), "source": "state-budget", "funder": "organisation/GOV", "decision": "decision/D0"])
        }
        for m in 0..<Self.milestones {
            let date = 20_454 + Int64(30 + m * 10)
            planned.append(date)
            add("MilestoneScheduled", "milestone/M\(m)", ["component": .string("component/C\(m % 10)"), "title": .string("Milestone \(m)"),
                                                         "plannedDate": .string(CalendarDate(daysSinceEpoch: date).description)])
        }
    }

    mutating func next() {
        day = min(22_279, 20_454 + Int64(produced) * 1_826 / Int64(span))   // time moves on; 2030-12-31 is day 22279
        let roll = rng.below(100)
        let backDated = rng.below(20) == 0 ? max(20_454, day - Int64(rng.below(90))) : day
        switch roll {
        case 0..<40:
            let i = rng.below(Self.indicators)
            add("IndicatorMeasured", "indicator/I\(i)", ["year": .integer(Int64(2026 + rng.below(5))), "value": .string("\(rng.below(1000)).\(rng.below(10))")], effective: backDated)
        case 40..<60:
            let a = rng.below(Self.allocations)
            switch rng.below(10) {
            case 0..<5: add("DisbursementRecorded", "allocation/A\(a)", ["amount": .string("\(1 + rng.below(5000)).00"), "currency": "KZT"], effective: backDated)
            case 5..<8: add("ExpenditureRecorded", "allocation/A\(a)", ["amount": .string("\(1 + rng.below(5000)).50"), "currency": "KZT", "description": "spending"], effective: backDated)
            default:
                let next = amounts[a] + 1 + rng.below(1000)
                add("FundingRevised", "allocation/A\(a)", ["amount": .string("\(next).00"), "previousAmount": .string("\(amounts[a]).00"), "currency": "KZT", "decision": "decision/D0"])
                amounts[a] = next
            }
        case 60..<75:
            let i = rng.below(Self.indicators), year = 2026 + rng.below(5), value = rng.below(10_000)
            if let previous = targets[i]?[year] {
                let v = previous == value ? value + 1 : value
                add("TargetChanged", "indicator/I\(i)", ["year": .integer(Int64(year)), "value": .string("\(v)"), "previousValue": .string("\(previous)"),
                                                       "reason": "benchmark revision", "decision": "decision/D0"])
                targets[i]?[year] = v
            } else {
                add("TargetSet", "indicator/I\(i)", ["year": .integer(Int64(year)), "value": .string("\(value)"), "decision": "decision/D0"])
                targets[i, default: [:]][year] = value
            }
        case 75..<90:
            let m = rng.below(Self.milestones)
            var to = 20_454 + Int64(rng.below(1_800))
            if to == planned[m] { to += 1 }
            add("MilestoneRescheduled", "milestone/M\(m)", ["plannedDate": .string(CalendarDate(daysSinceEpoch: to).description),
                                                           "previousDate": .string(CalendarDate(daysSinceEpoch: planned[m]).description), "decision": "decision/D0"])
            planned[m] = to
        default:
            decisions += 1
            add("DecisionRecorded", "decision/D\(decisions)", ["title": .string("Decision \(decisions)"), "kind": "amendment", "authority": "organisation/GOV",
                                                              "reference": .string("No. \(decisions)"), "decidedOn": .string(CalendarDate(daysSinceEpoch: day).description),
                                                              "authorises": "a change", "programme": "programme/BENCH"])
        }
    }
}
