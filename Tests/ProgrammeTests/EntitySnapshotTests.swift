import EventLog
import Foundation
@testable import Programme
import TestSupport
import Testing

/// The binary snapshot form keeps every state of the default ledger exactly, and damaged bytes throw.
@Suite struct EntitySnapshotTests {
    func states() throws -> (TemporaryDirectory, [(StreamName, EntityState)]) {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        var out: [(StreamName, EntityState)] = []
        for stream in try ledger.log.streamNames() {
            if let s = try EntityState.fold(try ledger.log.events(in: stream)) { out.append((stream, s)) }
        }
        return (dir, out)
    }

    @Test func everyStateOfTheDefaultLedgerRoundTrips() throws {
        let (_, all) = try states()
        #expect(Set(all.map { $0.1.kind }) == Set(EntityKind.allCases))
        let decoder = EntitySnapshotDecoder()
        for (stream, state) in all {
            let bytes = EntitySnapshot.encode(state)
            // Twice: the first decodes the definition, the second reuses it.
            for _ in 0..<2 {
                let back = try bytes.withUnsafeBytes { try decoder.decode($0, stream: stream) }
                #expect(back == state, "\(stream)")
            }
        }
    }

    @Test func aChangedDefinitionIsDecodedAgainNotReused() throws {
        let (_, all) = try states()
        let decoder = EntitySnapshotDecoder()
        let indicators = all.filter { $0.1.kind == .indicator }
        try #require(indicators.count >= 2)
        let stream = indicators[0].0
        // Two different entities' snapshots read under one stream name: the kept definition must not leak.
        for (_, state) in indicators.prefix(2) {
            let back = try EntitySnapshot.encode(state).withUnsafeBytes { try decoder.decode($0, stream: stream) }
            #expect(back == state)
        }
    }

    /// `state` stored as the current-state projection stores it: a snapshot referring to definition 0
    /// of a list holding the state's definition.
    static func referring(_ state: EntityState) -> (snapshot: [UInt8], list: [UInt8]) {
        (EntitySnapshot.encode(state, definitionNumber: 0), EntitySnapshot.encodeDefinitions([EntitySnapshot.definitionBytes(of: state)]))
    }

