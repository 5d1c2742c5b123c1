import Dispatch
@testable import EventLog
import Synchronization
import Testing

/// Names made from bytes are kept and given again for the same bytes (``StreamNameCache``): always the
/// name of exactly those bytes, whichever names share its place, and never for bytes that are not a name.
@Suite struct StreamNameCacheTests {
    static func fromBytes(_ text: String) throws -> StreamName {
        try Array(text.utf8).withUnsafeBytes { try StreamName(validatingUTF8: $0, field: "k") }
    }

    static func place(_ text: String) -> Int { Array(text.utf8).withUnsafeBytes { StreamNameCache.place(of: $0) } }

    /// Names whose places are the same (or paired), read in turns more often than a pair holds: each
    /// read gives its own bytes' name, made again once let go.
    @Test func namesSharingAPlaceAreEachTheirOwn() throws {
        var byPair: [Int: [String]] = [:]
        var crowded: [String] = []
        for i in 0..<200_000 {
            let text = "indicator/IND-\(i)"
            byPair[Self.place(text) / 2, default: []].append(text)
            if let names = byPair[Self.place(text) / 2], names.count == 4 { crowded = names; break }
        }
        try #require(crowded.count == 4, "four names in one pair of places")
        for _ in 0..<3 {
            for text in crowded + crowded.reversed() {
                let name = try Self.fromBytes(text), fromText = try StreamName(validating: text)
                #expect(name.rawValue == text)
                #expect(name == fromText && name.fingerprint == fromText.fingerprint)
            }
        }
    }

    /// Bytes that are not a name are refused even when a name with the same place is kept, and a name
    /// of the same length and place but other bytes is not given for them.
    @Test func bytesThatAreNotANameAreRefusedWhateverIsKept() throws {
        // The place mixes the first, middle and last eight bytes and the length: a byte outside
        // those, changed, keeps the place.
        let valid = "programme/abcdefghijklmnop-qrstuvwxyz"
        var bytes = Array(valid.utf8)
        _ = try Self.fromBytes(valid)
        let inner = 12
        #expect(!(0..<8).contains(inner) && !((bytes.count / 2 - 4)..<(bytes.count / 2 + 4)).contains(inner) && inner < bytes.count - 8)
        for replacement in [UInt8(ascii: " "), UInt8(ascii: "#"), 0xC3, UInt8(ascii: "Q")] {
            bytes[inner] = replacement
            let place = bytes.withUnsafeBytes { StreamNameCache.place(of: $0) }
            #expect(place == Self.place(valid))
            let made = bytes.withUnsafeBytes { try? StreamName(validatingUTF8: $0) }
            if replacement == UInt8(ascii: "Q") {
                #expect(made?.rawValue == String(decoding: bytes, as: UTF8.self), "another valid name: its own")
            } else {
                #expect(made == nil, "byte \(replacement) is refused")
            }
        }
        #expect(try Self.fromBytes(valid).rawValue == valid)
    }

    /// Threads reading many names at once, each hundreds of times: every read gives its own name.
    @Test func threadsReadingAtOnceGetTheirOwnNames() {
        let texts = (0..<20_000).map { "stream-\($0 % 7)/entity-\($0)" }
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var bad = 0
            for round in 0..<5 {
                for i in stride(from: (worker * 997 + round) % texts.count, to: texts.count, by: 3) {
                    let text = texts[i]
                    if (try? Self.fromBytes(text))?.rawValue != text { bad += 1 }
                }
            }
            wrong.withLock { $0 += bad }
        }
        #expect(wrong.withLock { $0 } == 0)
    }
}
