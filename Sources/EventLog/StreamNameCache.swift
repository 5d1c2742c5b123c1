import Synchronization

/// Stream names made from bytes, kept by a hash of the bytes, so that the same bytes read again give
/// the name already made: its string shared (retained), not validated, made and hashed again.
///
/// Why: a replay reads each event's stream name, and the names its payload refers to, from the log's
/// bytes (``StreamName/init(validatingUTF8:field:)``), over and over for the same thousand or so
/// entities. Each was checked byte by byte, copied into a new string on the heap (longer than fifteen
/// bytes: most are) and fingerprinted byte by byte, about 530 instructions a name, and its string
/// freed with the event (callgrind, Round 55 in docs/BENCHMARKS.md).
///
/// Each hash has a place (8,192 of them), in pairs: a name is found at its place or the one paired with
/// it; a name let go for others is made again when next read. A name is only kept once made (so valid), and only given for bytes equal to its own.
final class StreamNameCache: Sendable {
    static let shared = StreamNameCache()

    private static let places = 8_192
    private let names: Mutex<[StreamName?]>

    init() { names = Mutex(Array(repeating: nil, count: Self.places)) }

    /// The name kept for `bytes`, if any: at `place` or beside it.
    func name(_ bytes: UnsafeRawBufferPointer, at place: Int) -> StreamName? {
        names.withLock { names in
            if let name = names[place], Self.same(name.rawValue, bytes) { return name }
            if let name = names[place ^ 1], Self.same(name.rawValue, bytes) { return name }
            return nil
        }
    }

    /// Keeps `name`, made from bytes whose place is `place`: there, or beside it when that is free,
    /// the name there moving beside it otherwise (the one beside it let go).
    func keep(_ name: StreamName, at place: Int) {
        names.withLock { names in
            if names[place] != nil {
                if names[place ^ 1] == nil { names[place ^ 1] = name; return }
                names[place ^ 1] = names[place]
            }
            names[place] = name
        }
    }

    /// The place of `bytes`: their length, their first and last eight bytes and eight from the middle
    /// mixed (names of one kind share a prefix and differ near the end), or each byte of a name
    /// shorter than eight.
    static func place(of bytes: UnsafeRawBufferPointer) -> Int {
        var h = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        if bytes.count >= 8 {
            h ^= bytes.loadUnaligned(as: UInt64.self)
            h = (h ^ (h >> 31)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= bytes.loadUnaligned(fromByteOffset: bytes.count / 2 - 4, as: UInt64.self)
            h = (h ^ (h >> 29)) &* 0xC4CE_B9FE_1A85_EC53
            h ^= bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        } else {
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        }
        h = (h ^ (h >> 32)) &* 0xFF51_AFD7_ED55_8CCD
        return Int(truncatingIfNeeded: (h >> 40) & UInt64(places - 1))
    }

    /// Whether `text`'s UTF-8 is `bytes`.
    private static func same(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == bytes.count else { return false }
        return utf8.withContiguousStorageIfAvailable { u in
            guard let a = u.baseAddress, let b = bytes.baseAddress else { return true }
            return JSONParser.Cursor.sameBytes(UnsafeRawPointer(a), b, count: bytes.count)
        } ?? utf8.elementsEqual(bytes)
    }
}
