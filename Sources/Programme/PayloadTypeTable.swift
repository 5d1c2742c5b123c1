import EventLog

/// The catalogue's payload types by name: a table of 64 slots, each name placed by its length and
/// three of its bytes, and a name found there confirmed byte for byte.
///
/// Why: every event checked by the rules, and every event a replay decodes, looks its type up by
/// name; a `Dictionary` of strings hashed the name with SipHash each time, about 600 instructions a
/// lookup (callgrind, Round 23 in docs/BENCHMARKS.md), where the catalogue's nineteen names differ in
/// their lengths and letters.
struct PayloadTypeTable: Sendable {
    private struct Slot: Sendable {
        let name: [UInt8]
        let type: any ProgrammeEventPayload.Type
        /// The type's name as a string, made once: handed out for its bytes (``name(of:)``).
        let text: String
    }

    private static let slotCount = 64
    private let slots: [Slot?]

    /// A table of `types`, whose names differ.
    init(_ types: [any ProgrammeEventPayload.Type]) {
        precondition(types.count < Self.slotCount / 2, "a payload type table is kept under half full")
        var slots = [Slot?](repeating: nil, count: Self.slotCount)
        for type in types {
            let name = Array(type.typeName.utf8)
            var i = name.withUnsafeBufferPointer { Self.home(of: $0) }
            while let taken = slots[i] {
                precondition(taken.name != name, "payload type \(type.typeName) listed twice")
                i = (i + 1) & (Self.slotCount - 1)
            }
            slots[i] = Slot(name: name, type: type, text: type.typeName)
        }
        self.slots = slots
    }

    /// The slot where the search for `name` starts.
    private static func home(of name: UnsafeBufferPointer<UInt8>) -> Int {
        guard let first = name.first, let last = name.last else { return 0 }
        let middle = name[name.count / 2]
        return (name.count &* 11 &+ Int(first) &* 3 &+ Int(middle) &* 5 &+ Int(last) &* 7) & (slotCount - 1)
    }

    /// The payload type named `name`; nil when the catalogue has none.
    subscript(name: String) -> (any ProgrammeEventPayload.Type)? {
        var name = name
        return name.withUTF8 { slot(named: $0)?.type }
    }

    /// The name of the catalogue's type whose name's UTF-8 is `bytes`, as a string made once; nil when
    /// the catalogue has none (``EventCodec/withCanonicalPayload(of:knownType:_:)``).
    func name(of bytes: UnsafeBufferPointer<UInt8>) -> String? { slot(named: bytes)?.text }

    private func slot(named bytes: UnsafeBufferPointer<UInt8>) -> Slot? {
        var i = Self.home(of: bytes)
        while let slot = slots[i] {
            if slot.name.withUnsafeBytes({ $0.hasSameBytes(as: UnsafeRawBufferPointer(bytes)) }) {
                return slot
            }
            i = (i + 1) & (Self.slotCount - 1)
        }
        return nil
    }
}
