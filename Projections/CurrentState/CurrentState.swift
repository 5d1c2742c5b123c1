import EventLog
import Programme
import Projection

/// Answers "what did the programme look like" for any time slice.
public enum CurrentState {
    /// The report for `slice`. "As of any date, as known now" reads the projection's snapshots (after
    /// catching them up when `store` is writable); any other slice folds each entity's effects kept in
    /// the store (``CurrentStateProjection/states(in:store:kinds:splittingFrom:)``), or its stream from
    /// the log for an entity with a correction, or without a store that has applied the slice.
    @available(*, noasync, message: "reads the ledger")
    public static func report(log: EventLog, store: ProjectionStore?, slice: TimeSlice, withReceipt: Bool = false,
                              today: CalendarDate = Timestamp.now().date) throws -> StateReport {
        let resolved = try slice.resolve(in: log, today: today)
        let states = try self.states(log: log, store: store, slice: resolved, kinds: StateReport.kinds)
        return StateReport(states: states, slice: resolved, receipt: withReceipt ? try Receipt(log: log, slice: resolved) : nil)
    }

    /// Every entity's state in the slice, or that of the entities of `kinds`.
    public static func states(log: EventLog, store: ProjectionStore?, slice: ResolvedSlice,
                              kinds: Set<EntityKind>? = nil) throws -> EntityStates {
        let head = try log.head().sequence
        if let store, slice.sequence == head, try store.checkpoint(of: CurrentStateProjection().name) == head {
            return try CurrentStateProjection.states(asOf: slice.asOf, store: store, kinds: kinds)
        }
        if let store, let folded = try CurrentStateProjection.states(in: slice, store: store, kinds: kinds) {
            var out = folded.states
            let states = try log.histories(of: folded.fromLog, through: slice.sequence) { _, events in try EntityState.fold(stream: events, in: slice) }
            for (stream, state) in zip(folded.fromLog, states) {
                if let state { out.append(stream, state) }   // put in its place among the others
            }
            return out
        }
        // Each entity's events known by the slice (not its later ones), folded on two threads.
        let streams = try log.streamNames().filter { stream in   // ascending
            guard let kinds, let kind = EntityReference(stream: stream)?.kind else { return true }
            return kinds.contains(kind)
        }
        let states = try log.histories(of: streams, through: slice.sequence) { _, events in try EntityState.fold(stream: events, in: slice) }
        var out = EntityStates()
        for (stream, state) in zip(streams, states) {
            if let state { out.append(stream, state) }
        }
        return out
    }
}
