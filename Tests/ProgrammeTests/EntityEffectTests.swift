import EventLog
import Foundation
@testable import Programme
import TestSupport
import Testing

/// An event's effect on its entity's state, as the current-state projection keeps it beside the event:
/// the stored form reads back exactly, applying it is applying the event, and damaged bytes throw.
@Suite struct EntityEffectTests {
    static let big = ExactDecimal(significand: Int128("99999999999999999999999999999999999999") ?? 0, scale: 2)

    static let every: [EntityEffect] = [
        .target(year: 2026, value: ExactDecimal(significand: 125, scale: 1)), .target(year: -3, value: .zero),
        .measured(year: 2030, value: big), .measured(year: 0, value: ExactDecimal(significand: -7, scale: 0)),
        .revised(ExactDecimal(significand: 120_000_000, scale: 2)), .withdrawn,
        .disbursed(ExactDecimal(significand: 1, scale: ExactDecimal.maximumScale)), .spent(big),
        .rescheduled(CalendarDate(daysSinceEpoch: 20_818)), .rescheduled(CalendarDate(daysSinceEpoch: -40_000)),
        .achieved(CalendarDate(daysSinceEpoch: 20_833)), .missed, .cancelled,
    ]

    @Test func everyEffectReadsBackAsWritten() throws {
        for effect in Self.every {
            let back = try effect.encode().withUnsafeBytes { try EntityEffect(stored: $0) }
            #expect(back == effect)
        }
        // Hand-worked: tag 1, year 2026 as zigzag LEB128 (4,052: D4 1F), 12.5 as significand 125
        // (zigzag 250: FA 01) and scale 1.
        #expect(EntityEffect.target(year: 2026, value: ExactDecimal(significand: 125, scale: 1)).encode() == [1, 0xD4, 0x1F, 0xFA, 0x01, 0x01])
    }

