/// Phases of some work whose wall-clock totals a build with `-Xswiftc -DPHASE_TIMES` keeps
/// (``PhaseTotals``): the appends' (``AppendPhases``) and the projections' catch-ups'. In every other
/// build ``start()`` is a constant and ``add(_:since:)`` returns at once, so the hooks compile away.
public protocol TimedPhases {
    /// The phases, numbered from 0 in order; each case's name is its name in `pledger bench`'s figures.
    associatedtype Phase: RawRepresentable, CaseIterable, Hashable where Phase.RawValue == Int
    /// Their totals.
    static var totals: PhaseTotals { get }
}

extension TimedPhases {
    /// Now, for ``add(_:since:)``.
    @inlinable @inline(__always) public static func start() -> UInt64 { PhaseTotals.now() }

    /// Adds the time since `start` (from ``start()``) to `phase`.
    @inlinable @inline(__always) public static func add(_ phase: Phase, since start: UInt64) {
        guard PhaseTotals.timed else { return }
        totals.add(phase.rawValue, since: start)
    }

    /// `body`, its time added to `phase`: for a phase that is one expression.
    @inlinable @inline(__always) public static func timed<R>(_ phase: Phase, _ body: () throws -> R) rethrows -> R {
        let began = Self.start()
        defer { add(phase, since: began) }
        return try body()
    }

    /// Sets every phase's total to zero.
    public static func reset() { totals.reset() }

    /// Each phase's total, in nanoseconds, since the process started or ``reset()``.
    public static func nanoseconds() -> [Phase: UInt64] {
        let totals = totals.nanoseconds()
        return Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0, totals[$0.rawValue]) })
    }
}
