@testable import EventLog
import Testing

/// The keys of the name-keyed indexes (`streams`, `types`, `effective`): the name's bytes, 0x00, then
/// the number big-endian (docs/FORMAT.md), so that a name sorts before any longer name it begins.
@Suite struct IndexKeyTests {
    @Test func aNamedKeyIsTheNameAZeroByteAndTheNumberBigEndian() {
        #expect(Key.named("indicator/IND-03", 0x0102_0304_0506_0708) == Array("indicator/IND-03".utf8) + [0, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(Key.named("", 1) == [0, 0, 0, 0, 0, 0, 0, 0, 1])
        let long = String(repeating: "s/x-", count: 50)
        #expect(Key.named(long, .max) == Array(long.utf8) + [0] + Array(repeating: 0xFF, count: 8))
        // A name before any longer name it begins, whatever the numbers.
        #expect(Key.named("a/b", .max).lexicographicallyPrecedes(Key.named("a/b/c", 0)))
    }
}
