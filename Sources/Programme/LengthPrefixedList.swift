import EventLog

/// Byte strings one after another, each its length in unsigned LEB128, then its bytes: written with
/// the writer and read with the reader the snapshots' numbers use (``SnapshotWriter``, ``SnapshotReader``).
///
/// Why here: the stores' binary values are written in this module; the audit trail keeps a block of
/// rows as such a list (`AuditRowBlock`, Round 56 in docs/BENCHMARKS.md) rather than a LEB128 writer
/// and reader of its own.
public enum LengthPrefixedList {
    /// Appends `item`, after its length, to `list`.
    public static func append(_ item: UnsafeRawBufferPointer, to list: inout [UInt8]) {
        SnapshotWriter.append(bound: SnapshotWriter.maximumNumberSize + item.count, to: &list) { w in
            w.unsigned(UInt64(item.count))
            w.bytes(item)
        }
    }

    /// Calls `body` with each item of `list` in order, until it returns false. Bytes that are not whole
    /// items (a length cut short or longer than 64 bits, an item past the list's end) throw
    /// ``FieldError``, after the whole items before them.
    public static func forEach(_ list: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Bool) throws {
        var r = SnapshotReader(bytes: list)
        while !r.atEnd {
            let length = try r.unsigned64()
            guard length <= UInt64(list.count - r.offset) else {
                throw FieldError(field: "(list)", "an item of \(length) bytes past the end at byte \(r.offset)")
            }
            guard try body(try r.take(Int(length))) else { return }
        }
    }
}
