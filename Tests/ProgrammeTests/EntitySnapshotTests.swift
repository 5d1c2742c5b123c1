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
                let (name, back) = try EntitySnapshot.encode(state).withUnsafeBytes { bytes in
                    try Array(stream.rawValue.utf8).withUnsafeBytes { try pass.decode(bytes, key: $0) }
                }
                #expect(name == stream && back == state, "\(stream), round \(round)")
            }
            decoder.keep(pass)
        }
        #expect(decoder.keptCount == sorted.count)
    }

    @Test func aChangedDefinitionUnderAKnownKeyIsDecodedAgain() throws {
        let (_, all) = try EntitySnapshotTests().states()
        let indicators = all.filter { $0.1.kind == .indicator }
        try #require(indicators.count >= 2)
        let decoder = EntitySnapshotDecoder()
        let key = Array(indicators[0].0.rawValue.utf8)
        for (_, state) in indicators.prefix(2) {
            var pass = decoder.pass()
            let (_, back) = try EntitySnapshot.encode(state).withUnsafeBytes { bytes in try key.withUnsafeBytes { try pass.decode(bytes, key: $0) } }
            #expect(back == state)
            decoder.keep(pass)
        }
    }

    @Test func aKeyThatIsNotAStreamNameThrows() throws {
        let (_, all) = try EntitySnapshotTests().states()
        var pass = EntitySnapshotDecoder().pass()
        let bytes = EntitySnapshot.encode(all[0].1)
        #expect(throws: FieldError.self) {
            _ = try bytes.withUnsafeBytes { b in try Array("not a name!".utf8).withUnsafeBytes { try pass.decode(b, key: $0) } }
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
}
