import AuditTrail
@testable import CurrentState
@testable import EventLog
import Foundation
import LMDB
@testable import Programme
import PropertyBased
import Projection
import TestSupport
import Testing

/// Every entry of every projection database, to compare stores.
func contents(_ store: ProjectionStore) throws -> [String: [[UInt8]]] {
    var out: [String: [[UInt8]]] = [:]
    for name in ["state-snapshots", "state-entities", "audit"] {
        let db = try store.database(name)
        out[name] = try store.environment.read { txn in
            try txn.withCursor(db) { c in
                var rows: [[UInt8]] = []
                var e = try c.first()
                while let entry = e { rows.append(Array(entry.key) + [0xFF] + Array(entry.value)); e = try c.next() }
                return rows
            }
        }
    }
    return out
}

/// Catches up both projections together, the audit trail computed on another thread beside the
/// current state (``ConcurrentProjection``).
func catchUpAll(_ ledger: Ledger, _ store: ProjectionStore, batchSize: Int = ProjectionSet.defaultBatchSize,
                eventsPerCommit: Int = ProjectionSet.defaultEventsPerCommit) throws {
    try ProjectionSet([CurrentStateProjection(), AuditTrailProjection()])
        .catchUp(log: ledger.log, store: store, batchSize: batchSize, eventsPerCommit: eventsPerCommit)
}

/// Rebuilds each projection alone, every step on this thread.
func rebuildAll(_ ledger: Ledger, _ store: ProjectionStore) throws {
    try CurrentStateProjection().rebuild(log: ledger.log, store: store)
    try AuditTrailProjection().rebuild(log: ledger.log, store: store)
}

@Suite struct StoreTests {
    @Test func aCorrectionRecordedAfterACheckpointIsAppliedOnCatchUp() throws {
        let (dir, ledger) = try Scenario.ledger(through: 18)
        let store = try ProjectionStore(path: dir.path + "/projections")
        try catchUpAll(ledger, store)
        #expect(try store.checkpoint(of: "current-state") == 18)
        func target2026(asOf: String) throws -> ExactDecimal? {
            let slice = try TimeSlice(asOf: asOf, knownAt: nil).resolve(in: ledger.log)
            guard case .indicator(let s)? = try CurrentState.states(log: ledger.log, store: store, slice: slice)["indicator/I"] else { return nil }
            return s.targets[2026]
        }
        // Before the correction: the June change's 8 stands as of 1 July 2026.
        #expect(try target2026(asOf: "2026-07-01") == ExactDecimal("8"))
        try ledger.append(Array(Scenario.events().suffix(1)))
        // The store is behind: the query folds the log (still right), then catch-up brings the store along.
        #expect(try target2026(asOf: "2026-07-01") == ExactDecimal("7.5"))
        try catchUpAll(ledger, store)
        #expect(try store.checkpoint(of: "current-state") == 19)
        #expect(try target2026(asOf: "2026-07-01") == ExactDecimal("7.5"))
        #expect(try target2026(asOf: "2026-12-31") == ExactDecimal("9"))
        // The audit row of the corrected event now names its correction, and the correction names it.
        let audit = try AuditTrailProjection.entries(store: store, log: ledger.log, entity: "indicator/I")
        #expect(audit.first { $0.sequence == 11 }?.correctedBy == [19])
        let correction = try #require(audit.first { $0.sequence == 19 })
        #expect(correction.corrects == 11)
        // Before and after the correction, just after the June change: 8 became 7.5.
        #expect(correction.changes == [AuditEntry.Change(facet: "target 2026", before: "8", after: "7.5")])
        // Incremental equals rebuilt.
        let rebuilt = try ProjectionStore(path: dir.path + "/rebuilt")
        try rebuildAll(ledger, rebuilt)
        #expect(try contents(rebuilt) == contents(store))
    }

