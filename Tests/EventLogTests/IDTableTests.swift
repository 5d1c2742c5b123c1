@testable import EventLog
import Foundation
import PropertyBased
import Testing

/// The table of sequence numbers by event id behaves as a `Dictionary` of the same operations, across
/// growth, filtering and clearing; and a name's fingerprint keeps the range that its text hashes to.
@Suite struct IDTableTests {
    /// One step of a random history: set (0), read (1), filter (2), clear (3).
    static func run(_ steps: [(op: Int, id: Int, value: UInt64)], ids: [UUID]) {
        var table = IDTable()
        var reference: [UUID: UInt64] = [:]
        for (n, step) in steps.enumerated() {
            let id = ids[step.id % ids.count]
            switch step.op {
            case 0:
                table.set(step.value, for: id)
                reference[id] = step.value
            case 1:
                #expect(table[id] == reference[id], "step \(n)")
            case 2:
                table.filter(keepingAbove: step.value)
                reference = reference.filter { $0.value > step.value }
            default:
                table.removeAll(keepingCapacity: step.value % 2 == 0)
                reference.removeAll()
            }
            #expect(table.count == reference.count, "step \(n)")
        }
        for id in ids { #expect(table[id] == reference[id], "\(id)") }
        let listed = Dictionary(table.entries.map { entry -> (UUID, UInt64) in
            var bytes: [UInt8] = []
            withUnsafeBytes(of: entry.high.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: entry.low.bigEndian) { bytes.append(contentsOf: $0) }
            let id = bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
            return (id, entry.sequence)
        }, uniquingKeysWith: { a, _ in a })
        #expect(listed == reference)
    }

    @Test func agreesWithADictionaryOverRandomHistories() async {
        // Random ids, and ids alike but for one byte in either half (as time-based ids are).
        var ids = (0..<200).map { UUID(derivedFrom: "id-table/\($0)") }
        for i in 0..<100 {
            var a = UUID(derivedFrom: "id-table/base").uuid, b = a
            a.15 = UInt8(i)
            b.0 = UInt8(i)
            ids += [UUID(uuid: a), UUID(uuid: b)]
        }
        await propertyCheck(count: 60, input: Gen.int(in: 0...(4 * 400 * 1_001 - 1)).array(of: 1...2_000)) { raw in
            let steps = raw.map { x -> (op: Int, id: Int, value: UInt64) in
                let op = x % 4, id = x / 4 % 400, value = UInt64(x / 1_600 + 1)
                // Filtering and clearing are rare, so that tables grow past their first size.
                return (op >= 2 && value > 20 ? op - 2 : op, id, value)
            }
            Self.run(steps, ids: ids)
        }
    }

    @Test func aNamesFingerprintKeepsTheRangeOfItsText() {
        for text in ["indicator/IND-01", "a", "TargetChanged", "2026-01-31", "programme/CHILDREN-OF-KAZAKHSTAN-2026-2030"]
            + (0..<500).map({ "stream-\($0)" }) {
            // The range as docs/FORMAT.md defines it: the 32-bit FNV-1a hash of the name's bytes, modulo 16.
            let range = Int(text.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % 16)
            #expect(IndexWatermarks.range(ofName: text) == range, "\(text)")
            #expect(StreamName(stringLiteral: text).indexRange == range, "\(text)")
            #expect(IndexWatermarks.range(of: StreamName(stringLiteral: text)) == range, "\(text)")
            #expect(IndexName(text).indexRange == range, "\(text)")
        }
        #expect(IndexName("TargetSet") == IndexName("TargetSet"))
        #expect(IndexName("TargetSet") != IndexName("TargetChanged"))
        #expect(IndexName("2026-01-31") < IndexName("2026-02-01"))
    }
}