    /// Snapshots that refer to their definition by number read back with the definition of that number,
    /// by a single read and by a pass, and a list that changed is decoded again.
    @Test func snapshotsReferringToADefinitionListRoundTrip() throws {
        let (_, all) = try states()
        let indicators = all.filter { $0.1.kind == .indicator }.map(\.1)
        try #require(indicators.count >= 3)
        // One entity whose definition was replaced twice: three definitions, states referring to each.
        let list = EntitySnapshot.encodeDefinitions(indicators.prefix(3).map { EntitySnapshot.definitionBytes(of: $0) })
        let decoder = EntitySnapshotDecoder()
        let stream: StreamName = "indicator/ONE"
        for round in 0..<2 {
            var pass = decoder.pass()
            for (number, state) in indicators.prefix(3).enumerated() {
                let snapshot = EntitySnapshot.encode(state, definitionNumber: number)
                #expect(try snapshot.withUnsafeBytes { try EntitySnapshot.definitionNumber(stored: $0) } == number)
                let single = try snapshot.withUnsafeBytes { b in try list.withUnsafeBytes { try decoder.decode(b, definitions: $0, stream: stream) } }
                #expect(single == state, "single read, definition \(number), round \(round)")
                let (_, passed) = try snapshot.withUnsafeBytes { b in
                    try list.withUnsafeBytes { l in try Array(stream.rawValue.utf8).withUnsafeBytes { try pass.decode(b, definitions: l, key: $0) } }
                }
                #expect(passed == state, "pass, definition \(number), round \(round)")
            }
            decoder.keep(pass)
        }
        // The same stream with a list of one: its first definition, not the kept list's.
        let (snapshot, one) = Self.referring(indicators[2])
        #expect(try snapshot.withUnsafeBytes { b in try one.withUnsafeBytes { try decoder.decode(b, definitions: $0, stream: stream) } } == indicators[2])
        // A number past the end of the list, a number longer than 4 bytes: errors.
        let past = EntitySnapshot.encode(indicators[0], definitionNumber: 3)
        #expect(throws: FieldError.self) { _ = try past.withUnsafeBytes { b in try list.withUnsafeBytes { try decoder.decode(b, definitions: $0, stream: stream) } } }
        let long: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x00]
        #expect(throws: FieldError.self) { _ = try long.withUnsafeBytes { try EntitySnapshot.definitionNumber(stored: $0) } }
        #expect(EntitySnapshot.encode(indicators[0], definitionNumber: 300).prefix(2) == [0xAC, 0x02])
    }

    /// Numbers are stored in as few bytes as they need (LEB128): the extremes of every field read back
    /// exactly — decimals of 38 digits either sign (past the 64-bit path), zero, scale 18, dates
    /// before 1970 — in both stored forms, and a typical value takes a few bytes.
    @Test func extremeNumbersRoundTripInFewBytesWhenSmall() throws {
        let (_, all) = try states()
        guard case .indicator(var indicator)? = all.first(where: { $0.1.kind == .indicator })?.1,
              case .allocation(var allocation)? = all.first(where: { $0.1.kind == .allocation })?.1,
              case .milestone(var milestone)? = all.first(where: { $0.1.kind == .milestone })?.1 else {
            Issue.record("the default ledger has every kind"); return
        }
        let largest = try #require(ExactDecimal("99999999999999999999.999999999999999999"))
        let smallest = try #require(ExactDecimal("-99999999999999999999.999999999999999999"))
        let edges: [ExactDecimal] = [largest, smallest, .zero, try #require(ExactDecimal("-0.000000000000000001")),
                                     ExactDecimal(significand: Int128(Int64.max), scale: 0), ExactDecimal(significand: Int128(Int64.min), scale: 3),
                                     ExactDecimal(significand: 1 << 62, scale: 0), ExactDecimal(significand: -(1 << 62), scale: 0)]
        indicator.targets = YearValues()
        indicator.measurements = YearValues()
        for (i, d) in edges.enumerated() {
            indicator.targets[1 + i * 1_000] = d
            indicator.measurements[-5 + i] = d
        }
        allocation.amount = largest
        allocation.disbursed = smallest
        allocation.spent = .zero
        allocation.withdrawn = true
        milestone.plannedDate = CalendarDate(daysSinceEpoch: -719_162)   // 0001-01-01
        milestone.status = .missed(on: CalendarDate(daysSinceEpoch: 2_932_896))   // 9999-12-31
        milestone.reschedules = Int(Int32.max)
        let decoder = EntitySnapshotDecoder()
        for state in [EntityState.indicator(indicator), .allocation(allocation), .milestone(milestone)] {
            let stream: StreamName = "indicator/EDGE"
            #expect(try EntitySnapshot.encode(state).withUnsafeBytes { try decoder.decode($0, stream: stream) } == state)
            let (snapshot, list) = Self.referring(state)
            #expect(try snapshot.withUnsafeBytes { b in try list.withUnsafeBytes { try decoder.decode(b, definitions: $0, stream: stream) } } == state)
        }
        // A target of 12.5 for 2026 and no measurement: definition 0, a count of 1, 2026 (zigzag 4052 in two
        // bytes), 125 (zigzag 250 in two), scale 1, a count of 0.
        indicator.targets = [2026: try #require(ExactDecimal("12.5"))]
        indicator.measurements = YearValues()
        #expect(EntitySnapshot.encode(.indicator(indicator), definitionNumber: 0) == [0, 1, 0xD4, 0x1F, 0xFA, 0x01, 1, 0])
    }

    /// Year entries are read in one step while they fit 64 bits, else part by part: on both paths years
    /// must ascend and a scale must not pass 18.
    @Test func yearEntriesOutOfOrderOrOutOfScaleAreErrorsOnBothPaths() throws {
        let (_, all) = try states()
        guard case .indicator(var indicator)? = all.first(where: { $0.1.kind == .indicator })?.1 else {
            Issue.record("the default ledger has an indicator"); return
        }
        indicator.targets = YearValues()
        indicator.measurements = YearValues()
        let (_, list) = Self.referring(.indicator(indicator))
        func decode(_ snapshot: [UInt8]) throws -> EntityState {
            try snapshot.withUnsafeBytes { b in try list.withUnsafeBytes { try EntitySnapshotDecoder().decode(b, definitions: $0, stream: "indicator/X") } }
        }
        func message(_ snapshot: [UInt8]) -> String {
            do { _ = try decode(snapshot); return "decoded" } catch { return "\(error)" }
        }
        let y2026: [UInt8] = [0xD4, 0x1F], y2027: [UInt8] = [0xD6, 0x1F]   // zigzag 4052, 4054
        let small: [UInt8] = [20], huge: [UInt8] = Array(repeating: 0x80, count: 9) + [0x04]   // 10; 2^64 (zigzag 2^65)
        for value in [small, huge] {
            let significand: Int128 = value == small ? 10 : 1 << 64
            indicator.targets = [2026: ExactDecimal(significand: significand, scale: 1), 2027: ExactDecimal(significand: significand, scale: 2)]
            #expect(try decode([0, 2] + y2026 + value + [1] + y2027 + value + [2] + [0]) == .indicator(indicator))
            #expect(message([0, 2] + y2027 + value + [1] + y2026 + value + [2] + [0]).contains("year 2026 out of order"))
            #expect(message([0, 2] + y2026 + value + [1] + y2026 + value + [2] + [0]).contains("year 2026 out of order"))
            #expect(message([0, 1] + y2026 + value + [19] + [0]).contains("out of range"))
        }
    }

    @Test func damagedSnapshotsThrowAndNeverTrap() throws {
        let (_, all) = try states()
        for (stream, state) in all.prefix(40) {
            let bytes = EntitySnapshot.encode(state)
            for cut in 0..<bytes.count {
                let decoder = EntitySnapshotDecoder()
                #expect(throws: (any Error).self, "\(stream) cut at \(cut)") {
                    _ = try Array(bytes[0..<cut]).withUnsafeBytes { try decoder.decode($0, stream: stream) }
                }
            }
            // As the current-state projection stores it: the snapshot or the list cut short.
            let (snapshot, list) = Self.referring(state)
            for cut in 0..<snapshot.count {
                #expect(throws: (any Error).self, "\(stream) snapshot cut at \(cut)") {
                    _ = try Array(snapshot[0..<cut]).withUnsafeBytes { b in try list.withUnsafeBytes { try EntitySnapshotDecoder().decode(b, definitions: $0, stream: stream) } }
                }
            }
            for cut in 1..<list.count {
                #expect(throws: (any Error).self, "\(stream) list cut at \(cut)") {
                    _ = try snapshot.withUnsafeBytes { b in try Array(list[0..<cut]).withUnsafeBytes { try EntitySnapshotDecoder().decode(b, definitions: $0, stream: stream) } }
                }
            }
            var longer = bytes
            longer.append(0)
            #expect(throws: (any Error).self) { _ = try longer.withUnsafeBytes { try EntitySnapshotDecoder().decode($0, stream: stream) } }
            var rng = SeededRandom(seed: UInt64(bytes.count))
            for _ in 0..<50 {
                var flipped = bytes
                flipped[rng.below(flipped.count)] ^= UInt8(1 + rng.below(255))
                _ = try? flipped.withUnsafeBytes { try EntitySnapshotDecoder().decode($0, stream: stream) }
            }
        }
    }
}

