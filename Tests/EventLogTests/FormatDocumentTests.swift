import EventLog
import Foundation
import Testing

/// docs/FORMAT.md's worked example must stay true of the code.
@Suite struct FormatDocumentTests {
    @Test func exampleLineIsCanonicalAndItsLeafHashIsAsDocumented() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/FORMAT.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        let line = try #require(text.components(separatedBy: "```jsonl\n").dropFirst().first?.components(separatedBy: "\n").first)
        let hash = try #require(text.components(separatedBy: "leaf-hash ").dropFirst().first?.prefix(64))
        let event = try EventCodec.decodeLine(Array(line.utf8))
        #expect(event.stamp?.sequence == 1)
        #expect(LeafHash.hex(LeafHash.of(Array(line.utf8))) == String(hash))
        let stored = try EventCodec.decodeRecorded(Array(line.utf8))
        #expect(stored.canonicalBytes == Array(line.utf8))
    }
}
