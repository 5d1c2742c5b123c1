@testable import AuditTrail
import EventLog
import PropertyBased
import Testing

/// A block of audit rows (``AuditRowBlock``) gives back the rows appended to it, each with its
/// sequence number from the block's first; one row replaced leaves the others as they were; a damaged
/// block is an error naming it, never a trap.
@Suite struct AuditRowBlockTests {
    /// Rows of `lengths` bytes, each filled with a byte of its own.
    static func rows(_ lengths: [Int]) -> [[UInt8]] {
        lengths.enumerated().map { i, n in [UInt8](repeating: UInt8(truncatingIfNeeded: i &* 37 &+ 1), count: n) }
    }

    static func block(_ rows: [[UInt8]]) -> [UInt8] {
        var block: [UInt8] = []
        for row in rows { row.withUnsafeBytes { AuditRowBlock.append($0, to: &block) } }
        return block
    }

    /// Rows of 0 to 300 bytes (lengths of one and two LEB128 bytes), up to a whole block of them.
    @Test func rowsAppendedAreReadBackWithTheirSequenceNumbers() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...300).array(of: 0...32), Gen.int(in: 0...3), Gen.int(in: 0...40)) { lengths, blockNumber, replace in
            let rows = Self.rows(lengths), block = Self.block(rows)
            let first = UInt64(blockNumber) * AuditRowBlock.size + 1
            var read: [(UInt64, [UInt8])] = []
            #expect(throws: Never.self) {
                try block.withUnsafeBytes { b in try AuditRowBlock.forEachRow(in: b, first: first) { s, row in read.append((s, Array(row))); return true } }
            }
            #expect(read.map(\.0) == (0 ..< UInt64(rows.count)).map { first + $0 })
            #expect(read.map(\.1) == rows)
            #expect(try block.withUnsafeBytes { try AuditRowBlock.count(in: $0, first: first) } == UInt64(rows.count))
            for (i, row) in rows.enumerated() {
                #expect(try block.withUnsafeBytes { try AuditRowBlock.row(first + UInt64(i), in: $0, first: first) } == row)
            }
            #expect(try block.withUnsafeBytes { try AuditRowBlock.row(first + UInt64(rows.count), in: $0, first: first) } == nil)
            // One row replaced by another of another length: the block of the rows with that one changed.
            let target = first + UInt64(replace), replacement = [UInt8](repeating: 0xAB, count: replace * 9)
            let replaced = try block.withUnsafeBytes { try AuditRowBlock.replacing(target, with: replacement, in: $0, first: first) }
            if replace < rows.count {
                var expected = rows
                expected[replace] = replacement
                #expect(replaced == Self.block(expected))
            } else {
                #expect(replaced == nil)
            }
        }
    }

    /// A block cut anywhere, or with a length past its end, reads its whole rows before the damage and
    /// then throws an error naming the block and `pledger replay`.
    @Test func aDamagedBlockIsAnErrorNamingIt() throws {
        let rows = Self.rows([5, 200, 0, 130]), block = Self.block(rows)
        for n in 0 ..< block.count {
            let cut = Array(block[..<n])
            var read = 0
            do {
                try cut.withUnsafeBytes { b in try AuditRowBlock.forEachRow(in: b, first: 33) { _, _ in read += 1; return true } }
                // Cut at a row's end: only whole rows, and fewer than all.
                #expect(read < rows.count, "cut at \(n)")
            } catch let error as FieldError {
                #expect(error.field == "(audit rows from 33)" && error.message.contains("pledger replay"), "cut at \(n): \(error)")
            }
        }
        let long: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]
        for damaged in [[0x05, 1, 2], [0xFF, 0xFF, 0x7F], long] as [[UInt8]] {
            #expect(throws: FieldError.self, "\(damaged)") {
                try damaged.withUnsafeBytes { try AuditRowBlock.count(in: $0, first: 1) }
            }
        }
    }
}