/// A pass reads many entities in key order: it finds what earlier passes learnt, and never reuses a
/// definition whose bytes changed.
@Suite struct EntitySnapshotPassTests {
    @Test func passesInAnyOrderGiveEveryStateAndLearn() throws {
        let (_, all) = try EntitySnapshotTests().states()
        let sorted = all.sorted { $0.0 < $1.0 }
        let decoder = EntitySnapshotDecoder()
        var rng = SeededRandom(seed: 7)
        for round in 0..<4 {
            // In key order, then with entities skipped (a split read, or kinds passed over), then shuffled.
            let order = round < 2 ? sorted : round == 2 ? sorted.filter { _ in rng.below(3) != 0 } : sorted.shuffled(using: &rng)
            var pass = decoder.pass()
            #expect(pass.knownCount == (round == 0 ? 0 : sorted.count))
            for (stream, state) in order {
                let (snapshot, list) = EntitySnapshotTests.referring(state)
                let (name, back) = try snapshot.withUnsafeBytes { bytes in
                    try list.withUnsafeBytes { l in try Array(stream.rawValue.utf8).withUnsafeBytes { try pass.decode(bytes, definitions: l, key: $0) } }
                }
                #expect(name == stream && back == state, "\(stream), round \(round)")
            }
            decoder.keep(pass)
        }
        #expect(decoder.keptCount == sorted.count)
    }