    /// A void correction of an entity's latest-dated event, effective later than it and caught up
    /// incrementally (the stream's snapshots written again from its history): as of a date before
    /// the void the event stands, from the void's date on it does not, each date keeps its snapshot,
    /// and the store holds what a rebuild writes.
    @Test func aVoidCountsFromItsOwnDateAndCatchUpEqualsRebuild() throws {
        let events = Scenario.events()
        let (dir, ledger) = try Scenario.ledger(through: 18)
        let store = try ProjectionStore(path: dir.path + "/projections")
        try catchUpAll(ledger, store)
        func target2027(asOf: String) throws -> ExactDecimal? {
            let slice = try TimeSlice(asOf: asOf, knownAt: nil).resolve(in: ledger.log)
            guard case .indicator(let s)? = try CurrentState.states(log: ledger.log, store: store, slice: slice)["indicator/I"] else { return nil }
            return s.targets[2027]
        }
        // Event 17 (TargetChanged 2027 20 → 25, effective 2027-03-01) is indicator I's latest date.
        #expect(events[16].effective == .d("2027-03-01") && events[16].stream == "indicator/I")
        #expect(try target2027(asOf: "2027-06-01") == ExactDecimal("25"))
        func snapshotDays() throws -> [CalendarDate] {
            let db = try store.database("state-snapshots")
            return try store.environment.read { txn in
                try txn.withCursor(db) { c in
                    var days: [CalendarDate] = [], e = try c.first()
                    while let entry = e { if let key = SnapshotKey(stored: entry.key) { days.append(key.day) }; e = try c.next() }
                    return days
                }
            }
        }
        #expect(try snapshotDays().contains(.d("2027-03-01")))
        // Recorded and effective later (2027-04-15): indicator I's dates are then ..., 2027-03-01, 2027-04-15.
        var void = events[18]
        void.effective = .d("2027-04-15")
        void.payload = ["corrects": .string(events[16].id.canonicalString), "action": "void"]
        try ledger.append([void])
        try catchUpAll(ledger, store)
        #expect(try target2027(asOf: "2027-06-01") == ExactDecimal("20"))
        #expect(try target2027(asOf: "2027-03-15") == ExactDecimal("25"))
        #expect(try snapshotDays().filter { $0 >= .d("2027-01-01") } == [.d("2027-04-15"), .d("2027-03-01")])   // newest first
        let rebuilt = try ProjectionStore(path: dir.path + "/rebuilt")
        try rebuildAll(ledger, rebuilt)
        #expect(try contents(rebuilt) == contents(store))
    }

    /// The projection is derived data: deleting it loses nothing.
    /// The ledger's commits flush their data and meta pages; the projection store's flush their pages
    /// and leave each meta page to the next commit's flush (a power loss may undo only the last commit,
    /// whose events a catch-up applies again), and a catch-up syncs once after its last.
    @Test func theLogSyncsEachCommitAndTheStoreItsPagesOnly() throws {
        let (dir, ledger) = try Scenario.ledger()
        let store = try ProjectionStore(path: dir.path + "/projections")
        #expect(store.environment.syncsEachCommit && !store.environment.syncsMetaEachCommit)
        #expect(ledger.log.environment.syncsEachCommit && ledger.log.environment.syncsMetaEachCommit)
        try catchUpAll(ledger, store)
        #expect(try store.checkpoint(of: "current-state") == (try ledger.log.head().sequence))
    }

    @Test func deletingTheStoreAndRebuildingGivesTheSameAnswers() throws {
        let (dir, ledger) = try Scenario.ledger()
        let store = try ProjectionStore(path: dir.path + "/projections")
        try catchUpAll(ledger, store, batchSize: 3)
        let before = try contents(store)
        try FileManager.default.removeItem(atPath: dir.path + "/projections")
        let fresh = try ProjectionStore(path: dir.path + "/projections")
        try catchUpAll(ledger, fresh)
        #expect(try contents(fresh) == before)
    }

