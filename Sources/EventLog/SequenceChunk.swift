import LMDB

/// One entry of the `types` or `effective` index (from `pledger-log/8`): the sequence numbers of events
/// filed under one name (a type's, or a date's as `YYYY-MM-DD`), ascending, under the key (the name,
/// 0x00, the first of them big-endian).
///
/// The value holds them all, 8 bytes big-endian each, the first the key's own, at most
/// ``maximumCount``; an empty value (every entry written before `/8`: one an event) holds the key's
/// alone. A name's entries hold disjoint ranges, ascending with their keys: a bulk write files only
/// events newer than any the index holds for the names of its range (docs/FORMAT.md).
///
/// Why: a bulk write put one entry an event into each of the two trees; at 1,000,000 events, leaving
/// those puts out took up to 1.2 µs an event off the appending thread's CPU, and 146 of the 1,114 MB
/// written to the log (Round 42 in docs/BENCHMARKS.md). Now a bulk write puts one entry for each name
/// among its events, or a few when a name has more than ``maximumCount``.
enum SequenceChunk {
    /// Sequence numbers an entry: 1,920 bytes, a value LMDB keeps on its leaf page.
    static let maximumCount = 240

    /// Whether `key` is an entry of the name whose bytes and 0x00 are `prefix`.
    static func isEntry(_ key: UnsafeRawBufferPointer, of prefix: [UInt8]) -> Bool {
        key.count == prefix.count + 8 && key.starts(with: prefix)
    }

    /// The first sequence number of entry `key` (its last 8 bytes): a key ``isEntry(_:of:)`` or
    /// ``count(key:value:index:)`` accepted, at least 9 bytes.
    static func first(ofKey key: UnsafeRawBufferPointer) -> UInt64 {
        Key.decodeSequence(UnsafeRawBufferPointer(rebasing: key[(key.count - 8)...]))
    }

    /// The number of sequence numbers of the entry `key` whose value is `value`, checked: a key of a
    /// name, 0x00 and 8 bytes; whole numbers, the first the key's.
    static func count(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, index: String) throws -> Int {
        guard key.count >= 9, key[key.count - 9] == 0 else {
            throw EventLogError.damaged(sequence: 0, reason: "the \(index) index holds a key of \(key.count) bytes, not a name, 0x00 and a sequence number")
        }
        guard !value.isEmpty else { return 1 }
        let first = first(ofKey: key)
        guard value.count % 8 == 0, sequence(0, of: value) == first else {
            throw EventLogError.damaged(sequence: first, reason: "its entry in the \(index) index is \(value.count) bytes, not its sequence number and the ones after it")
        }
        return value.count / 8
    }

    /// Sequence number `i` of a non-empty value.
    static func sequence(_ i: Int, of value: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(bigEndian: value.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
    }

    /// `body` given each sequence number of the entry `key` whose value is `value`, ascending (or
    /// descending when `backward`), until it returns false; returns whether it went through them all.
    /// Numbers out of order are damage.
    static func forEach(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, index: String, backward: Bool = false,
                        _ body: (UInt64) throws -> Bool) throws -> Bool {
        let count = try count(key: key, value: value, index: index)
        guard !value.isEmpty else { return try body(first(ofKey: key)) }
        for n in 0 ..< count {
            let i = backward ? count - 1 - n : n
            let s = sequence(i, of: value)
            if i > 0, sequence(i - 1, of: value) >= s {
                throw EventLogError.damaged(sequence: s, reason: "its entry in the \(index) index is out of order")
            }
            guard try body(s) else { return false }
        }
        return true
    }

    /// Whether the entry `key` whose value is `value` holds `sequence`.
    static func contains(_ sequence: UInt64, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, index: String) throws -> Bool {
        let count = try count(key: key, value: value, index: index)
        guard !value.isEmpty else { return first(ofKey: key) == sequence }
        var lower = 0, upper = count
        while lower < upper {
            let middle = (lower + upper) / 2
            let s = Self.sequence(middle, of: value)
            if s == sequence { return true }
            if s < sequence { lower = middle + 1 } else { upper = middle }
        }
        return false
    }

    /// The last sequence number of the entry `key` whose value is `value`.
    static func last(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, index: String) throws -> UInt64 {
        let count = try count(key: key, value: value, index: index)
        return value.isEmpty ? first(ofKey: key) : sequence(count - 1, of: value)
    }

    /// Files each name's sequence numbers (`names` in key order, each name's ascending) into the index
    /// `index` through `c`, in entries of up to ``maximumCount``. An entry already there that holds any
    /// of them is damage, reported with the first it holds, and nothing is overwritten.
    ///
    /// Why a name at a time: the waiting entries were made into keys (a name, 0x00, a number), and the
    /// keys split into names again, each key's name compared with the last one byte by byte: about 885
    /// instructions a filed number more than this, which takes a name's numbers as they are kept
    /// (callgrind at 200,000 events, Round 44 in docs/BENCHMARKS.md).
    static func write(_ names: [(name: IndexName, entries: [UInt64])], index: String, through c: borrowing WriteCursor) throws {
        for (name, numbers) in names {
            let prefix = Key.namePrefix(name.text.utf8)
            var start = 0
            while start < numbers.count {
                let end = min(start + maximumCount, numbers.count)
                let value = numbers[start ..< end].withUnsafeBufferPointer { chunk in
                    [UInt8](unsafeUninitializedCapacity: 8 * chunk.count) { buffer, count in
                        let raw = UnsafeMutableRawBufferPointer(buffer)
                        for (i, n) in chunk.enumerated() { raw.storeBytes(of: n.bigEndian, toByteOffset: 8 * i, as: UInt64.self) }
                        count = 8 * chunk.count
                    }
                }
                try put(value, of: prefix, index: index, through: c)
                start = end
            }
        }
    }

    /// Puts `value`, sequence numbers of the name whose bytes and 0x00 are `prefix`, under its first.
    private static func put(_ value: [UInt8], of prefix: [UInt8], index: String, through c: borrowing WriteCursor) throws {
        let (first, last) = value.withUnsafeBytes { (sequence(0, of: $0), sequence($0.count / 8 - 1, of: $0)) }
        // The name's entry at or before this one's last number: the only one that could hold any of
        // its numbers, a name's entries holding ascending, disjoint ranges.
        if let e = try c.reading.seek(atMost: prefix + Key.sequence(last)), isEntry(e.key, of: prefix) {
            let itsFirst = Self.first(ofKey: e.key)
            if try itsFirst >= first || Self.last(key: e.key, value: e.value, index: index) >= first {
                throw EventLogError.damaged(sequence: max(first, itsFirst), reason: "its entry is already in the \(index) index")
            }
        }
        try (prefix + Key.sequence(first)).withUnsafeBytes { key in
            try value.withUnsafeBytes { try c.put($0, forKey: key, flags: .noOverwrite) }
        }
    }
}