    /// Every stream of the default ledger folded with its events' effects as stored — from the
    /// definition, each later event's effect written and read back — ends where the log's fold does.
    @Test func theDefaultLedgerFoldsTheSameFromStoredEffects() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        var kinds = Set<String>()
        for stream in try ledger.log.streamNames() {
            let events = try ledger.log.events(in: stream)
            let typed = try events.map { try ProgrammeEvent.decode($0) }
            guard !typed.contains(where: { if case .eventCorrected = $0 { true } else { false } }),
                  let first = typed.first, var state = EntityState.defined(by: first) else { continue }
            #expect(EntityEffect(first) == nil, "a definition has no effect of its own")
            func validTime(_ a: RecordedEvent, _ b: RecordedEvent) -> Bool { (a.effective, a.sequence) < (b.effective, b.sequence) }
            let rest = zip(events, typed).dropFirst().sorted { validTime($0.0, $1.0) }
            for (event, payload) in rest {
                let effect = try #require(EntityEffect(payload), "an effect for \(event.type)")
                kinds.insert("\(effect)".prefix { $0 != "(" }.description)
                let stored = try effect.encode().withUnsafeBytes { try EntityEffect(stored: $0) }
                state = try EntityState.apply(stored, effective: event.effective, sequence: event.sequence, to: state)
            }
            let sorted = [events[0]] + events.dropFirst().sorted(by: validTime)
            #expect(state == (try EntityState.fold(sorted)), "\(stream)")
            // Kinds that take no effects: any effect on them is a damaged log.
            if !state.changes {
                #expect(throws: EventLogError.self) { try EntityState.apply(EntityEffect.withdrawn, effective: events[0].effective, sequence: 9, to: state) }
            }
        }
        #expect(kinds.isSuperset(of: ["target", "measured", "disbursed", "rescheduled"]), "\(kinds)")
    }

    /// Every event of the default ledger applied in place to its stream's state gives what applying it to
    /// a copy gives, a copy taken before is left as it was (the storage the two shared is not changed
    /// under it), and an event refused leaves the state as it was.
    /// `EntityState.isDefinition`, read from the case alone, says of every event what `defined(by:)`
    /// says: every event of the default ledger, every type of the catalogue among them.
    @Test func aDefinitionIsWhatDefinesAState() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        var types: Set<String> = [], definitions = 0
        for stream in try ledger.log.streamNames() {
            for event in try ledger.log.events(in: stream) {
                let typed = try ProgrammeEvent.decode(event)
                types.insert(event.type)
                #expect(EntityState.isDefinition(typed) == (EntityState.defined(by: typed) != nil), "\(event.type) at \(event.sequence)")
                if EntityState.isDefinition(typed) { definitions += 1 }
            }
        }
        #expect(types == Set(ProgrammeEvent.catalogue.map { $0.typeName }), "types the default ledger lacks: \(Set(ProgrammeEvent.catalogue.map { $0.typeName }).subtracting(types))")
        #expect(definitions > 0)
    }

    @Test func applyingInPlaceIsApplyingToACopy() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        var applied = 0, refused = 0
        var anEffect: (ProgrammeEvent, RecordedEvent)?
        var unchanging: [EntityState] = []
        for stream in try ledger.log.streamNames() {
            let events = try ledger.log.events(in: stream)
            let typed = try events.map { try ProgrammeEvent.decode($0) }
            guard !typed.contains(where: { if case .eventCorrected = $0 { true } else { false } }),
                  let first = typed.first, var state = EntityState.defined(by: first) else { continue }
            if !state.changes { unchanging.append(state) }
            for (event, payload) in zip(events, typed).dropFirst() {
                let effect = EntityEffect(payload)
                if anEffect == nil, effect != nil { anEffect = (payload, event) }
                // What the event does, by its effect applied to a copy (no effect: nothing).
                let expected = try effect.map { try EntityState.apply($0, effective: event.effective, sequence: event.sequence, to: state) } ?? state
                let before = state, beforeText = state.facets.map { "\($0)=\($1)" }
                var optional: EntityState? = state
                try EntityState.apply(payload, at: event, to: &optional)
                try EntityState.apply(payload, effective: event.effective, sequence: event.sequence, to: &state)
                #expect(state == expected, "\(stream) at \(event.sequence)")
                #expect(optional == expected, "\(stream) at \(event.sequence), through the optional")
                #expect(before.facets.map { "\($0)=\($1)" } == beforeText, "\(stream) at \(event.sequence): the copy changed")
                applied += 1
            }
        }
        // An entity of a kind events do not change: an event with an effect is refused, the state kept.
        let (payload, event) = try #require(anEffect)
        for var state in unchanging {
            let before = state
            #expect(throws: EventLogError.self) { try EntityState.apply(payload, effective: event.effective, sequence: event.sequence, to: &state) }
            #expect(state == before)
            var optional: EntityState? = state
            #expect(throws: EventLogError.self) { try EntityState.apply(payload, at: event, to: &optional) }
            #expect(optional == before, "a refused event leaves the optional's state as it was")
            refused += 1
        }
        #expect(applied > 20 && refused > 3, "applied \(applied), refused \(refused)")
    }

    @Test func damagedBytesThrow() {
        for effect in Self.every {
            let bytes = effect.encode()
            for n in 0..<bytes.count {
                #expect(throws: FieldError.self, "\(effect), first \(n) bytes") { try Array(bytes.prefix(n)).withUnsafeBytes { try EntityEffect(stored: $0) } }
            }
            #expect(throws: FieldError.self) { try (bytes + [0]).withUnsafeBytes { try EntityEffect(stored: $0) } }
        }
        for tag: UInt8 in [0, 11, 0xFF] {
            #expect(throws: FieldError.self) { try [tag, 1, 1, 1].withUnsafeBytes { try EntityEffect(stored: $0) } }
        }
        // A decimal's scale past the largest allowed: refused, not trapped.
        #expect(throws: FieldError.self) { try [3, 2, UInt8(ExactDecimal.maximumScale + 1)].withUnsafeBytes { try EntityEffect(stored: $0) } }
    }
}
