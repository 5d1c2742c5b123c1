import EventLog

/// The figures of several runs of `pledger bench` at one size, as one set: each figure the median of
/// the runs', the memory figures those of the run whose replay peaked highest.
///
/// The peers beside which docs/BENCHMARKS.md sets pledger (`../shared/bench/run_peers.sh`) report the
/// median of their repetitions; with `--repeat` pledger's figures are taken the same way, so a ratio
/// compares like with like and one slow minute moves neither side alone. A median is one of the runs'
/// own values (for an even count, the lower of the two middle ones), so an exact figure printed as a
/// decimal string stays exactly as that run printed it.
enum BenchRepeats {
    /// The figures that are the largest of the runs, taken together from one run: a ceiling is met only
    /// if every run met it, and the memory held before the replay belongs with that run's peak.
    static let fromHighestPeak = ["replayPeakRssAnonKiB", "rssAnonBeforeReplayKiB"]

    /// The figures of `runs` (objects of `pledger bench` figures, in the order run) as one object: every
    /// member of the first run, its value the median of the runs' (members of an object figure each
    /// their own median); then `repeats`, and `runs`, each run's own figures.
    static func combined(_ runs: [JSONValue]) -> JSONValue {
        guard runs.count > 1, case .object(let first) = runs[0] else { return runs.first ?? .null }
        let peak = runs.max { peakKiB($0) < peakKiB($1) } ?? runs[0]
        var members: [(String, JSONValue)] = first.map { key, _ in
            (key, fromHighestPeak.contains(key) ? peak[key] ?? .null : median(runs.compactMap { $0[key] }))
        }
        members.append(("repeats", .integer(Int64(runs.count))))
        members.append(("runs", .array(runs)))
        return .object(members)
    }

    /// The median of `values`: integers and decimal strings by their numbers, objects member by member;
    /// any other value (a path, say) is the first run's.
    static func median(_ values: [JSONValue]) -> JSONValue {
        guard let first = values.first else { return .null }
        switch first {
        case .object(let members):
            return .object(members.map { key, _ in (key, median(values.compactMap { $0[key] })) })
        case .integer, .string:
            let numbered = values.compactMap { value in number(value).map { (value, $0) } }
            guard numbered.count == values.count else { return first }
            return numbered.sorted { $0.1 < $1.1 }[(numbered.count - 1) / 2].0
        default:
            return first
        }
    }

    /// A figure's number, for ordering only: an integer, or a decimal string such as "0.554".
    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let i): return Double(i)
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    private static func peakKiB(_ run: JSONValue) -> Int64 {
        if case .integer(let kib)? = run["replayPeakRssAnonKiB"] { return kib }
        return 0
    }
}
