import EventLog
import Foundation
@testable import Programme
import Testing

/// Every rule, refused and accepted, against a ledger that holds each kind of entity and state.
@Suite struct RuleTests {
    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var rule: Rule
        var field: String
        var says: String
        var event: @Sendable (RuleFixture) -> ProposedEvent
        var testDescription: String { "\(rule.rawValue) \(name)" }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "unknown type", rule: .knownType, field: "type", says: "unknown event type") { $0.e("BudgetExploded", "programme/P", [:]) },
        Refusal(name: "schema from the future", rule: .knownType, field: "schema", says: "schema versions 1 to 2") { f in
            f.e("FundingAllocated", "allocation/A-9", f.allocation("1.00"), schema: 3)
        },
        Refusal(name: "missing payload field", rule: .knownType, field: "payload.year", says: "required field is missing") { $0.e("TargetSet", "indicator/IND-1", ["value": "1"]) },
        Refusal(name: "unknown payload field", rule: .knownType, field: "payload.colour", says: "unknown field") { $0.e("IndicatorMeasured", "indicator/IND-1", ["year": 2026, "value": "1", "colour": "red"]) },
        Refusal(name: "type in a stream of another kind", rule: .streamKind, field: "stream", says: "belongs in a stream named indicator/CODE") {
            $0.e("TargetSet", "milestone/M-1", ["year": 2026, "value": "1"])
        },
        Refusal(name: "correction outside an entity stream", rule: .streamKind, field: "stream", says: "correction belongs in the stream of an entity") { f in
            f.e("EventCorrected", "misc/x", ["corrects": .string(f.id("target")), "action": "void"])
        },
        Refusal(name: "re-definition", rule: .defineOnce, field: "stream", says: "already exists") { f in
            f.e("IndicatorDefined", "indicator/IND-1", ["component": "component/D1", "name": "Again", "unit": "u", "measure": "unit", "higherIsBetter": true])
        },
        Refusal(name: "event before its entity", rule: .defineOnce, field: "stream", says: "indicator/IND-NEW is not defined yet") {
            $0.e("IndicatorMeasured", "indicator/IND-NEW", ["year": 2026, "value": "1"])
        },
        Refusal(name: "missing decision", rule: .references, field: "payload.decision", says: "decision/NOPE does not exist") {
            $0.e("TargetSet", "indicator/IND-1", ["year": 2027, "value": "1", "decision": "decision/NOPE"])
        },
        Refusal(name: "missing programme", rule: .references, field: "payload.programme", says: "programme/NOPE does not exist") {
            $0.e("ComponentDefined", "component/Z", ["programme": "programme/NOPE", "level": "direction", "title": "Z"])
        },
        Refusal(name: "reference of the wrong kind", rule: .knownType, field: "payload.decision", says: "expected a reference to a decision") {
            $0.e("TargetSet", "indicator/IND-1", ["year": 2027, "value": "1", "decision": "organisation/GOV"])
        },
        Refusal(name: "negative amount", rule: .money, field: "payload.amount", says: "greater than zero") { f in
            f.e("FundingAllocated", "allocation/A-9", f.allocation("-5.00"), schema: 2)
        },
        Refusal(name: "more digits than the currency has", rule: .money, field: "payload.amount", says: "KZT has 2 minor-unit digits") { f in
            f.e("FundingAllocated", "allocation/A-9", f.allocation("1.001"), schema: 2)
        },
        Refusal(name: "unknown currency", rule: .money, field: "payload.currency", says: "not an active ISO 4217 currency code") { f in
            f.e("FundingAllocated", "allocation/A-9", f.allocation("1.00", currency: "XYZ"), schema: 2)
        },
        Refusal(name: "amount as a JSON number", rule: .money, field: "payload.amount", says: "expected a string, got a number") { f in
            f.e("FundingAllocated", "allocation/A-9", ["component": "component/D1", "amount": 5, "currency": "KZT", "fiscalYear": 2026,
                                                       "source": "state-budget", "funder": "organisation/GOV", "decision": "decision/DEC"], schema: 2)
        },
        Refusal(name: "other currency than the allocation's", rule: .money, field: "payload.currency", says: "is in KZT, not USD") {
            $0.e("DisbursementRecorded", "allocation/A-1", ["amount": "1.00", "currency": "USD"])
        },
        Refusal(name: "programme ends before it starts", rule: .programmePeriod, field: "payload.end", says: "before it starts") {
            $0.e("ProgrammeDefined", "programme/BAD", ["title": "Bad", "start": "2026-01-01", "end": "2025-12-31", "owner": "organisation/GOV"])
        },
        Refusal(name: "target after the programme", rule: .programmePeriod, field: "payload.year", says: "outside the programme's period 2026–2030") {
            $0.e("TargetSet", "indicator/IND-1", ["year": 2031, "value": "1"])
        },
        Refusal(name: "fiscal year before the programme", rule: .programmePeriod, field: "payload.fiscalYear", says: "2025 is outside") { f in
            f.e("FundingAllocated", "allocation/A-9", f.allocation("1.00", year: 2025), schema: 2)
        },
        Refusal(name: "milestone after the programme", rule: .programmePeriod, field: "payload.plannedDate", says: "outside the programme's period") {
            $0.e("MilestoneScheduled", "milestone/M-9", ["component": "component/O1", "title": "Late", "plannedDate": "2031-01-01"])
        },
        Refusal(name: "baseline after the first year", rule: .programmePeriod, field: "payload.baseline.year", says: "not after the programme's first year") {
            $0.e("IndicatorDefined", "indicator/IND-9", ["component": "component/D1", "name": "N", "unit": "u", "measure": "unit", "higherIsBetter": true,
                                                         "baseline": ["value": "1", "year": 2027]])
        },
        Refusal(name: "direction with a parent", rule: .resultsChain, field: "payload.parent", says: "a direction has no parent") {
            $0.e("ComponentDefined", "component/Z", ["programme": "programme/P", "level": "direction", "parent": "component/D1", "title": "Z"])
        },
        Refusal(name: "output without a parent", rule: .resultsChain, field: "payload.parent", says: "an output needs a parent") {
            $0.e("ComponentDefined", "component/Z", ["programme": "programme/P", "level": "output", "title": "Z"])
        },
        Refusal(name: "parent in another programme", rule: .resultsChain, field: "payload.parent", says: "belongs to programme/P2") {
            $0.e("ComponentDefined", "component/Z", ["programme": "programme/P", "level": "output", "parent": "component/X1", "title": "Z"])
        },
        Refusal(name: "outcome under an output", rule: .resultsChain, field: "payload.parent", says: "a outcome cannot sit under a output") {
            $0.e("ComponentDefined", "component/Z", ["programme": "programme/P", "level": "outcome", "parent": "component/O1", "title": "Z"])
        },
        Refusal(name: "funder without the funder role", rule: .roles, field: "payload.funder", says: "does not have the role \"funder\"") { f in
            f.e("FundingAllocated", "allocation/A-9", f.allocation("1.00", funder: "organisation/IMPL"), schema: 2)
        },
        Refusal(name: "accountable without the role", rule: .roles, field: "payload.accountable", says: "does not have the role \"accountable\"") {
            $0.e("ComponentDefined", "component/Z", ["programme": "programme/P", "level": "direction", "title": "Z", "accountable": "organisation/IMPL"])
        },
        Refusal(name: "second target for a year", rule: .targets, field: "payload.year", says: "already has a 2026 target (10)") {
            $0.e("TargetSet", "indicator/IND-1", ["year": 2026, "value": "12"])
        },
        Refusal(name: "change of a target that does not exist", rule: .targets, field: "payload.year", says: "no 2027 target to change") {
            $0.e("TargetChanged", "indicator/IND-1", ["year": 2027, "value": "12", "previousValue": "10", "reason": "r", "decision": "decision/DEC"])
        },
        Refusal(name: "change naming the wrong previous value", rule: .targets, field: "payload.previousValue", says: "the 2026 target is 10, not 11") {
            $0.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": "12", "previousValue": "11", "reason": "r", "decision": "decision/DEC"])
        },
        Refusal(name: "change to the same value", rule: .targets, field: "payload.value", says: "already 10") {
            $0.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": "10.0", "previousValue": "10", "reason": "r", "decision": "decision/DEC"])
        },
        Refusal(name: "percentage over 100", rule: .targets, field: "payload.value", says: "from 0 to 100") {
            $0.e("IndicatorMeasured", "indicator/IND-P", ["year": 2026, "value": "100.5"])
        },
        Refusal(name: "revision naming the wrong amount", rule: .fundingLifecycle, field: "payload.previousAmount", says: "amount is 1000.00, not 999.00") {
            $0.e("FundingRevised", "allocation/A-1", ["amount": "1200.00", "previousAmount": "999.00", "currency": "KZT", "decision": "decision/DEC"])
        },
        Refusal(name: "revision of a withdrawn allocation", rule: .fundingLifecycle, field: "stream", says: "allocation/A-W was withdrawn") {
            $0.e("FundingRevised", "allocation/A-W", ["amount": "600.00", "previousAmount": "500.00", "currency": "KZT", "decision": "decision/DEC"])
        },
        Refusal(name: "disbursement from a withdrawn allocation", rule: .fundingLifecycle, field: "stream", says: "was withdrawn") {
            $0.e("DisbursementRecorded", "allocation/A-W", ["amount": "1.00", "currency": "KZT"])
        },
        Refusal(name: "achieving a cancelled milestone", rule: .milestoneLifecycle, field: "stream", says: "milestone/M-2 was cancelled") {
            $0.e("MilestoneAchieved", "milestone/M-2", ["achievedOn": "2026-07-01", "evidence": "e"])
        },
        Refusal(name: "rescheduling an achieved milestone", rule: .milestoneLifecycle, field: "stream", says: "was achieved on 2026-03-01") {
            $0.e("MilestoneRescheduled", "milestone/M-3", ["plannedDate": "2026-09-01", "previousDate": "2026-03-01", "decision": "decision/DEC"])
        },
        Refusal(name: "reschedule naming the wrong date", rule: .milestoneLifecycle, field: "payload.previousDate", says: "planned for 2026-06-30, not 2026-07-01") {
            $0.e("MilestoneRescheduled", "milestone/M-1", ["plannedDate": "2026-09-01", "previousDate": "2026-07-01", "decision": "decision/DEC"])
        },
        Refusal(name: "missed before its date", rule: .milestoneLifecycle, field: "effective", says: "cannot be missed on 2026-03-01") {
            $0.e("MilestoneMissed", "milestone/M-1", [:], effective: "2026-03-01")
        },
        Refusal(name: "achieved in the future", rule: .milestoneLifecycle, field: "payload.achievedOn", says: "in the future") {
            $0.e("MilestoneAchieved", "milestone/M-1", ["achievedOn": "2027-01-01", "evidence": "e"])
        },
        Refusal(name: "correction of nothing", rule: .corrections, field: "payload.corrects", says: "no event") {
            $0.e("EventCorrected", "indicator/IND-1", ["corrects": .string(UUID().canonicalString), "action": "void"])
        },
        Refusal(name: "correction in another stream", rule: .corrections, field: "stream", says: "the corrected event is in indicator/IND-1") { f in
            f.e("EventCorrected", "indicator/IND-P", ["corrects": .string(f.id("target")), "action": "void"])
        },
        Refusal(name: "replacement that is not a valid payload", rule: .corrections, field: "payload.replacement.value", says: "exact decimal") { f in
            f.e("EventCorrected", "indicator/IND-1", ["corrects": .string(f.id("target")), "action": "replace", "replacement": ["year": 2026, "value": "ten"]])
        },
        Refusal(name: "replacement with a missing reference", rule: .references, field: "payload.replacement.decision", says: "decision/NOPE does not exist") { f in
            f.e("EventCorrected", "indicator/IND-1", ["corrects": .string(f.id("target")), "action": "replace",
                                                      "replacement": ["year": 2026, "value": "9", "decision": "decision/NOPE"]])
        },
        Refusal(name: "void with a replacement", rule: .knownType, field: "payload.replacement", says: "no replacement") { f in
            f.e("EventCorrected", "indicator/IND-1", ["corrects": .string(f.id("target")), "action": "void", "replacement": ["year": 2026, "value": "9"]])
        },
    ]

    /// Each refusal with the default rule cache, and with a cache of one entry per generation, which
    /// drops and refolds states all the time: what the rules decide must not depend on the cache.
    @Test(arguments: refusals, [4_096, 1])
    func refused(_ c: Refusal, cacheGenerationSize: Int) throws {
        let f = try RuleFixture(cacheGenerationSize: cacheGenerationSize)
        let before = try f.ledger.log.head()
        #expect {
            try f.ledger.append(c.event(f))
        } throws: { error in
            guard let v = error as? RuleViolation else { Issue.record("not a rule violation: \(error)"); return false }
            #expect(v.rule == c.rule, "\(v)")
            #expect(v.field == c.field, "\(v)")
            #expect(v.message.contains(c.says), "\(v)")
            return true
        }
        #expect(try f.ledger.log.head() == before)
        #expect(f.ledger.rules.cache.count <= 2 * cacheGenerationSize)
    }

    /// Each refusal deep in a batch large enough for the log to prepare the rules ahead on another
    /// thread (the payload decoded there): the same rule, field and words, naming the event's place.
    @Test(arguments: refusals)
    func refusedInALargeBatch(_ c: Refusal) throws {
        let f = try RuleFixture()
        let before = try f.ledger.log.head()
        var batch = (0..<99).map { _ in f.e("IndicatorMeasured", "indicator/IND-1", ["year": 2026, "value": "1"]) }
        batch.insert(c.event(f), at: 70)
        #expect {
            try f.ledger.append(batch)
        } throws: { error in
            guard let a = error as? AppendError, let v = a.underlying as? RuleViolation else { Issue.record("not a rule violation: \(error)"); return false }
            #expect(a.index == 70)
            #expect(v.rule == c.rule, "\(v)")
            #expect(v.field == c.field, "\(v)")
            #expect(v.message.contains(c.says), "\(v)")
            return true
        }
        #expect(try f.ledger.log.head() == before)
        batch.remove(at: 70)
        #expect(try f.ledger.append(batch).count == 99)
    }

    @Test func emptyActorIsRefusedByTheLogItself() throws {
        let f = try RuleFixture()
        #expect {
            try f.ledger.append(f.e("IndicatorMeasured", "indicator/IND-1", ["year": 2026, "value": "1"], actor: "  "))
        } throws: { "\($0)" == "field 'actor': must not be empty" }
    }

    @Test func voidingTwiceAndCorrectingACorrectionAreRefused() throws {
        let f = try RuleFixture()
        let void = f.e("EventCorrected", "indicator/IND-1", ["corrects": .string(f.id("target")), "action": "void"])
        try f.ledger.append(void)
        #expect(throws: RuleViolation.self) {
            try f.ledger.append(f.e("EventCorrected", "indicator/IND-1", ["corrects": .string(f.id("target")), "action": "void"]))
        }
        #expect {
            try f.ledger.append(f.e("EventCorrected", "indicator/IND-1", ["corrects": .string(void.id.canonicalString), "action": "void"]))
        } throws: { ($0 as? RuleViolation)?.message.contains("a correction cannot be corrected") == true }
        // With the target void, 2026 has no target: TargetSet is accepted again.
        try f.ledger.append(f.e("TargetSet", "indicator/IND-1", ["year": 2026, "value": "7"]))
        guard case .indicator(let s)? = try f.state("indicator/IND-1") else { Issue.record("no indicator"); return }
        #expect(s.targets[2026] == ExactDecimal("7"))
    }

    /// A batch refused at its last event leaves nothing behind, in the log or in what the rules
    /// remember: states the rules recorded for its earlier events, and entries they found to hold in
    /// its transaction, are never trusted by a later batch.
    @Test(arguments: [4_096, 1])
    func aRefusedBatchLeavesNoStateBehind(cacheGenerationSize: Int) throws {
        let f = try RuleFixture(cacheGenerationSize: cacheGenerationSize)
        let before = try f.ledger.log.head()
        #expect(throws: AppendError.self) {
            try f.ledger.append([
                f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": "8", "previousValue": "10", "reason": "r", "decision": "decision/DEC"]),
                f.e("IndicatorMeasured", "indicator/IND-1", ["year": 2026, "value": "3"]),
                f.e("TargetSet", "indicator/IND-1", ["year": 2040, "value": "1"]),   // outside the programme: refused
            ])
        }
        #expect(try f.ledger.log.head() == before)
        // The target is still 10: changing it from 8 is refused, from 10 accepted, twice over in one batch.
        #expect(throws: RuleViolation.self) {
            try f.ledger.append(f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": "9", "previousValue": "8", "reason": "r", "decision": "decision/DEC"]))
        }
        try f.ledger.append([
            f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": "7", "previousValue": "10", "reason": "r", "decision": "decision/DEC"]),
            f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": "6", "previousValue": "7", "reason": "r", "decision": "decision/DEC"]),
        ])
        guard case .indicator(let s)? = try f.state("indicator/IND-1") else { Issue.record("no indicator"); return }
        #expect(s.targets == [2026: ExactDecimal(6)] && s.measurements.isEmpty)
    }

    /// The rules trust what they kept from their own committed batches only while nothing else has
    /// written: a writer with rules of its own (another process, here another rules value on the same
    /// log) changes the target between two of the ledger's batches, and the ledger's next checks see it.
    @Test(arguments: [4_096, 1])
    func anotherWritersEventsBetweenBatchesAreSeen(cacheGenerationSize: Int) throws {
        let f = try RuleFixture(cacheGenerationSize: cacheGenerationSize)
        func change(_ from: String, _ to: String) -> ProposedEvent {
            f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": .string(to), "previousValue": .string(from), "reason": "r", "decision": "decision/DEC"])
        }
        try f.ledger.append([change("10", "8")])          // the ledger's rules now hold the target at 8
        try f.ledger.append([change("8", "7")])           // and at 7, a batch later (the same epoch)
        let other = ProgrammeRules(now: { Timestamp("2026-11-22T12:00:00Z") ?? Timestamp.now() })
        try f.ledger.log.append(change("7", "5"), rules: other)
        #expect {
            try f.ledger.append([change("7", "6")])
        } throws: { ($0 as? AppendError)?.underlying is RuleViolation }
        try f.ledger.append([change("5", "4")])
        // And back: the ledger's own batch, then the other writer checks against what the ledger wrote.
        #expect(throws: RuleViolation.self) { try f.ledger.log.append(change("5", "3"), rules: other) }
        try f.ledger.log.append(change("4", "3"), rules: other)
        try f.ledger.append([change("3", "2")])
        guard case .indicator(let s)? = try f.state("indicator/IND-1") else { Issue.record("no indicator"); return }
        #expect(s.targets[2026] == ExactDecimal(2))
    }

    /// States the rules kept for a rolled-back batch are never trusted, even when another writer then
    /// fills the very stream versions they were kept for: the ledger's next check must see the other
    /// writer's target, not the one of its own rolled-back batch.
    @Test(arguments: [4_096, 1])
    func aRolledBackBatchsStatesAreNotTrustedWhenAnotherWriterFillsItsVersions(cacheGenerationSize: Int) throws {
        let f = try RuleFixture(cacheGenerationSize: cacheGenerationSize)
        func change(_ from: String, _ to: String) -> ProposedEvent {
            f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": .string(to), "previousValue": .string(from), "reason": "r", "decision": "decision/DEC"])
        }
        try f.ledger.append([change("10", "9")])
        #expect(throws: AppendError.self) {
            try f.ledger.append([change("9", "8"), f.e("TargetSet", "indicator/IND-1", ["year": 2040, "value": "1"])])
        }
        let other = ProgrammeRules(now: { Timestamp("2026-11-22T12:00:00Z") ?? Timestamp.now() })
        try f.ledger.log.append(change("9", "5"), rules: other)   // the version and sequence number the rolled-back event had
        #expect {
            try f.ledger.append([change("8", "7")])
        } throws: { ($0 as? AppendError)?.underlying is RuleViolation }
        try f.ledger.append([change("5", "4")])
        guard case .indicator(let s)? = try f.state("indicator/IND-1") else { Issue.record("no indicator"); return }
        #expect(s.targets[2026] == ExactDecimal(4))
    }

    /// Rules shared by two ledgers never take what they kept from one for the other, even when the
    /// other's stream stands at the same version: each ledger's checks see its own target.
    @Test func rulesSharedByTwoLedgersKeepThemApart() throws {
        let shared = ProgrammeRules(now: { Timestamp("2026-11-22T12:00:00Z") ?? Timestamp.now() })
        let a = try RuleFixture(rules: shared), b = try RuleFixture(rules: shared)
        func change(_ f: RuleFixture, _ from: String, _ to: String) -> ProposedEvent {
            f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": .string(to), "previousValue": .string(from), "reason": "r", "decision": "decision/DEC"])
        }
        try b.ledger.log.append(change(b, "10", "5"), rules: ProgrammeRules())   // b's target: 5, at the version a's will have
        try a.ledger.append([change(a, "10", "8")])                             // a's target: 8, kept by the shared rules
        #expect {
            try b.ledger.append([change(b, "8", "7")])
        } throws: { ($0 as? AppendError)?.underlying is RuleViolation }
        try b.ledger.append([change(b, "5", "4")])
        try a.ledger.append([change(a, "8", "7")])
        guard case .indicator(let sa)? = try a.state("indicator/IND-1"), case .indicator(let sb)? = try b.state("indicator/IND-1") else {
            Issue.record("no indicator"); return
        }
        #expect(sa.targets[2026] == ExactDecimal(7) && sb.targets[2026] == ExactDecimal(4))
    }

    @Test(arguments: [4_096, 1])
    func acceptedChangesMoveTheStateAsExpected(cacheGenerationSize: Int) throws {
        let f = try RuleFixture(cacheGenerationSize: cacheGenerationSize)
        try f.ledger.append([
            f.e("TargetChanged", "indicator/IND-1", ["year": 2026, "value": "8", "previousValue": "10.00", "reason": "premises", "decision": "decision/DEC"]),
            f.e("TargetSet", "indicator/IND-1", ["year": 2027, "value": "20"]),
            f.e("IndicatorMeasured", "indicator/IND-P", ["year": 2026, "value": "100"]),
            f.e("FundingRevised", "allocation/A-1", ["amount": "1200.50", "previousAmount": "1000", "currency": "KZT", "decision": "decision/DEC"]),
            f.e("ExpenditureRecorded", "allocation/A-1", ["amount": "40.25", "currency": "KZT", "description": "rooms"]),
            f.e("MilestoneMissed", "milestone/M-1", [:], effective: "2026-07-01"),
            f.e("MilestoneRescheduled", "milestone/M-1", ["plannedDate": "2026-09-30", "previousDate": "2026-06-30", "decision": "decision/DEC"]),
            f.e("MilestoneAchieved", "milestone/M-1", ["achievedOn": "2026-09-15", "evidence": "opening report"]),
            f.e("EventCorrected", "allocation/A-1", ["corrects": .string(f.id("disbursement")), "action": "replace",
                                                     "replacement": ["amount": "10.00", "currency": "KZT"]]),
        ])
        guard case .indicator(let ind)? = try f.state("indicator/IND-1"),
              case .allocation(let a)? = try f.state("allocation/A-1"),
              case .milestone(let m)? = try f.state("milestone/M-1") else { Issue.record("missing state"); return }
        #expect(ind.targets == [2026: ExactDecimal(8), 2027: ExactDecimal(20)])
        #expect(a.amount == ExactDecimal("1200.50") && a.spent == ExactDecimal("40.25"))
        #expect(a.disbursed == ExactDecimal("10.00"), "the correction replaced the disbursement of 100.00")
        #expect(m.status == .achieved(on: CalendarDate(year: 2026, month: 9, day: 15)!) && m.reschedules == 1)
        #expect(f.ledger.rules.cache.count <= 2 * cacheGenerationSize)
    }
}
