import Foundation

/// How the runs of the `streams` index (`pledger-log/6` on) lie in the `streams` database.
///
/// An entry's key is the one the index always had: the stream's name, 0x00, its version (8 bytes,
/// big-endian); its value the event's sequence number. Under the run's number (8 bytes, big-endian) its
/// ``RunFilter``, over the streams' names; under the number followed by an entry's key, a chunk of the
/// run's entries from that one on, ascending by key, each a byte giving its key's length, the key, and
/// the sequence number (8 bytes, big-endian), at most ``RunCatalogue/chunkBytes`` a chunk.
enum StreamRuns {
    /// The catalogue's key in `meta`.
    static let key = Array("streams-runs".utf8)
    /// The key in `meta` of the merge under way (``RunMerge``), while there is one.
    static let mergeKey = Array("streams-merge".utf8)

    /// The filter of a run holding `count` entries, `bytes` (whole entries as stored, ascending by key).
    static func filter(of bytes: [UInt8], count: Int, seed: UInt64) -> RunFilter {
        var filter = RunFilter(capacity: count, seed: seed)
        bytes.withUnsafeBytes { all in _ = addNames(of: all, to: &filter) }
        return filter
    }

    /// Adds the names of the entries in `bytes` (whole entries as stored, ascending by key) to `filter`,
    /// each name's fingerprint made once where its entries are side by side; false when the bytes are
    /// not whole entries.
    @discardableResult
    static func addNames(of bytes: UnsafeRawBufferPointer, to filter: inout RunFilter) -> Bool {
        var lastName: UnsafeRawBufferPointer?
        return forEachEntry(of: bytes) { key, _ in
            guard let name = self.name(ofKey: key) else { return true }
            if lastName.map({ !$0.hasSameBytes(as: name) }) ?? true {
                let (high, low) = filterHalves(ofName: name)
                filter.insert(high, low)
                lastName = name
            }
            return true
        }
    }

    /// The bytes an entry takes in a chunk.
    static func entrySize(keyCount: Int) -> Int { 1 + keyCount + 8 }

    /// The filter's two halves for a stream's name (its fingerprint twice: the filter mixes in the run's seed).
    static func filterHalves(ofName name: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let f = IndexWatermarks.fingerprint(ofName: name)
        return (f, f)
    }

    /// The name a key begins with: all but its 0x00 and its 8-byte version; nil for a key too short.
    static func name(ofKey key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        key.count > 9 && key[key.count - 9] == 0 ? UnsafeRawBufferPointer(rebasing: key[..<(key.count - 9)]) : nil
    }

    /// The version a key ends with.
    static func version(ofKey key: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(bigEndian: key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self))
    }

    /// Calls `body` with each entry of `chunk` (its key and sequence number) until it returns false;
    /// false when the chunk's bytes are not whole entries.
    @discardableResult
    static func forEachEntry(of chunk: UnsafeRawBufferPointer,
                             _ body: (_ key: UnsafeRawBufferPointer, _ sequence: UInt64) throws -> Bool) rethrows -> Bool {
        var o = 0
        while o < chunk.count {
            let length = Int(chunk[o])
            guard o + entrySize(keyCount: length) <= chunk.count, length > 9 else { return false }
            let key = UnsafeRawBufferPointer(rebasing: chunk[(o + 1) ..< (o + 1 + length)])
            let sequence = UInt64(bigEndian: chunk.loadUnaligned(fromByteOffset: o + 1 + length, as: UInt64.self))
            guard try body(key, sequence) else { return true }
            o += entrySize(keyCount: length)
        }
        return true
    }

    /// Whether `key` is `prefix` (a name and its 0x00) and a version: compared with `memcmp` (a
    /// sequence's `starts(with:)` went byte by byte through iterators, about ten instructions a byte).
    static func isEntry(_ key: UnsafeRawBufferPointer, of prefix: UnsafeRawBufferPointer) -> Bool {
        key.count == prefix.count + 8 && UnsafeRawBufferPointer(rebasing: key[..<prefix.count]).hasSameBytes(as: prefix)
    }

    /// Whether `key` begins with `prefix`.
    static func starts(_ key: UnsafeRawBufferPointer, with prefix: UnsafeRawBufferPointer) -> Bool {
        key.count >= prefix.count && UnsafeRawBufferPointer(rebasing: key[..<prefix.count]).hasSameBytes(as: prefix)
    }

    /// Whether `a` sorts before `b` as LMDB compares keys: bytewise, a key before the longer keys it begins.
    static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = min(a.count, b.count)
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return a.count < b.count }
        let c = memcmp(pa, pb, n)
        return c < 0 || (c == 0 && a.count < b.count)
    }
}
