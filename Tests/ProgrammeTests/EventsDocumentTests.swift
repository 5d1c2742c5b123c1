import EventLog
import Foundation
@testable import Programme
import Testing

/// docs/EVENTS.md must describe the code as it is: every rule with its text, every type with a valid example.
@Suite struct EventsDocumentTests {
    static func document() throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/EVENTS.md"), encoding: .utf8)
    }

    @Test func everyRuleIsListedWithItsOwnText() throws {
        let doc = try Self.document()
        for rule in Rule.allCases {
            #expect(doc.contains("| \(rule.rawValue) | \(rule.name) | \(rule.summary) |"), "docs/EVENTS.md lacks \(rule.rawValue) as the code states it")
        }
    }

    @Test func everyTypeHasAnExampleLineThatDecodesAsThatType() throws {
        let sections = try Self.document().components(separatedBy: "\n### ").dropFirst()
        var documented = Set<String>()
        for section in sections {
            let name = String(section.prefix { $0 != "\n" })
            let line = try #require(section.components(separatedBy: "```jsonl\n").dropFirst().first?.components(separatedBy: "\n").first)
            let event = try EventCodec.decodeLine(Array(line.utf8))
            #expect(event.type == name)
            let typed = try ProgrammeEvent.decode(type: event.type, schema: event.schema, payload: event.payload)
            #expect(typed.typeName == name)
            documented.insert(name)
        }
        #expect(documented == Set(ProgrammeEvent.catalogue.map { $0.typeName }))
    }
}
