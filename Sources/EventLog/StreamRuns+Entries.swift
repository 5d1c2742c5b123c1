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
            bytes.append(contentsOf: key)
            withUnsafeBytes(of: sequence.bigEndian) { bytes.append(contentsOf: $0) }
            count += 1
        }

        /// Appends a chunk's entries; false (and nothing appended past the first bad entry) when they
        /// are not whole entries of keys longer than 9 bytes, each after the one before.
        mutating func appendChecked(chunk: UnsafeRawBufferPointer) -> Bool {
            var o = 0
            while o < chunk.count {
                let length = Int(chunk[o])
                guard length > 9, o + 1 + length + 8 <= chunk.count else { return false }
                let key = UnsafeRawBufferPointer(rebasing: chunk[(o + 1) ..< (o + 1 + length)])
                if let last {
                    let after = bytes.withUnsafeBytes { all in
                        StreamRuns.precedes(UnsafeRawBufferPointer(rebasing: all[(last + 1) ..< (last + 1 + Int(all[last]))]), key)
                    }
                    guard after else { return false }
                }
                self.last = bytes.count
                bytes.append(contentsOf: chunk[o ..< (o + 1 + length + 8)])
                count += 1
                o += 1 + length + 8
            }
            return true
        }

        /// The entries of `inputs` (each ascending by key) in one list ascending by key: a merge of all
        /// at once, keys compared where they lie. A key in two inputs is damage.
        static func merged(_ inputs: [Entries]) throws -> Entries {
            var all: [UInt8] = []
            all.reserveCapacity(inputs.reduce(0) { $0 + $1.bytes.count })
            var heads: [Int] = [], ends: [Int] = []
            for input in inputs {
                heads.append(all.count)
                all.append(contentsOf: input.bytes)
                ends.append(all.count)
            }
            var out = Entries()
            out.bytes.reserveCapacity(all.count)
            out.count = inputs.reduce(0) { $0 + $1.count }
            try all.withUnsafeBytes { p in
                /// The entry at `o`: its key and its size.
                func key(_ o: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: p[(o + 1) ..< (o + 1 + Int(p[o]))]) }
                while true {
                    var best = -1
                    for i in heads.indices where heads[i] < ends[i] {
                        guard best >= 0 else { best = i; continue }
                        let a = key(heads[i]), b = key(heads[best])
                        if StreamRuns.precedes(a, b) {
                            best = i
                        } else if !StreamRuns.precedes(b, a) {
                            let sequence = { (o: Int) in UInt64(bigEndian: p.loadUnaligned(fromByteOffset: o + 1 + Int(p[o]), as: UInt64.self)) }
                            throw EventLogError.damaged(sequence: max(sequence(heads[i]), sequence(heads[best])),
                                                        reason: "its streams entry is in two runs of the index (also at seq \(min(sequence(heads[i]), sequence(heads[best]))))")
                        }
                    }
                    guard best >= 0 else { return }
                    let o = heads[best], size = 1 + Int(p[o]) + 8
                    out.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[o ..< (o + size)]))
                    heads[best] = o + size
                }
            }
            return out
        }

        /// Each entry's key and sequence number, in order (for tests).
        var keysAndSequences: [([UInt8], UInt64)] {
            var out: [([UInt8], UInt64)] = []
            bytes.withUnsafeBytes { all in
                StreamRuns.forEachEntry(of: all) { key, sequence in
                    out.append((Array(key), sequence))
                    return true
                }
            }
            return out
        }
    }
}
