import EventLog
@testable import Programme
import TestSupport
import Testing

/// The name-ordered states a query returns behave as the dictionary they replaced, and stay in
/// bytewise name order however they are filled.
@Suite struct EntityStatesTests {
    /// Some states of the default ledger, to put under made-up names.
    func pool() throws -> (TemporaryDirectory, [EntityState]) {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        var out: [EntityState] = []
        for stream in try ledger.log.streamNames().prefix(40) {
            if let s = try EntityState.fold(try ledger.log.events(in: stream)) { out.append(s) }
        }
        return (dir, out)
    }

    func isAscending(_ states: EntityStates) -> Bool {
        zip(states.streams, states.streams.dropFirst()).allSatisfy { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
    }

    @Test func randomAppendsSetsAndRemovalsAgreeWithADictionary() throws {
        let (_, pool) = try pool()
        try #require(pool.count >= 10)
        for seed in UInt64(1)...40 {
            var rng = SeededRandom(seed: seed)
            var states = EntityStates()
            var model: [StreamName: EntityState] = [:]
            // Names differing in case, length and punctuation, whose bytewise order is not their order as words.
            let names: [StreamName] = (0..<(1 + rng.below(30))).map { i in
                StreamName(stringLiteral: ["indicator/", "Indicator/", "allocation/", "a-", "a"][rng.below(5)] + "\(i * 7 % 13)" + (i % 2 == 0 ? "" : ".b"))
            }
            for _ in 0..<(1 + rng.below(80)) {
                let name = names[rng.below(names.count)]
                let state = pool[rng.below(pool.count)]
                switch rng.below(4) {
                case 0: states[name] = nil; model[name] = nil
                case 1: states[name] = state; model[name] = state
                default: states.append(name, state); model[name] = state
                }
                #expect(states[name] == model[name])
            }
            #expect(isAscending(states), "seed \(seed)")
            #expect(Array(states.streams) == model.keys.sorted(), "seed \(seed)")
            #expect(states.count == model.count)
            for name in names { #expect(states[name] == model[name]) }
            #expect(states == EntityStates(model.map { ($0.key, $0.value) }))
        }
    }

    @Test func joiningTwoHalvesKeepsOrderWhetherOrNotTheyFollowEachOther() throws {
        let (_, pool) = try pool()
        try #require(pool.count >= 6)
        let a: StreamName = "allocation/A", b: StreamName = "indicator/B", c: StreamName = "milestone/C"
        var first = EntityStates([(a, pool[0]), (b, pool[1])])
        var second = EntityStates([(c, pool[2])])
        // The second half after the first: one append.
        var joined = first
        joined.append(contentsOf: second)
        #expect(Array(joined.streams) == [a, b, c])
        #expect(joined[c] == pool[2])
        // Overlapping halves (not what a query makes, but never wrong): states put in place, the later one kept.
        second = EntityStates([(a, pool[3]), (c, pool[4])])
        first.append(contentsOf: second)
        #expect(Array(first.streams) == [a, b, c])
        #expect(first[a] == pool[3] && first[b] == pool[1] && first[c] == pool[4])
        // Onto nothing.
        var empty = EntityStates()
        empty.append(contentsOf: second)
        #expect(empty == second)
        // Made from pairs in any order: sorted, and of a name given twice the last state kept.
        let made = EntityStates([(c, pool[0]), (a, pool[1]), (c, pool[2]), (b, pool[3]), (c, pool[4])])
        #expect(Array(made.streams) == [a, b, c] && made[a] == pool[1] && made[b] == pool[3] && made[c] == pool[4])
        // Equality compares names and states in order.
        #expect(EntityStates([(a, pool[0])]) != EntityStates([(b, pool[0])]))
        #expect(EntityStates([(a, pool[0])]) != EntityStates([(a, pool[0]), (b, pool[0])]))
    }
}
