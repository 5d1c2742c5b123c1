import ArgumentParser
import AuditTrail
import CurrentState
import EventLog
import Foundation
import Programme
import Projection

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure pledger on a deterministic synthetic programme history; print JSON figures.",
        discussion: """
            For each --events N: a temporary ledger is filled with the first N events of the seeded history \
            (1,000 per durable commit, every rule checked, every hash stored), then single-event durable commits \
            are timed on top, all projections are replayed from event 1, state-at-a-date queries are timed, the \
            log is verified and proofs are timed. docs/BENCHMARKS.md explains each figure. A figure of \
            nothing measured (--single 0, --queries 0, --pairs 0) is null.
            """)

    @Option(name: .customLong("events"), help: "History sizes to measure, any from 1 (repeatable; default 100000 and 1000000).") var sizes: [Int] = []
    @Option(help: "Seed of the synthetic history.") var seed: UInt64 = 42
    @Option(name: .customLong("repeat"), help: ArgumentHelp("Runs of each size, each on a new ledger; each figure printed is their median.",
                               discussion: "As the peers beside which docs/BENCHMARKS.md sets pledger report theirs. The memory figures are those of the run whose replay peaked highest; each run's own figures follow under \"runs\"."))
    var repeats: Int = 1
    @Option(help: "Single-event durable commits to time.") var single: Int = 1_000
    @Option(help: "State-at-a-date queries to time, as known now.") var queries: Int = 200
    @Option(help: "State queries at random (as-of, known-at) pairs to time (default: half of --queries, at least 5).")
    var pairs: Int?
    @Option(help: "Keep the ledger of the last size measured in this directory (which must not exist), for inspection.")
    var keep: String?
    @Option(help: ArgumentHelp("Measure only the reads (state queries, verify, proofs) on a ledger kept by --keep, not a new one.",
                               discussion: "For profiling and comparing builds: the history is not made again.", valueName: "ledger"))
    var reuse: String?
    @Flag(help: ArgumentHelp("With --reuse: first time --single single-event durable commits appended to the kept ledger.",
                             discussion: "Measurements of the history's indicators, new to the ledger, which keeps them (after one of each indicator, not timed): for comparing single commits on two copies of one ledger."))
    var appendSingles = false

    func validate() throws {
        for (name, value) in [("--single", single), ("--queries", queries), ("--pairs", pairs ?? 0)] where value < 0 {
            throw ValidationError("\(name) must be at least 0, not \(value)")
        }
        guard repeats >= 1 else { throw ValidationError("--repeat must be at least 1, not \(repeats)") }
    }

    func run() throws {
        try reportingErrors {
            if let keep, FileManager.default.fileExists(atPath: keep) {
                throw FieldError(field: "--keep", "\(keep) already exists; give a path that does not")
            }
            if let reuse {
                guard sizes.isEmpty, keep == nil, repeats == 1 else {
                    throw FieldError(field: "--reuse", "measures a kept ledger once: give no --events, --keep or --repeat")
                }
                let ledger = try Ledger(path: reuse)
                var head = try ledger.log.head().sequence
                guard head > 0 else { throw FieldError(field: "--reuse", "\(reuse) holds no events to read") }
                var figures: [String: JSONValue] = [:]
                if appendSingles {
                    // One measurement of each indicator first, in one batch, not timed: the rules' cache of
                    // entity states starts empty in this process, and a state missing from it is folded
                    // from the log (a stream of about 1,300 events at 1,000,000), which the bench's own
                    // single commits, made by the process that appended the history, never do.
                    do {
                        try ledger.append(BenchWorkload.measurements(BenchWorkload.indicators, seed: seed, after: head, eachIndicatorOnce: true))
                    } catch let error as AppendError {
                        throw FieldError(field: "--append-singles", "appends measurements of indicator/I0 to I\(BenchWorkload.indicators - 1), which a ledger kept by `pledger bench --keep` defines; \(reuse) refused them, nothing appended: \(error.underlying)")
                    }
                    let singles = BenchWorkload.measurements(single, seed: seed, after: head + UInt64(BenchWorkload.indicators))
                    figures.merge(try Self.commitEach(singles, to: ledger).figures) { _, timed in timed }
                    head = try ledger.log.head().sequence
                }
                let store = try ProjectionStore(path: reuse + "/projections")
                try ProjectionSet([CurrentStateProjection(), AuditTrailProjection()]).catchUp(log: ledger.log, store: store)
                figures.merge(try measureReads(ledger.log, store, total: head)) { _, read in read }
                figures["ledger"] = .string(reuse)
                print(String(decoding: CanonicalJSON.encode(.array([.object(figures.map { ($0.key, $0.value) })])), as: UTF8.self))
                return
            }
            guard !appendSingles else { throw FieldError(field: "--append-singles", "times single commits on a kept ledger: give --reuse") }
            var results: [JSONValue] = []
            let all = sizes.isEmpty ? [100_000, 1_000_000] : sizes
            for n in all where n < 1 { throw FieldError(field: "--events", "at least 1, not \(n)") }
            for (i, n) in all.enumerated() {
                // Each run of a size on a ledger of its own; --keep keeps the last size's last run's.
                let runs = try (1 ... repeats).map { r in
                    try measure(n, keepingLedgerIn: i == all.count - 1 && r == repeats ? keep : nil)
                }
                results.append(BenchRepeats.combined(runs))
            }
            print(String(decoding: CanonicalJSON.encode(.array(results)), as: UTF8.self))
        }
    }

    func measure(_ n: Int, keepingLedgerIn kept: String? = nil) throws -> JSONValue {
        // The history is made 1,000 events at a time, outside the timed appends, and never held whole.
        var workload = BenchWorkload(seed: seed, span: n)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pledger-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ContinuousClock()

        // The appends, on a ledger let go of once they are done: the replay and the reads below open it
        // again, as `pledger replay` or a query in a process of its own would, without what the
        // appending ledger kept between its commits (the index entries waiting to be written in bulk,
        // the rules' caches). LMDB's environment is closed when its log is: one that stayed open would
        // be opened twice in one process, which LMDB forbids, so that is checked.
        weak var appendingLog: EventLog?
        let (appendTime, appendCPU, batches, phases, singles) = try appendHistory(n, from: &workload, into: dir + "/ledger", log: &appendingLog)
        guard appendingLog == nil else { throw CLIError.invalid("the appending ledger was not closed before the replay: not measured") }
        let ledger = try Ledger(path: dir + "/ledger")
        let total = UInt64(n + single)
        // What the appends freed (LMDB's dirty pages of each commit, freed at commit) stays with glibc's
        // malloc unless returned: without this, RssAnon before the replay is the appends' high-water.
        _ = releaseFreedMemory(0)
        let anonBeforeReplay = Self.rssAnonKiB()

        // Full replay of all stored projections from event 1, sampling private memory all along.
        let store = try ProjectionStore(path: dir + "/ledger/projections")
        let sampler = PeakMemorySampler(startingAt: anonBeforeReplay)
        let replayTime: Duration
        let replayCPU: CPUTime
        do {
            defer { _ = sampler.stop() }
            ReplayPhases.reset()
            let start = CPUTime.atStart()
            replayTime = try clock.measure {
                try ProjectionSet([CurrentStateProjection(), AuditTrailProjection()]).rebuild(log: ledger.log, store: store)
            }
            replayCPU = CPUTime.atEnd() - start
        }
        let peakAnon = sampler.stop()
        let replayPhases = ReplayPhases.nanoseconds()

        var figures = try measureReads(ledger.log, store, total: total)
        let bytes = try Self.directoryBytes(dir + "/ledger/log")
        var canonicalBytes = 0
        try ledger.log.scanCanonical { _, event in canonicalBytes += event.count; return true }
        if let kept { try FileManager.default.moveItem(atPath: dir + "/ledger", toPath: kept) }

        var built: [String: JSONValue] = [
            "events": .integer(Int64(n)),
            "appendBatchedEventsPerSecond": Self.rate(n, appendTime),
            "appendCpuMicrosecondsPerEvent": Self.cpuMicroseconds(appendCPU, per: n),
            "appendBatchMs": Self.timeFigures(batches, counted: "batches"),
            "replayEventsPerSecond": Self.rate(Int(total), replayTime),
            "replayCpuMicrosecondsPerEvent": Self.cpuMicroseconds(replayCPU, per: Int(total)),
            "replayPeakRssAnonKiB": .integer(Int64(peakAnon)),
            "rssAnonBeforeReplayKiB": .integer(Int64(anonBeforeReplay)),
            "logBytesOnDisk": .integer(Int64(bytes)),
            "bytesPerEvent": .integer(Int64(bytes / Int(total))),
            "canonicalBytesPerEvent": .integer(Int64(canonicalBytes / Int(total))),
        ]
        // Only a build that times them (`scripts/phase-times`) has the batched appends' and the replay's phases.
        if PhaseTotals.timed {
            built["appendPhasesMicrosecondsPerEvent"] = Self.phaseFigures(phases, per: n)
            built["replayPhasesMicrosecondsPerEvent"] = Self.phaseFigures(replayPhases, per: Int(total))
        }
        figures.merge(built) { _, new in new }
        figures.merge(singles.figures) { _, new in new }
        return .object(figures.map { ($0.key, $0.value) })
    }

    /// Appends `n` events of `workload` to a new ledger at `path`, 1,000 events per durable commit, then
    /// ``single`` more, one commit each: the time each part took, and the CPU time each took (the
    /// process's and the appending thread's), counted over the same calls as their wall-clock time, and
    /// the batched appends' phases (``AppendPhases``: empty unless this build times them).
    /// `log` is the ledger's log, held weakly: nil once the ledger is let go.
    private func appendHistory(_ n: Int, from workload: inout BenchWorkload, into path: String, log: inout EventLog?)
        throws -> (batched: Duration, batchedCPU: CPUTime, batches: [Double], phases: [AppendPhases.Phase: UInt64], singles: SingleCommits) {
        let ledger = try Ledger.create(at: path)
        log = ledger.log
        let clock = ContinuousClock()
        var batched = Duration.zero
        var cpu = CPUTime.zero
        var batches: [Double] = []
        batches.reserveCapacity(n / 1_000 + 1)
        var i = 0
        AppendPhases.reset()
        while i < n {
            let batch = workload.take(min(1_000, n - i))
            let start = CPUTime.atStart()
            let d = try clock.measure { try ledger.append(batch) }
            cpu += CPUTime.atEnd() - start
            batched += d
            batches.append(Self.milliseconds(d))
            i += batch.count
        }
        let phases = AppendPhases.nanoseconds()
        // Single-event durable commits on top of the N-event ledger.
        return (batched, cpu, batches, phases, try Self.commitEach(workload.take(single), to: ledger))
    }

    /// Each phase's total (``TimedPhases/nanoseconds()``) in microseconds an event of `events`, under the
    /// phase's name.
    static func phaseFigures<Phase: CaseIterable & Hashable>(_ totals: [Phase: UInt64], per events: Int) -> JSONValue {
        .object(Phase.allCases.map { phase in
            (String(describing: phase), figure(Double(totals[phase] ?? 0) / 1_000 / Double(max(1, events))))
        })
    }

    /// A time or CPU figure as `pledger bench` prints one: its text with three decimals; null when
    /// nothing was measured.
    static func figure(_ value: Double?) -> JSONValue {
        value.map { .string(String(format: "%.3f", $0)) } ?? .null
    }

    /// The `q` percentile of `values`, times in milliseconds, as `pledger bench` prints a time; null when
    /// there are none (`--single 0`, `--queries 0`).
    static func ms(_ values: [Double], _ q: Double) -> JSONValue {
        figure(values.isEmpty ? nil : percentile(values, q))
    }

    /// Times in milliseconds as `pledger bench` prints each batch's or each single commit's: p50, p99,
    /// the slowest, and how many, under `counted`.
    static func timeFigures(_ each: [Double], counted: String) -> JSONValue {
        ["p50": ms(each, 0.5), "p99": ms(each, 0.99), "max": ms(each, 1), counted: .integer(Int64(each.count))]
    }

    /// What ``commitEach(_:to:)`` measures: the single commits' time, CPU and each one's time.
    struct SingleCommits {
        var time = Duration.zero
        var cpu = CPUTime.zero
        var each: [Double] = []

        /// The figures `pledger bench` prints of them: rate, CPU a commit, and each commit's time in
        /// milliseconds (p50, p99, the slowest), which shows how much of the rate the rare slow
        /// commits (those that write a range of a bulk-written index) take.
        var figures: [String: JSONValue] {
            ["singleCommitsPerSecond": Bench.rate(each.count, time),
             "singleCommitCpuMicroseconds": Bench.cpuMicroseconds(cpu, per: each.count),
             "singleCommitMs": Bench.timeFigures(each, counted: "commits")]
        }
    }

    /// Appends each of `events` in a durable commit of its own, timing each.
    static func commitEach(_ events: [ProposedEvent], to ledger: Ledger) throws -> SingleCommits {
        let clock = ContinuousClock()
        var result = SingleCommits()
        result.each.reserveCapacity(events.count)
        let start = CPUTime.atStart()
        for e in events {
            let d = try clock.measure { _ = try ledger.append(e) }
            result.time += d
            result.each.append(milliseconds(d))
        }
        result.cpu = CPUTime.atEnd() - start
        return result
    }

    /// The read side on a ledger of `total` events with its projections caught up: state at a date as
    /// known now (snapshots) and at (as-of, known-at) pairs (the effects kept in the store folded, the
    /// log's events for entities with a correction), verify, and proofs.
    func measureReads(_ log: EventLog, _ store: ProjectionStore, total: UInt64) throws -> [String: JSONValue] {
        let clock = ContinuousClock()
        // State at a date, as known now (snapshots), and at (as-of, known-at) pairs (effect folds).
        var rng = SeededRandom(seed: seed &+ 1)
        func randomDate() -> CalendarDate { CalendarDate(daysSinceEpoch: 20_454 + Int64(rng.below(1_826))) }
        var now: [Double] = [], reports: [Double] = []
        EntitySnapshotDecoder.shared.forget()   // the first query reads as a new process would
        for _ in 0..<queries {
            let slice = ResolvedSlice(asOf: randomDate(), sequence: total)
            var states = EntityStates()
            now.append(try Self.milliseconds(clock.measure {
                states = try CurrentState.states(log: log, store: store, slice: slice, kinds: StateReport.kinds)
            }))
            reports.append(Self.milliseconds(clock.measure { _ = StateReport(states: states, slice: slice, receipt: nil) }))
        }
        var pairs: [Double] = []
        // Half as many as the queries known now (a twentieth until Round 35, when a pair took tens of
        // milliseconds: ten pairs were too few for a steady p50).
        for _ in 0..<max(0, self.pairs ?? max(5, queries / 2)) {
            let slice = ResolvedSlice(asOf: randomDate(), sequence: 1 + UInt64(rng.below(Int(total))))
            pairs.append(try Self.milliseconds(clock.measure {
                _ = try CurrentState.states(log: log, store: store, slice: slice, kinds: StateReport.kinds)
            }))
        }

        // Verify, and proofs.
        let verifyTime = try clock.measure { _ = try log.verify() }
        var inclusion: [Double] = [], consistency: [Double] = []
        for _ in 0..<1_000 {
            let size = 1 + UInt64(rng.below(Int(total)))
            let seq = 1 + UInt64(rng.below(Int(size)))
            inclusion.append(try Self.milliseconds(clock.measure { _ = try log.inclusionProof(sequence: seq, treeSize: size) }))
            let first = 1 + UInt64(rng.below(Int(size)))
            consistency.append(try Self.milliseconds(clock.measure { _ = try log.consistencyProof(first: first, second: size) }))
        }
        return [
            "stateAsOfKnownNowMs": ["p50": Self.ms(now, 0.5), "p99": Self.ms(now, 0.99), "queries": .integer(Int64(now.count)),
                                    "first": Self.figure(now.first)],
            "stateReportBuildMs": ["p50": Self.ms(reports, 0.5), "p99": Self.ms(reports, 0.99)],
            "stateAsOfKnownAtMs": ["p50": Self.ms(pairs, 0.5), "p99": Self.ms(pairs, 0.99), "queries": .integer(Int64(pairs.count))],
            "verifyEventsPerSecond": Self.rate(Int(total), verifyTime),
            "inclusionProofMs": ["p50": Self.ms(inclusion, 0.5), "p99": Self.ms(inclusion, 0.99)],
            "consistencyProofMs": ["p50": Self.ms(consistency, 0.5), "p99": Self.ms(consistency, 0.99)],
        ]
    }

    /// `count` a second over `d`; null when nothing was measured (`--single 0`), rather than a rate of 0
    /// that reads as the slowest there is.
    static func rate(_ count: Int, _ d: Duration) -> JSONValue {
        guard count > 0, seconds(d) > 0 else { return .null }
        return .integer(Int64((Double(count) / seconds(d)).rounded()))
    }

    /// CPU microseconds a unit of `count` (an event; a commit, for the single commits): every thread's
    /// of the process, and the calling thread's alone; null for no unit.
    static func cpuMicroseconds(_ cpu: CPUTime, per count: Int) -> JSONValue {
        func us(_ d: Duration) -> JSONValue { figure(count > 0 ? seconds(d) * 1e6 / Double(count) : nil) }
        return ["allThreads": us(cpu.process), "callingThread": us(cpu.thread)]
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func milliseconds(_ d: Duration) -> Double { seconds(d) * 1_000 }

    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }

    /// RssAnon from /proc/self/status: the process's private resident memory, without LMDB's mapped file pages.
    static func rssAnonKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    /// Bytes allocated on disk by the files in `path` (sparse files count what they use).
    static func directoryBytes(_ path: String) throws -> Int {
        var total = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            var st = stat()
            if stat(path + "/" + name, &st) == 0 { total += Int(st.st_blocks) * 512 }
        }
        return total
    }
}

/// glibc's `malloc_trim`: returns freed heap pages to the system (Swift's Glibc module does not export it).
@_silgen_name("malloc_trim") private func releaseFreedMemory(_ pad: Int) -> Int32
