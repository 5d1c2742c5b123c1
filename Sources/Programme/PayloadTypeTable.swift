import EventLog

/// The catalogue's payload types by name: a table of 64 slots, each name placed by its length and
/// three of its bytes, and a name found there confirmed byte for byte.
///
/// Why: every event checked by the rules, and every event a replay decodes, looks its type up by
/// name; a `Dictionary` of strings hashed the name with SipHash each time, about 600 instructions a
/// lookup (callgrind, Round 23 in docs/BENCHMARKS.md), where the catalogue's nineteen names differ in
/// their lengths and letters.
struct PayloadTypeTable: Sendable {
    private static let slotCount = 64
    /// Each slot's name, as a range of `names` (empty for an empty slot); its type and the type's name
    /// as a string, made once (handed out for its bytes: ``name(of:)``).
    private let ranges: [Range<Int>]
    private let names: [UInt8]
    private let types: [(any ProgrammeEventPayload.Type)?]
    private let texts: [String?]

    /// A table of `types`, whose names differ.
    init(_ types: [any ProgrammeEventPayload.Type]) {
        precondition(types.count < Self.slotCount / 2, "a payload type table is kept under half full")
        var ranges = [Range<Int>](repeating: 0..<0, count: Self.slotCount)
        var names: [UInt8] = []
        var slotTypes = [(any ProgrammeEventPayload.Type)?](repeating: nil, count: Self.slotCount)
        var texts = [String?](repeating: nil, count: Self.slotCount)
        for type in types {
            let name = Array(type.typeName.utf8)
            precondition(!name.isEmpty, "a payload type has a name")
            var i = name.withUnsafeBufferPointer { Self.home(of: $0) }
            while !ranges[i].isEmpty {
                precondition(Array(names[ranges[i]]) != name, "payload type \(type.typeName) listed twice")
                i = (i + 1) & (Self.slotCount - 1)
            }
            ranges[i] = names.count..<(names.count + name.count)
            names += name
            slotTypes[i] = type
            texts[i] = type.typeName
        }
        (self.ranges, self.names, self.types, self.texts) = (ranges, names, slotTypes, texts)
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
        return name.withUTF8 { slot(named: $0) }.flatMap { types[$0] }
    }

    /// The name of the catalogue's type whose name's UTF-8 is `bytes`, as a string made once; nil when
    /// the catalogue has none (``EventCodec/withCanonicalPayload(of:knownType:_:)``).
    func name(of bytes: UnsafeBufferPointer<UInt8>) -> String? { slot(named: bytes).flatMap { texts[$0] } }

    /// The slot of the name whose UTF-8 is `bytes`, compared where the names lie: nothing copied or
    /// retained (a slot of arrays and strings copied out was a retain and a release of each, about 280
    /// instructions a lookup in a replay: callgrind, Round 55 in docs/BENCHMARKS.md).
    private func slot(named bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = Self.home(of: bytes)
        return names.withUnsafeBytes { all in
            ranges.withUnsafeBufferPointer { ranges in
                while !ranges[i].isEmpty {
                    if UnsafeRawBufferPointer(rebasing: all[ranges[i]]).hasSameBytes(as: UnsafeRawBufferPointer(bytes)) { return i }
                    i = (i + 1) & (Self.slotCount - 1)
                }
                return nil
            }
        }
    }
}