    /// A stream defined in the batch that brings its later events, some effective before the definition
    /// (they count from its date, in their own valid-time order): written from the decoded events in one
    /// step, the store holds what the general path writes when each event comes alone, and answers what
    /// folds of the log answer.
    @Test func aStreamDefinedInTheBatchOfItsEventsIsStoredAsWhenEachComesAlone() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.append(IncrementalEqualsRebuildTests.base())
        var h = HistoryBuilder(namespace: "pledger/tests/defined-in-batch")
        h.at("2026-06-10T00:00:00Z", actor: "t")
        func add(_ type: any ProgrammeEventPayload.Type, _ stream: String, _ payload: JSONValue, _ effective: String) {
            h.add(type, stream, payload, effective: effective, rationale: "r", source: "s")
        }
        add(IndicatorDefined.self, "indicator/N", ["component": "component/D", "name": "N", "unit": "u", "measure": "unit", "higherIsBetter": true], "2026-03-01")
        add(TargetSet.self, "indicator/N", ["year": 2027, "value": "5"], "2026-02-01")
        add(TargetSet.self, "indicator/N", ["year": 2026, "value": "3"], "2026-01-20")
        add(TargetChanged.self, "indicator/N", ["year": 2026, "value": "4", "previousValue": "3", "reason": "r", "decision": "decision/DEC"], "2026-02-15")
        add(IndicatorMeasured.self, "indicator/N", ["year": 2026, "value": "2.5"], "2026-03-01")
        add(IndicatorMeasured.self, "indicator/N", ["year": 2026, "value": "3.5"], "2026-04-01")
        add(TargetChanged.self, "indicator/N", ["year": 2027, "value": "6", "previousValue": "5", "reason": "r", "decision": "decision/DEC"], "2026-05-01")
        add(IndicatorMeasured.self, "indicator/N", ["year": 2026, "value": "3"], "2026-03-20")
        add(MilestoneScheduled.self, "milestone/M", ["component": "component/D", "title": "M", "plannedDate": "2026-09-30"], "2026-04-01")
        add(MilestoneRescheduled.self, "milestone/M", ["plannedDate": "2026-10-31", "previousDate": "2026-09-30", "decision": "decision/DEC"], "2026-03-15")
        add(MilestoneAchieved.self, "milestone/M", ["achievedOn": "2026-05-05", "evidence": "e"], "2026-05-05")
        add(MilestoneScheduled.self, "milestone/M2", ["component": "component/D", "title": "M2", "plannedDate": "2026-09-30"], "2026-04-01")
        add(MilestoneRescheduled.self, "milestone/M2", ["plannedDate": "2026-10-31", "previousDate": "2026-09-30", "decision": "decision/DEC"], "2026-06-01")
        try ledger.append(h.events.map { var e = $0; e.stamp = nil; return e })

        let together = try ProjectionStore(path: dir.path + "/together")
        try catchUpAll(ledger, together)
        let alone = try ProjectionStore(path: dir.path + "/alone")
        try catchUpAll(ledger, alone, batchSize: 1, eventsPerCommit: 1)
        #expect(try contents(together) == contents(alone))
        let head = try ledger.log.head().sequence
        for day in ["2026-01-10", "2026-02-01", "2026-02-28", "2026-03-01", "2026-03-16", "2026-03-20", "2026-04-01", "2026-05-05", "2026-12-31"] {
            let slice = ResolvedSlice(asOf: .d(day), sequence: head)
            let fromStore = try CurrentState.states(log: ledger.log, store: together, slice: slice)
            #expect(fromStore == (try CurrentState.states(log: ledger.log, store: nil, slice: slice)), "as of \(day)")
        }
        // Hand-worked: on the definition's date the earlier targets count in their own order (3, then
        // 4 for 2026) with the first measurement; the later ones from their own dates.
        let march = try CurrentState.states(log: ledger.log, store: together, slice: ResolvedSlice(asOf: .d("2026-03-01"), sequence: head))
        guard case .indicator(let n)? = march["indicator/N"] else { Issue.record("no indicator/N on 2026-03-01"); return }
        #expect(n.targets == [2026: ExactDecimal(4), 2027: ExactDecimal(5)] && n.measurements == [2026: ExactDecimal(significand: 25, scale: 1)])
        #expect(try CurrentState.states(log: ledger.log, store: together, slice: ResolvedSlice(asOf: .d("2026-02-28"), sequence: head))["indicator/N"] == nil)

