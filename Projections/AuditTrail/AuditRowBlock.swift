import EventLog
import LMDB
import Programme

/// The audit rows of a block of ``size`` consecutive events, stored as one value of the `audit`
/// database: the block of sequence numbers 1–32 under `r` and big-endian 1, 33–64 under `r` and 33, and
/// so on. The value is each row in sequence order from the block's first event, its length in unsigned
/// LEB128, then its canonical JSON (``AuditRow/writeCanonical(into:)``): a ``LengthPrefixedList``. A
/// block holds the rows of its first events so far: the batch that stores the next events completes it.
///
/// Why: a row a value was a put an event on the replay's applying thread, about 950 instructions each
/// (LMDB finding the last page and adding a node, callgrind), for rows of about 100 bytes; 32 rows are a
/// put of about 3.4 KB, one overflow page (Round 56 in docs/BENCHMARKS.md).
enum AuditRowBlock {
    /// Events a block holds.
    static let size: UInt64 = 32

    /// The first sequence number of the block holding `sequence`'s row (sequence numbers start at 1).
    static func first(of sequence: UInt64) -> UInt64 { (max(sequence, 1) - 1) / size * size + 1 }

    /// `body` given the block's key: `r`, then its first sequence number big-endian, made on the stack.
    static func withKey<R>(first: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: 9, alignment: 1) { key in
            key.storeBytes(of: UInt8(ascii: "r"), toByteOffset: 0, as: UInt8.self)
            key.storeBytes(of: first.bigEndian, toByteOffset: 1, as: UInt64.self)
            return try body(UnsafeRawBufferPointer(key))
        }
    }

    /// The key of the block whose first sequence number is `first`.
    static func key(first: UInt64) -> [UInt8] { withKey(first: first, Array.init) }

    /// The first sequence number of the block stored under `key`; `nil` for a key of another shape.
    static func first(key: UnsafeRawBufferPointer) -> UInt64? {
        guard key.count == 9, key[0] == UInt8(ascii: "r") else { return nil }
        return key.dropFirst().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Appends `row` to `block`: its length, then its bytes (``LengthPrefixedList``).
    static func append(_ row: UnsafeRawBufferPointer, to block: inout [UInt8]) {
        LengthPrefixedList.append(row, to: &block)
    }

    /// Each row of `block` (whose first sequence number is `first`) with its sequence number, in order;
    /// `body` returns false to stop. Throws, after the whole rows before it, when a length is cut short
    /// or runs past the block's end (a damaged store), naming the block.
    static func forEachRow(in block: UnsafeRawBufferPointer, first: UInt64,
                           _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws {
        var sequence = first
        do {
            try LengthPrefixedList.forEach(block) { row in
                defer { sequence += 1 }
                return try body(sequence, row)
            }
        } catch let error as FieldError where error.field == "(list)" || error.field == "(snapshot)" {
            throw damaged(first, error.message)
        }
    }

    /// How many rows `block` holds.
    static func count(in block: UnsafeRawBufferPointer, first: UInt64) throws -> UInt64 {
        var n: UInt64 = 0
        try forEachRow(in: block, first: first) { _, _ in n += 1; return true }
        return n
    }

    /// The bytes of `sequence`'s row in `block` (whose first sequence number is `first`), copied; `nil`
    /// when the block holds fewer rows.
    static func row(_ sequence: UInt64, in block: UnsafeRawBufferPointer, first: UInt64) throws -> [UInt8]? {
        var found: [UInt8]?
        try forEachRow(in: block, first: first) { s, row in
            if s == sequence { found = Array(row) }
            return s < sequence
        }
        return found
    }

    /// `block` with `sequence`'s row replaced by `replacement`; `nil` when the block does not hold it.
    static func replacing(_ sequence: UInt64, with replacement: [UInt8], in block: UnsafeRawBufferPointer, first: UInt64) throws -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(block.count + replacement.count)
        var replaced = false
        try forEachRow(in: block, first: first) { s, row in
            if s == sequence {
                replacement.withUnsafeBytes { append($0, to: &out) }
                replaced = true
            } else {
                append(row, to: &out)
            }
            return true
        }
        return replaced ? out : nil
    }

    static func damaged(_ first: UInt64, _ reason: String) -> FieldError {
        FieldError(field: "(audit rows from \(first))", "\(reason): the projection store is damaged; rebuild it with `pledger replay`")
    }
}
