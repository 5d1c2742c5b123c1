import Foundation
import EventLog
import Programme

extension EntityState {
    /// The state of one entity in a time slice: its events known by `slice.sequence`, effective by
    /// `slice.asOf`, applied in effective-date order (sequence order within a day), corrections included
    /// on the same terms. The defining event goes first; an entity not yet defined, or whose definition is
    /// not yet effective, has no state.
    public static func fold(stream events: [RecordedEvent], in slice: ResolvedSlice) throws -> EntityState? {
        guard let definition = events.first, slice.includes(definition) else { return nil }
        let rest = events.dropFirst().filter(slice.includes).sorted(by: validTimeOrder)
        return try fold([definition] + rest)
    }

    /// Effective date, then sequence number.
    public static func validTimeOrder(_ a: RecordedEvent, _ b: RecordedEvent) -> Bool {
        (a.effective, a.sequence) < (b.effective, b.sequence)
    }

    /// The states of an entity after each distinct effective date, known now: what the projection's
    /// snapshots hold. The first is at the definition's effective date.
    ///
    /// One pass in valid-time order: each date's events are applied to the previous state, except where
    /// a correction arrives (it may change an event already applied), which refolds from the start.
    public static func validTimeHistory(of events: [RecordedEvent]) throws -> [(CalendarDate, EntityState)] {
        guard let definition = events.first else { return [] }
        let rest = events.dropFirst().sorted(by: validTimeOrder)
        var out: [(CalendarDate, EntityState)] = []
        var included: [RecordedEvent] = [definition]
        var state = try fold([definition])
        var corrections: [UUID: EventCorrected] = [:]
        var i = rest.startIndex
        // Events effective before the definition count from the definition's date.
        var date = definition.effective
        while true {
            var group: [RecordedEvent] = []
            while i < rest.endIndex, rest[i].effective <= date { group.append(rest[i]); i += 1 }
            if !group.isEmpty {
                included += group
                let typed = try group.map { e in (e, try ProgrammeEvent.decodeStored(e)) }
                if typed.contains(where: { if case .eventCorrected = $0.1 { true } else { false } }) {
                    for case (_, .eventCorrected(let c)) in typed { corrections[c.corrects] = c }
                    state = try fold(included)
                } else {
                    for (event, payload) in typed {
                        // A voided event leaves the state as it is.
                        if let payload = try corrected(payload, of: event, by: corrections) { try apply(payload, at: event, to: &state) }
                    }
                }
            }
            if let state { out.append((date, state)) }
            guard i < rest.endIndex else { break }
            date = rest[i].effective
        }
        return out
    }

    /// The payload an event counts with, given the corrections already in force: `nil` when voided.
    static func corrected(_ payload: ProgrammeEvent, of event: RecordedEvent, by corrections: [UUID: EventCorrected]) throws -> ProgrammeEvent? {
        guard let c = corrections[event.id] else { return payload }
        switch c.action {
        case .void: return nil
        case .replace:
            let schema = ProgrammeEvent.payloadType(named: event.type)?.currentSchema ?? event.schema
            return try ProgrammeEvent.decode(type: event.type, schema: schema, payload: c.replacement ?? .object([]))
        }
    }
}