        // Back-dated events on each kind that changes, caught up: the events after their dates apply
        // again from the effects kept with their snapshots, as they applied from the log.
        var later = HistoryBuilder(namespace: "pledger/tests/defined-in-batch-later")
        later.at("2026-07-01T00:00:00Z", actor: "t")
        later.add(IndicatorMeasured.self, "indicator/N", ["year": 2026, "value": "2.75"], effective: "2026-03-10", rationale: "r", source: "s")
        later.add(MilestoneRescheduled.self, "milestone/M2", ["plannedDate": "2026-11-30", "previousDate": "2026-10-31", "decision": "decision/DEC"], effective: "2026-04-20", rationale: "r", source: "s")
        later.add(FundingRevised.self, "allocation/A", ["amount": "90000.00", "currency": "KZT", "previousAmount": "100000.00", "decision": "decision/DEC"], effective: "2026-03-01", rationale: "r", source: "s")
        later.add(DisbursementRecorded.self, "allocation/A", ["amount": "500.00", "currency": "KZT"], effective: "2026-04-01", rationale: "r", source: "s")
        later.add(DisbursementRecorded.self, "allocation/A", ["amount": "250.00", "currency": "KZT"], effective: "2026-02-01", rationale: "r", source: "s")
        try ledger.append(later.events.map { var e = $0; e.stamp = nil; return e })
        try catchUpAll(ledger, together)
        try catchUpAll(ledger, alone, batchSize: 1, eventsPerCommit: 1)
        #expect(try contents(together) == contents(alone))
        let now = try ledger.log.head().sequence
        for day in ["2026-02-01", "2026-03-01", "2026-03-10", "2026-04-01", "2026-04-20", "2026-05-05", "2026-06-01", "2026-12-31"] {
            let slice = ResolvedSlice(asOf: .d(day), sequence: now)
            #expect(try CurrentState.states(log: ledger.log, store: together, slice: slice) == CurrentState.states(log: ledger.log, store: nil, slice: slice), "as of \(day)")
        }
        let april = try CurrentState.states(log: ledger.log, store: together, slice: ResolvedSlice(asOf: .d("2026-04-30"), sequence: now))
        let june = try CurrentState.states(log: ledger.log, store: together, slice: ResolvedSlice(asOf: .d("2026-06-30"), sequence: now))
        guard case .allocation(let a)? = april["allocation/A"], case .milestone(let m)? = april["milestone/M2"],
              case .milestone(let m2)? = june["milestone/M2"] else { Issue.record("no allocation/A or milestone/M2"); return }
        // By 30 April: revised to 90,000 (1 March), 250 and 500 disbursed; M2 moved once (20 April).
        // By 30 June the reschedule of 1 June, recorded before, applies after it: 31 October, twice.
        #expect(a.amount == ExactDecimal("90000.00") && a.disbursed == ExactDecimal("750.00"))
        #expect(m.plannedDate == .d("2026-11-30") && m.reschedules == 1)
        #expect(m2.plannedDate == .d("2026-10-31") && m2.reschedules == 2)
    }
}

