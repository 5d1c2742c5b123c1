import EventLog
@testable import Programme
import Testing

/// The bounded cache behind the rules' entity states and the snapshot decoder's definitions.
@Suite struct GenerationalCacheTests {
    @Test func memoryStaysBoundedAndKeysInUseStay() {
        let cache = GenerationalCache<String>(generationSize: 4)
        func key(_ k: Int) -> StreamName { StreamName(stringLiteral: "target/T\(k)") }
        for hot in 0..<2 { cache.set("hot \(hot)", for: key(hot)) }
        for once in 100..<1_100 {
            cache.set("once \(once)", for: key(once))
            #expect(cache.count <= 8)
            // Keys in steady use are found each time, whatever passes through in between.
            for hot in 0..<2 where once % 3 == 0 { #expect(cache.value(for: key(hot)) == "hot \(hot)") }
        }
        #expect(cache.value(for: key(100)) == nil, "a key used once ages out")
        #expect(cache.value(for: key(1_099)) == "once 1099", "the latest keys are kept")
        cache.removeAll()
        #expect(cache.count == 0 && cache.value(for: key(0)) == nil)
    }

    @Test func aValueFoundInTheOlderGenerationMovesToTheNewer() {
        let cache = GenerationalCache<Int>(generationSize: 2)
        cache.set(1, for: "stream/a")
        cache.set(2, for: "stream/b")
        cache.set(3, for: "stream/c")            // a, b are now the older generation
        #expect(cache.value(for: "stream/a") == 1)   // a moves to the newer: c, a
        cache.set(4, for: "stream/d")            // the newer was full: older = c, a; newer = d
        cache.set(5, for: "stream/e")
        cache.set(6, for: "stream/f")            // older = d, e; newer = f
        #expect(cache.value(for: "stream/b") == nil)
        #expect(cache.value(for: "stream/c") == nil)
        #expect(cache.value(for: "stream/d") == 4)
    }
}
