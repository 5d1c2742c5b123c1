import EventLog
import Programme

extension EntityState {
    /// The state of one entity in a time slice: its events known by `slice.sequence`, effective by
    /// `slice.asOf`, applied in effective-date order (sequence order within a day), corrections included
    /// on the same terms. The defining event goes first; an entity not yet defined, or whose definition is
    /// not yet effective, has no state.
    public static func fold(stream events: [RecordedEvent], in slice: ResolvedSlice) throws -> EntityState? {
        guard let definition = events.first, slice.includes(definition) else { return nil }
        let rest = events.dropFirst().filter(slice.includes).sorted {
            ($0.effective, $0.sequence) < ($1.effective, $1.sequence)
        }
        return try fold([definition] + rest)
    }

    /// The states of an entity after each distinct effective date, known now: what the projection's
    /// snapshots hold. The first is at the definition's effective date.
    public static func validTimeHistory(of events: [RecordedEvent]) throws -> [(CalendarDate, EntityState)] {
        guard let definition = events.first else { return [] }
        let sorted = [definition] + events.dropFirst().sorted { ($0.effective, $0.sequence) < ($1.effective, $1.sequence) }
        var dates = Array(Set(sorted.map(\.effective).filter { $0 >= definition.effective })).sorted()
        if dates.first != definition.effective { dates.insert(definition.effective, at: 0) }
        var out: [(CalendarDate, EntityState)] = []
        for date in dates {
            let slice = ResolvedSlice(asOf: date, sequence: .max)
            if let state = try fold(stream: events, in: slice) { out.append((date, state)) }
        }
        return out
    }
}