/// Random valid histories, appended in random batches with the projections catching up after each:
/// the result must equal a rebuild from event 1, and the snapshot answers must equal folds of the log.
@Suite struct IncrementalEqualsRebuildTests {
    struct Model {
        var targets: [Int: [Int: Int]] = [:]      // indicator → year → value
        var measurements: [(UUID, Int)] = []        // measurement id, indicator
        var voided: Set<UUID> = []
        var amount = 100_000
    }

    static func base() -> [ProposedEvent] {
        var h = HistoryBuilder(namespace: "pledger/tests/random-base")
        h.at("2026-01-10T00:00:00Z", actor: "t")
        h.add(OrganisationDefined.self, "organisation/GOV", ["name": "G", "roles": ["funder", "accountable"]], effective: "2026-01-01", rationale: "r", source: "s")
        h.add(ProgrammeDefined.self, "programme/P", ["title": "P", "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV"], effective: "2026-01-01", rationale: "r", source: "s")
        h.add(ComponentDefined.self, "component/D", ["programme": "programme/P", "level": "direction", "title": "D"], effective: "2026-01-01", rationale: "r", source: "s")
        h.add(DecisionRecorded.self, "decision/DEC", ["title": "T", "kind": "target", "authority": "organisation/GOV", "reference": "1", "decidedOn": "2026-01-01", "authorises": "all"], effective: "2026-01-01", rationale: "r", source: "s")
        for i in 0..<3 {
            h.add(IndicatorDefined.self, "indicator/I\(i)", ["component": "component/D", "name": "I", "unit": "u", "measure": "unit", "higherIsBetter": true], effective: "2026-01-05", rationale: "r", source: "s")
        }
        h.add(FundingAllocated.self, "allocation/A", ["component": "component/D", "amount": "100000.00", "currency": "KZT", "fiscalYear": 2026, "source": "state-budget", "funder": "organisation/GOV", "decision": "decision/DEC"], effective: "2026-01-05", rationale: "r", source: "s")
        return h.events.map { var e = $0; e.stamp = nil; return e }
    }

    /// Turns a generated code into a valid event, given the model of what the ledger holds.
    static func event(_ code: Int, _ model: inout Model) -> ProposedEvent {
        let indicator = code % 3, year = 2026 + (code / 3) % 3, value = (code / 9) % 50 + 1
        let effective = CalendarDate(daysSinceEpoch: 20_454 + Int64((code / 7) % 700)) // 2026-01-01 + up to ~2 years, often back-dated
        func make(_ type: String, _ stream: String, _ payload: JSONValue) -> ProposedEvent {
            ProposedEvent(stream: StreamName(stringLiteral: stream), type: type, effective: effective, actor: "t", rationale: "r", source: "s", payload: payload)
        }
        switch (code / 450) % 5 {
        case 0:
            if let previous = model.targets[indicator]?[year] {
                let next = previous == value ? value + 1 : value
                model.targets[indicator]?[year] = next
                return make("TargetChanged", "indicator/I\(indicator)", ["year": .integer(Int64(year)), "value": .string("\(next)"),
                                                                       "previousValue": .string("\(previous)"), "reason": "r", "decision": "decision/DEC"])
            }
            model.targets[indicator, default: [:]][year] = value
            return make("TargetSet", "indicator/I\(indicator)", ["year": .integer(Int64(year)), "value": .string("\(value)")])
        case 1, 2:
            let e = make("IndicatorMeasured", "indicator/I\(indicator)", ["year": .integer(Int64(year)), "value": .string("\(value).5")])
            model.measurements.append((e.id, indicator))
            return e
        case 3:
            let live = model.measurements.filter { !model.voided.contains($0.0) }
            guard !live.isEmpty else { return make("DisbursementRecorded", "allocation/A", ["amount": .string("\(value).00"), "currency": "KZT"]) }
            if code % 5 == 0 {
                // Replace an indicator's definition (a name of four, so a later one may bring an earlier back).
                let ind = code % 3
                guard let definition = base().first(where: { $0.stream.rawValue == "indicator/I\(ind)" && $0.type == "IndicatorDefined" }) else {
                    return make("DisbursementRecorded", "allocation/A", ["amount": .string("\(value).00"), "currency": "KZT"])
                }
                var e = make("EventCorrected", "indicator/I\(ind)", ["corrects": .string(definition.id.canonicalString), "action": "replace",
                                                                   "replacement": ["component": "component/D", "name": .string("I\(code % 4)"), "unit": "u",
                                                                                   "measure": "unit", "higherIsBetter": true]])
                e.effective = max(effective, definition.effective)
                return e
            }
            let (id, ind) = live[code % live.count]
            if code % 2 == 0 {
                model.voided.insert(id)
                return make("EventCorrected", "indicator/I\(ind)", ["corrects": .string(id.canonicalString), "action": "void"])
            }
            return make("EventCorrected", "indicator/I\(ind)", ["corrects": .string(id.canonicalString), "action": "replace",
                                                              "replacement": ["year": .integer(Int64(year)), "value": .string("\(value)")]])
        default:
            if code % 3 == 0 {
                let next = model.amount + value
                defer { model.amount = next }
                return make("FundingRevised", "allocation/A", ["amount": .string("\(next).00"), "previousAmount": .string("\(model.amount).00"),
                                                              "currency": "KZT", "decision": "decision/DEC"])
            }
            return make("DisbursementRecorded", "allocation/A", ["amount": .string("\(value).00"), "currency": "KZT"])
        }
    }