    /// A definition list kept with its decoded states (as a writer that has just made it keeps it) reads
    /// back what a decoder that never saw it decodes, for every state of the default ledger; the same
    /// stream read with another list decodes that list, not the kept one.
    @Test func aKeptDefinitionListReadsAsItsDecodedSelf() throws {
        let (_, all) = try EntitySnapshotTests().states()
        let kept = EntitySnapshotDecoder()
        for (stream, state) in all {
            let (snapshot, list) = EntitySnapshotTests.referring(state)
            kept.keep(list, decoded: [state.definitionOnly], for: stream)
            let read = try snapshot.withUnsafeBytes { b in try list.withUnsafeBytes { try kept.decode(b, definitions: $0, stream: stream) } }
            let fresh = try snapshot.withUnsafeBytes { b in try list.withUnsafeBytes { try EntitySnapshotDecoder().decode(b, definitions: $0, stream: stream) } }
            #expect(read == state && fresh == state, "\(stream)")
            #expect(CanonicalJSON.encode(read.json) == CanonicalJSON.encode(fresh.json), "\(stream)")
        }
        // Every state's list kept under one name, then each state read under it with its own list.
        let shared = try #require(all.first?.0)
        let first = try #require(all.first?.1)
        kept.keep(EntitySnapshotTests.referring(first).list, decoded: [first.definitionOnly], for: shared)
        for (_, state) in all {
            let (snapshot, list) = EntitySnapshotTests.referring(state)
            #expect(try snapshot.withUnsafeBytes { b in try list.withUnsafeBytes { try kept.decode(b, definitions: $0, stream: shared) } } == state)
        }
    }

    @Test func aChangedDefinitionUnderAKnownKeyIsDecodedAgain() throws {
        let (_, all) = try EntitySnapshotTests().states()
        let indicators = all.filter { $0.1.kind == .indicator }
        try #require(indicators.count >= 2)
        let decoder = EntitySnapshotDecoder()
        let key = Array(indicators[0].0.rawValue.utf8)
        for (_, state) in indicators.prefix(2) {
            var pass = decoder.pass()
            let (snapshot, list) = EntitySnapshotTests.referring(state)
            let (_, back) = try snapshot.withUnsafeBytes { bytes in
                try list.withUnsafeBytes { l in try key.withUnsafeBytes { try pass.decode(bytes, definitions: l, key: $0) } }
            }
            #expect(back == state)
            decoder.keep(pass)
        }
    }

    @Test func aKeyThatIsNotAStreamNameThrows() throws {
        let (_, all) = try EntitySnapshotTests().states()
        var pass = EntitySnapshotDecoder().pass()
        let (snapshot, list) = EntitySnapshotTests.referring(all[0].1)
        #expect(throws: FieldError.self) {
            _ = try snapshot.withUnsafeBytes { b in
                try list.withUnsafeBytes { l in try Array("not a name!".utf8).withUnsafeBytes { try pass.decode(b, definitions: l, key: $0) } }
            }
        }
    }
}

