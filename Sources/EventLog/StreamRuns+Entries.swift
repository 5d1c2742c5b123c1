import Foundation

extension StreamRuns {
    /// Entries of the `streams` index as a run's chunks store them, end to end: each a byte giving its
    /// key's length, the key (stream name, 0x00, big-endian version), the big-endian sequence number.
    ///
    /// Why as stored: a merge reads four runs' chunks and writes one run's; comparing keys where they
    /// lie and copying each entry's bytes once cost a fraction of building each entry's key apart and
    /// merging two lists at a time (callgrind, Round 27 in docs/BENCHMARKS.md).
    struct Entries {
        /// The entries' bytes.
        private(set) var bytes: [UInt8] = []
        /// How many entries.
        private(set) var count = 0
        /// Where the last entry begins in ``bytes``.
        private var last: Int?

        /// Appends an entry (its key at most 255 bytes; not checked for order).
        mutating func append(key: UnsafeRawBufferPointer, sequence: UInt64) {
            last = bytes.count
            bytes.append(UInt8(truncatingIfNeeded: key.count))
            Self.append(key, to: &bytes)
            withUnsafeBytes(of: sequence.bigEndian) { Self.append($0, to: &bytes) }
            count += 1
        }

        /// No entries.
        init() {}

        /// No entries, with room for `byteCount` bytes of them.
        init(reservingCapacity byteCount: Int) {
            bytes.reserveCapacity(byteCount)
        }

        /// Appends the entry of `name`'s `version` (the name at most 246 bytes; not checked for order):
        /// its key's length, the name, 0x00, the version and `sequence` big-endian, in three appends.
        mutating func append(name: UnsafeRawBufferPointer, version: UInt64, sequence: UInt64) {
            last = bytes.count
            bytes.append(UInt8(truncatingIfNeeded: name.count + 9))
            Self.append(name, to: &bytes)
            withUnsafeTemporaryAllocation(byteCount: 17, alignment: 8) { packed in
                packed[0] = 0
                packed.storeBytes(of: version.bigEndian, toByteOffset: 1, as: UInt64.self)
                packed.storeBytes(of: sequence.bigEndian, toByteOffset: 9, as: UInt64.self)
                Self.append(UnsafeRawBufferPointer(packed), to: &bytes)
            }
            count += 1
        }

        /// Appends `count` whole entries that lie side by side in `entries`, the last beginning `lastAt`
        /// bytes in, as one copy (not checked for order, as ``append(key:sequence:)``).
        mutating func append(entries: UnsafeRawBufferPointer, count added: Int, lastAt: Int) {
            last = bytes.count + lastAt
            Self.append(entries, to: &bytes)
            count += added
        }

        /// Appends `raw` to `out` as one copy (the raw buffer's bytes bound as `UInt8`: an array takes those
        /// with `memcpy`; generic bytes, about a hundred instructions for eight: callgrind, Round 27).
        static func append(_ raw: UnsafeRawBufferPointer, to out: inout [UInt8]) {
            raw.withMemoryRebound(to: UInt8.self) { out.append(contentsOf: $0) }
        }

        /// Appends a chunk's entries; false (and nothing appended) when they are not whole entries of
        /// keys longer than 9 bytes, each after the one before.
        mutating func appendChecked(chunk: UnsafeRawBufferPointer) -> Bool {
            var o = 0, previous: UnsafeRawBufferPointer?
            var added = 0, lastInChunk = 0
            let before = last.map { last in bytes.withUnsafeBytes { Array($0[(last + 1) ..< (last + 1 + Int($0[last]))]) } }
            while o < chunk.count {
                let length = Int(chunk[o])
                guard length > 9, o + StreamRuns.entrySize(keyCount: length) <= chunk.count else { return false }
                let key = UnsafeRawBufferPointer(rebasing: chunk[(o + 1) ..< (o + 1 + length)])
                if let previous {
                    guard StreamRuns.precedes(previous, key) else { return false }
                } else if let before {
                    guard before.withUnsafeBytes({ StreamRuns.precedes($0, key) }) else { return false }
                }
                previous = key
                lastInChunk = o
                added += 1
                o += StreamRuns.entrySize(keyCount: length)
            }
            if added > 0 { last = bytes.count + lastInChunk }
            Self.append(chunk, to: &bytes)
            count += added
            return true
        }

        /// The entries of `inputs` (each ascending by key) in one list ascending by key: a merge of all
        /// at once, keys compared where they lie, each entry copied once. A key in two inputs is damage.
        static func merged(_ inputs: [Entries]) throws -> Entries {
            var all: [UInt8] = []
            all.reserveCapacity(inputs.reduce(0) { $0 + $1.bytes.count })
            var heads: [Int] = [], ends: [Int] = []
            for input in inputs {
                heads.append(all.count)
                input.bytes.withUnsafeBytes { append($0, to: &all) }
                ends.append(all.count)
            }
            var out = Entries()
            out.count = inputs.reduce(0) { $0 + $1.count }
            var failure: EventLogError?
            out.bytes = [UInt8](unsafeUninitializedCapacity: all.count) { buffer, initialized in
                initialized = 0
                guard let target = buffer.baseAddress else { return }
                all.withUnsafeBytes { p in
                    /// The key of the entry at `o`.
                    func key(_ o: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: p.baseAddress.map { $0 + o + 1 }, count: Int(p[o])) }
                    var written = 0, lastStart = 0
                    while true {
                        var best = -1
                        for i in heads.indices where heads[i] < ends[i] {
                            guard best >= 0 else { best = i; continue }
                            let a = key(heads[i]), b = key(heads[best])
                            if StreamRuns.precedes(a, b) {
                                best = i
                            } else if a.hasSameBytes(as: b) {
                                let sequence = { (o: Int) in UInt64(bigEndian: p.loadUnaligned(fromByteOffset: o + 1 + Int(p[o]), as: UInt64.self)) }
                                failure = .damaged(sequence: max(sequence(heads[i]), sequence(heads[best])),
                                                   reason: "its streams entry is in two runs of the index (also at seq \(min(sequence(heads[i]), sequence(heads[best]))))")
                                return
                            }
                        }
                        guard best >= 0, let source = p.baseAddress else { break }
                        let o = heads[best], size = StreamRuns.entrySize(keyCount: Int(p[o]))
                        (target + written).update(from: source.assumingMemoryBound(to: UInt8.self) + o, count: size)
                        lastStart = written
                        written += size
                        heads[best] = o + size
                    }
                    initialized = written
                    if written > 0 { out.last = lastStart }
                }
            }
            if let failure { throw failure }
            return out
        }

        /// Each entry's key and sequence number, in order (for tests); entries up to the first that is
        /// not whole, should the bytes end in one (the tests compare the list with what they wrote).
        var keysAndSequences: [([UInt8], UInt64)] {
            var out: [([UInt8], UInt64)] = []
            _ = bytes.withUnsafeBytes { all in
                StreamRuns.forEachEntry(of: all) { key, sequence in
                    out.append((Array(key), sequence))
                    return true
                }
            }
            return out
        }
    }
}
