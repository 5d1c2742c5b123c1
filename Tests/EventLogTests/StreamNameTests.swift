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
}