/// Definition bytes are reused only for identical definitions: an indicator baseline of 10 and one of
/// 10.000 are equal numbers with different text, and each state reads back with its own.
@Suite struct EntitySnapshotEncodeTests {
    @Test func numericallyEqualDefinitionsWithOtherDigitsAreEncodedAgain() throws {
        let (_, all) = try EntitySnapshotTests().states()
        guard let (stream, state) = all.first(where: { $0.1.kind == .indicator }), case .indicator(let s) = state else {
            Issue.record("no indicator"); return
        }
        var plain = s, rescaled = s
        plain.definition.baseline = IndicatorDefined.Baseline(value: try #require(ExactDecimal("10")), year: 2025)
        rescaled.definition.baseline = IndicatorDefined.Baseline(value: try #require(ExactDecimal("10.000")), year: 2025)
        let (a, b) = (EntityState.indicator(plain), EntityState.indicator(rescaled))
        #expect(a == b && !a.hasIdenticalDefinition(to: b) && a.hasIdenticalDefinition(to: a))
        let decoder = EntitySnapshotDecoder()
        for state in [a, b, b, a] {
            let back = try decoder.encode(state, stream: stream).withUnsafeBytes { try decoder.decode($0, stream: stream) }
            #expect(CanonicalJSON.encode(back.json) == CanonicalJSON.encode(state.json), "the text of each definition comes back")
        }
    }

    /// The definition bytes a decoder keeps for a stream are those `EntitySnapshot.definitionBytes(of:)`
    /// makes, whether made or kept: for every state of the default ledger, asked twice, and for states of
    /// other entities asked under one stream name in turn (a replaced definition is made again).
    @Test func keptDefinitionBytesAreTheDefinitionsOwn() throws {
        let (_, all) = try EntitySnapshotTests().states()
        let decoder = EntitySnapshotDecoder()
        for (stream, state) in all {
            for _ in 0..<2 { #expect(decoder.definitionBytes(of: state, stream: stream) == EntitySnapshot.definitionBytes(of: state), "\(stream)") }
        }
        let shared = try #require(all.first?.0)
        for (_, state) in all + all.reversed() {
            #expect(decoder.definitionBytes(of: state, stream: shared) == EntitySnapshot.definitionBytes(of: state))
        }
    }

    /// States decoded from one kept definition share it (one reference, not copies of its strings), and
    /// stay values: changing one's definition leaves the other alone; equality is by value.
    @Test func decodedStatesShareTheirDefinitionYetStayValues() throws {
        let (_, all) = try EntitySnapshotTests().states()
        let decoder = EntitySnapshotDecoder()
        for (stream, state) in all where [.indicator, .allocation, .milestone].contains(state.kind) {
            let bytes = EntitySnapshot.encode(state)
            let a = try bytes.withUnsafeBytes { try decoder.decode($0, stream: stream) }
            let b = try bytes.withUnsafeBytes { try decoder.decode($0, stream: stream) }
            switch (a, b) {
            case (.indicator(let x), .indicator(var y)):
                #expect(x.shared === y.shared, "\(stream)")
                y.definition.name += " (renamed)"
                #expect(x.definition.name + " (renamed)" == y.definition.name && x != y)
                y.definition.name = x.definition.name
                #expect(x.shared !== y.shared && x == y, "equal by value in separate boxes")
            case (.allocation(let x), .allocation(var y)):
                #expect(x.shared === y.shared, "\(stream)")
                y.definition.fiscalYear += 1
                #expect(x.definition.fiscalYear + 1 == y.definition.fiscalYear && x != y)
            case (.milestone(let x), .milestone(var y)):
                #expect(x.shared === y.shared, "\(stream)")
                y.definition.title += "!"
                #expect(x != y && x.definition.title + "!" == y.definition.title)
            default:
                Issue.record("\(stream): decoded to another kind")
            }
            #expect(a.definitionOnly == state.definitionOnly)
        }
    }
}
