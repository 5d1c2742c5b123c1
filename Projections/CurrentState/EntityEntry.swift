import EventLog

/// The value of an entity's key in `state-entities`: its number (four bytes big-endian; the high half of
/// its snapshot keys, ``SnapshotKey``), then its definition list (``EntitySnapshot/encodeDefinitions(_:)``).
struct EntityEntry {
    let number: UInt32
    /// The definition list's bytes: a view of the value read, valid while it is (in its transaction).
    let definitions: UnsafeRawBufferPointer

    /// Reads a stored entry; throws ``FieldError`` when it is too short to hold a number (a damaged store).
    init(_ value: UnsafeRawBufferPointer) throws(FieldError) {
        guard value.count >= 4 else { throw FieldError(field: "(entity entry)", "\(value.count) bytes, too short for an entity number") }
        number = value[..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        definitions = UnsafeRawBufferPointer(rebasing: value[4...])
    }

    static func encode(number: UInt32, definitions: [UInt8]) -> [UInt8] { withUnsafeBytes(of: number.bigEndian, Array.init) + definitions }
}