    /// A projection that fails on the batch holding event `failAt`.
    struct FailingProjection: Projection {
        let name = "failing"
        let databases: [String] = []
        let failAt: UInt64
        func apply(_ events: [DecodedEvent], from log: EventLog, store: ProjectionStore, in txn: borrowing WriteTransaction) throws {
            if events.contains(where: { $0.sequence >= failAt }) { throw FieldError(field: "failing", "fails at \(failAt)") }
        }
    }

    /// While a batch is applied the next is read on another thread, and a commit spans batches: a
    /// failing batch still stops the catch-up with its error, after the commits before it; its own
    /// commit, the batches before it in that commit included, keeps nothing, for every member.
    @Test func aFailingBatchStopsTheCatchUpAfterTheCommitsBeforeIt() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.append(Self.base())
        let head = try ledger.log.head().sequence
        try #require(head >= 7)
        let store = try ProjectionStore(path: dir.path + "/store")
        let set = ProjectionSet([AuditTrailProjection(), FailingProjection(failAt: 5)])
        // Batches of 2 in commits of 6: the commit of events 1–6 fails whole, so nothing is kept.
        #expect(throws: FieldError.self) { try set.catchUp(log: ledger.log, store: store, batchSize: 2, eventsPerCommit: 6) }
        #expect(try store.checkpoint(of: "failing") == 0)
        #expect(try store.checkpoint(of: "audit-trail") == 0)
        #expect(try AuditTrailProjection.entries(store: store, log: ledger.log, entity: nil).isEmpty)
        // In commits of 4: the commit of events 1–4 stands, the one holding event 5 fails whole.
        #expect(throws: FieldError.self) { try set.catchUp(log: ledger.log, store: store, batchSize: 2, eventsPerCommit: 4) }
        #expect(try store.checkpoint(of: "failing") == 4)
        #expect(try store.checkpoint(of: "audit-trail") == 4)
        #expect(try AuditTrailProjection.entries(store: store, log: ledger.log, entity: nil).map(\.sequence) == [1, 2, 3, 4])
        // Without the failing member, the same set catches up to the head (commits of 0 count as 1).
        try ProjectionSet([AuditTrailProjection()]).catchUp(log: ledger.log, store: store, batchSize: 2, eventsPerCommit: 0)
        #expect(try AuditTrailProjection.entries(store: store, log: ledger.log, entity: nil).map(\.sequence) == Array(1...head))
    }

    /// A commit spans several batches; when the map fills inside one, the store's write runs again from
    /// the start and must read again from the commit before: the grown store equals one that never filled.
    @Test func aCommitThatFillsTheMapIsAppliedAgainFromItsStart() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.append(Self.base())
        var model = Model()
        try ledger.append((0..<400).map { Self.event($0 * 7_919 % 100_000, &model) })
        let head = try ledger.log.head().sequence
        let small = 128 << 10
        let grown = try ProjectionStore(path: dir.path + "/grown", mapSize: small)
        let set = ProjectionSet([CurrentStateProjection(), AuditTrailProjection()])
        try set.catchUp(log: ledger.log, store: grown, batchSize: 7, eventsPerCommit: 60)
        #expect(grown.environment.info().mapSize > small, "the map grew during the catch-up")
        let roomy = try ProjectionStore(path: dir.path + "/roomy")
        try set.catchUp(log: ledger.log, store: roomy)
        #expect(try store(grown, equals: roomy, through: head))
    }

    private func store(_ a: ProjectionStore, equals b: ProjectionStore, through head: UInt64) throws -> Bool {
        for name in ["current-state", "audit-trail"] {
            guard try a.checkpoint(of: name) == head, try b.checkpoint(of: name) == head else { return false }
        }
        return try contents(a) == contents(b)
    }

    @Test func incrementalCatchUpEqualsFullRebuild() async {
        await propertyCheck(count: 25, input: Gen.int(in: 0...100_000).array(of: 1...60), Gen.int(in: 1...9).array(of: 1...12)) { codes, splits in
            do {
                try Self.check(codes: codes, splits: splits)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    static func check(codes: [Int], splits: [Int]) throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.append(base())
        let store = try ProjectionStore(path: dir.path + "/incremental")
        try catchUpAll(ledger, store)
        var model = Model()
        var events = codes.map { event($0, &model) }
        var i = 0
        while !events.isEmpty {
            let n = min(splits[i % splits.count], events.count)
            try ledger.append(Array(events.prefix(n)))
            events.removeFirst(n)
            try catchUpAll(ledger, store, batchSize: 1 + i % 4, eventsPerCommit: 1 + i % 7)
            i += 1
        }
        let rebuilt = try ProjectionStore(path: dir.path + "/rebuilt")
        try rebuildAll(ledger, rebuilt)
        #expect(try contents(store) == contents(rebuilt))
        // Snapshot answers equal log folds at a spread of dates.
        for day in stride(from: Int64(20_450), to: 21_250, by: 61) {
            let slice = ResolvedSlice(asOf: CalendarDate(daysSinceEpoch: day), sequence: try ledger.log.head().sequence)
            let fromStore = try CurrentState.states(log: ledger.log, store: store, slice: slice)
            let fromLog = try CurrentState.states(log: ledger.log, store: nil, slice: slice)
            #expect(fromStore == fromLog, "as of \(CalendarDate(daysSinceEpoch: day))")
            // Read in two halves on two threads (split wherever earlier reads put the middle), and on one.
            for threshold in [2, Int.max] {
                #expect(try CurrentStateProjection.states(asOf: slice.asOf, store: store, splittingFrom: threshold) == fromLog)
            }
            // What a report reads: only its kinds, from the snapshots and from the log alike.
            let shown = try CurrentState.states(log: ledger.log, store: store, slice: slice, kinds: StateReport.kinds)
            #expect(shown == EntityStates(fromLog.lazy.filter { StateReport.kinds.contains($0.state.kind) }.map { ($0.stream, $0.state) }))
            #expect(try CurrentState.states(log: ledger.log, store: nil, slice: slice, kinds: StateReport.kinds) == shown)
            #expect(!shown.contains { $0.state.kind == .decision || $0.state.kind == .organisation })
            #expect(day < 20_454 || !shown.isEmpty, "the programme is defined on 2026-01-01")
        }
    }
}
