import EventLog
import Testing

/// Stream names: the documented alphabet, from a string and from stored bytes alike.
@Suite struct StreamNameTests {
    static func fromBytes(_ text: String) throws -> StreamName {
        try Array(text.utf8).withUnsafeBytes { try StreamName(validatingUTF8: $0, field: "k") }
    }

    @Test(arguments: ["indicator/IND-03", "a", "A.b_c:d@e/f-g", "9", String(repeating: "x", count: 200)])
    func valid(_ name: String) throws {
        #expect(try StreamName(validating: name).rawValue == name)
        #expect(try Self.fromBytes(name).rawValue == name)
    }

    @Test(arguments: ["", "-a", "/a", "indicator/IND 03", "é", "a\u{0}", "a#b", String(repeating: "x", count: 201)])
    func invalid(_ name: String) {
        #expect(throws: FieldError.self) { try StreamName(validating: name) }
        #expect { try Self.fromBytes(name) } throws: { ($0 as? FieldError)?.field == "k" && "\($0)".contains("1 to 200 characters") }
    }

    /// A name made from a string, from stored bytes or from a literal is the same key: equal, with equal
    /// hashes, found in a dictionary whichever way it was made; names that differ in one byte are not.
    @Test func aNameIsOneKeyHoweverItWasMade() throws {
        let names = ["indicator/IND-03", "indicator/IND-30", "indicator/IND-3", "a", "b", String(repeating: "x", count: 200)]
        var byName: [StreamName: Int] = [:]
        for (i, n) in names.enumerated() { byName[try StreamName(validating: n)] = i }
        #expect(byName.count == names.count)
        for (i, n) in names.enumerated() {
            let made = [try StreamName(validating: n), try Self.fromBytes(n), StreamName(stringLiteral: n)]
            for m in made {
                #expect(m == made[0] && m.hashValue == made[0].hashValue)
                #expect(byName[m] == i, "\(n)")
            }
            for (j, other) in names.enumerated() where j != i {
                #expect(try StreamName(validating: other) != made[0])
            }
        }
        #expect(Set(names.map { StreamName(stringLiteral: $0) }).count == names.count)
    }

    /// Every byte, alone and after a letter: accepted exactly when it is in the alphabet.
    @Test func everyByte() throws {
        let alphanumeric = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let alphabet = alphanumeric.union("-_.:@/".utf8)
        for b in UInt8.min...UInt8.max {
            for bytes in [[b], [UInt8(ascii: "a"), b]] {
                let accepted = bytes.withUnsafeBytes { (try? StreamName(validatingUTF8: $0)) != nil }
                let expected = bytes.count == 1 ? alphanumeric.contains(b) : alphabet.contains(b)
                #expect(accepted == expected, "byte \(b) in \(bytes)")
            }
        }
    }

    /// A name's UTF-8 bytes read in place (the key of an entity's entry in the current state) are its
    /// text's, however the name was made, a substring's copy included.
    @Test func aNamesBytesInPlaceAreItsText() throws {
        let long = "programme/" + String(repeating: "ab", count: 90)
        for text in ["a", "indicator/IND-03", long, String(long.dropFirst(10))] {
            for name in [try StreamName(validating: text), try StreamNameTests.fromBytes(text), StreamName(stringLiteral: text)] {
                #expect(name.withUTF8 { Array($0) } == Array(text.utf8))
            }
        }
    }
}

/// Event type names: a letter, then up to 63 letters or digits.
@Suite struct EventTypeNameTests {
    @Test(arguments: ["TargetChanged", "a", "Z9", "x" + String(repeating: "1", count: 63), "IndicatorMeasured"])
    func valid(_ name: String) throws {
        try EventTypeName.validate(name)
    }

    @Test(arguments: ["", "9Lives", "Target-Changed", "Target Changed", "Bäd", "a\u{0}", "x" + String(repeating: "1", count: 64)])
    func invalid(_ name: String) {
        #expect { try EventTypeName.validate(name, field: "t") } throws: { ($0 as? FieldError)?.field == "t" && "\($0)".contains("a letter then up to 63") }
    }

    /// Every byte, first and after a letter: accepted exactly when a letter (first) or a letter or digit.
    @Test func everyByte() {
        let letters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        let alphanumeric = letters.union("0123456789".utf8)
        for b in UInt8.min...UInt8.max {
            for bytes in [[b], [UInt8(ascii: "a"), b]] {
                let text = String(decoding: bytes, as: UTF8.self)
                let accepted = (try? EventTypeName.validate(text)) != nil
                // A byte that is not UTF-8 alone decodes to U+FFFD: never accepted.
                let expected = bytes.count == 1 ? letters.contains(b) : alphanumeric.contains(b)
                #expect(accepted == expected, "byte \(b) in \(bytes)")
            }
        }
    }
}
