import Dispatch
import Foundation
import LMDB

/// Why a log failed verification, at the first bad event.
public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first sequence number found bad.
    public let sequence: UInt64
    public let reason: String
    public var description: String { "event \(sequence): \(reason)" }
}

extension EventLog {
    /// Recomputes every leaf hash from the stored bytes and the whole tree from the leaves, and checks
    /// them against what is stored: no event missing, none out of place, every leaf hash and every
    /// stored tree node matching. Returns the tree head of the whole log; throws
    /// ``VerificationFailure`` naming the first bad sequence number.
    ///
    /// It streams: memory stays O(log n) whatever the size of the log. The complete aligned subtrees
    /// of ``verifyChunk`` events are checked on every core, each core reading its own chunks in its own
    /// read transaction; their roots are folded in order. A chunk that does not check out, and the
    /// events after the last complete chunk, are walked event by event, which names the first bad
    /// event exactly as a sequential check would.
    @available(*, noasync, message: "verification reads the whole log in one transaction")
    public func verify() throws -> TreeHead {
        try environment.read { txn in
            let head = try headSequence(in: txn)
            let stored = storedTree(txn)
            var frontier: [MerkleTree.Hash] = []   // roots of complete subtrees, largest first
            var expected: UInt64 = 1

            /// Folds a complete subtree (a leaf at level 0) into the frontier, checking each subtree it
            /// completes against the stored node.
            func fold(_ hash: MerkleTree.Hash, level: Int, index: UInt64) throws {
                var right = hash, level = level, index = index
                while index & 1 == 1, let left = frontier.popLast() {
                    right = MerkleTree.interior(left, right)
                    level += 1
                    index >>= 1
                    let node = try? stored.hash(level: level, index: index)
                    guard node == right else {
                        let first = index << level + 1
                        throw VerificationFailure(sequence: first, reason: "the stored tree node over events \(first)–\(first + (1 << level) - 1) does not match them")
                    }
                }
                frontier.append(right)
            }

            /// Checks events `expected ..< end` (or to the last stored event) one by one.
            func walk(_ ec: borrowing Cursor, to end: UInt64?) throws {
                var e = try ec.seekEvent(atLeast: expected)
                while let event = e, end.map({ expected < $0 }) ?? true {
                    let seq = Key.decodeSequence(event.key)
                    guard seq == expected else {
                        throw VerificationFailure(sequence: expected, reason: seq > expected ? "missing: the next stored event is \(seq)" : "stored out of order")
                    }
                    if let failure = Self.placementFault(seq: seq, event: event.value) { throw failure }
                    guard let leaf = try stored.leafHash(of: seq) else { throw VerificationFailure(sequence: seq, reason: "no stored leaf hash") }
                    let computed = LeafHash.of(event.value)
                    guard leaf == computed else {
                        throw VerificationFailure(sequence: seq, reason: "its bytes do not match its leaf hash (the event was altered)")
                    }
                    try fold(computed, level: 0, index: seq - 1)
                    // Its nodes matched (a missing one names its subtree above): nothing else may be there.
                    if let size = try stored.hashesSize(of: seq), size != HashesEntry.size(of: seq) {
                        throw VerificationFailure(sequence: seq, reason: "its stored hashes are \(size) bytes, not \(HashesEntry.size(of: seq))")
                    }
                    expected += 1
                    e = try ec.nextEvent()
                }
            }
            try txn.withCursor(events) { ec in
                let chunks = head >> UInt64(Self.verifyChunkLevel)
                var next: UInt64 = 0
                while next < chunks {
                    let window = min(UInt64(Self.verifyWindow), chunks - next)
                    let roots = try self.checkedChunkRoots(next ..< next + window, beside: txn)
                    for (i, root) in roots.enumerated() {
                        let chunk = next + UInt64(i)
                        if let root {
                            try fold(root, level: Self.verifyChunkLevel, index: chunk)
                            expected += UInt64(Self.verifyChunk)
                        } else {
                            try walk(ec, to: expected + UInt64(Self.verifyChunk))
                        }
                    }
                    next += window
                }
                try walk(ec, to: nil)
            }
            guard expected - 1 == head else {
                throw VerificationFailure(sequence: expected, reason: "missing: the log's head says \(head) events, \(expected - 1) are stored")
            }
            let root = frontier.count > 0
                ? frontier.dropLast().reversed().reduce(frontier[frontier.count - 1]) { MerkleTree.interior($1, $0) }
                : MerkleTree.emptyRoot
            return TreeHead(size: head, root: root)
        }
    }

    /// Events verified together: a complete subtree of 2^12 leaves.
    static let verifyChunkLevel = 12
    static let verifyChunk = 1 << verifyChunkLevel
    /// Chunks checked in parallel before their roots are folded: bounds the memory of a verify.
    static let verifyWindow = 64

    /// Why an event's stored bytes are out of place, before any hashing: bytes that claim another
    /// sequence number.
    static func placementFault(seq: UInt64, event: UnsafeRawBufferPointer) -> VerificationFailure? {
        let claimed = claimedSequence(event)
        guard claimed == seq else {
            return VerificationFailure(sequence: seq, reason: claimed.map { "the stored bytes are those of event \($0) (moved or swapped)" } ?? "the stored bytes are not a canonical event")
        }
        return nil
    }

    /// The roots of the complete aligned chunks in `range`, checked on every core, each core reading
    /// in a read transaction of its own beside `txn`: `nil` for a chunk where anything is out of place,
    /// differs or is missing.
    func checkedChunkRoots(_ range: Range<UInt64>, beside txn: borrowing ReadTransaction) throws -> [MerkleTree.Hash?] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, range.count))
        let results = UnsafeMutableBufferPointer<MerkleTree.Hash?>.allocate(capacity: range.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let out = results   // each worker writes its own slots
        try txn.concurrently(workers: workers) { w, txn in
            try txn.withCursor(events) { ec in
                try txn.withCursor(leaves) { lc in
                    try txn.withCursor(tree) { tc in
                        var chunk = ChunkReader()
                        for i in stride(from: w, to: range.count, by: workers) {
                            let index = range.lowerBound + UInt64(i)
                            // A chunk of an upgraded log's earlier events has its hashes where they were.
                            let first = Key.hashes(index << UInt64(Self.verifyChunkLevel) + 1)
                            out[i] = try txn.contains(first, in: events)
                                ? chunk.root(of: index, events: ec)
                                : chunk.root(of: index, events: ec, leaves: lc, tree: tc)
                        }
                    }
                }
            }
        }
        return Array(results)
    }

    /// Reads and hashes one aligned chunk at a time, reusing its buffers.
    struct ChunkReader {
        /// The chunk's leaf hashes, folded in place level by level up to its root.
        private var scratch = [UInt8](repeating: 0, count: EventLog.verifyChunk * 32)
        /// The chunk's stored nodes, level by level (level `l` from ``nodeOffset(level:)``).
        private var storedNodes = [UInt8](repeating: 0, count: EventLog.verifyChunk * 32)

        /// Where level `l` (1 ... the chunk's level) starts in ``storedNodes``, in hashes.
        static func nodeOffset(level: Int) -> Int { EventLog.verifyChunk - EventLog.verifyChunk >> (level - 1) }

        /// ``root(of:events:leaves:tree:)`` for a chunk whose hashes follow its events (``HashesEntry``).
        mutating func root(of chunk: UInt64, events ec: borrowing Cursor) throws -> MerkleTree.Hash? {
            let size = EventLog.verifyChunk, top = EventLog.verifyChunkLevel
            let first = chunk << UInt64(top) + 1
            return try scratch.withUnsafeMutableBytes { buf throws -> MerkleTree.Hash? in
                try storedNodes.withUnsafeMutableBytes { nodes throws -> MerkleTree.Hash? in
                    var e = try ec.seek(atLeast: Key.sequence(first))
                    for i in 0..<size {
                        let seq = first + UInt64(i)
                        guard let event = e, Key.decodeSequence(event.key) == seq, EventLog.placementFault(seq: seq, event: event.value) == nil else { return nil }
                        let bytes = event.value
                        guard let entry = try ec.next(), Key.sequence(ofHashes: entry.key) == seq, entry.value.count == HashesEntry.size(of: seq) else { return nil }
                        let slot = UnsafeMutableRawBufferPointer(rebasing: buf[(i * 32)..<(i * 32 + 32)])
                        LeafHash.write(bytes, into: slot)
                        guard UnsafeRawBufferPointer(slot).hasSameBytes(as: UnsafeRawBufferPointer(rebasing: entry.value.prefix(32))) else { return nil }
                        // The nodes this leaf completes inside the chunk, kept to compare below.
                        let completed = min((i + 1).trailingZeroBitCount, top)
                        if completed > 0 {
                            for level in 1...completed {
                                let at = (Self.nodeOffset(level: level) + ((i + 1) >> level) - 1) * 32
                                nodes[at ..< at + 32].copyBytes(from: entry.value[(32 * level) ..< (32 * level + 32)])
                            }
                        }
                        e = try ec.next()
                    }
                    return Self.foldMatches(buf, stored: nodes) ? Array(buf[0..<32]) : nil
                }
            }
        }

        /// The chunk's root when every event is in place and every leaf hash and stored node inside it
        /// matches what its bytes hash to; `nil` otherwise. For a chunk whose hashes an earlier format
        /// wrote, in `leaves` and `tree`.
        mutating func root(of chunk: UInt64, events ec: borrowing Cursor, leaves lc: borrowing Cursor, tree tc: borrowing Cursor) throws -> MerkleTree.Hash? {
            let size = EventLog.verifyChunk, top = EventLog.verifyChunkLevel
            let first = chunk << UInt64(top) + 1
            return try scratch.withUnsafeMutableBytes { buf throws -> MerkleTree.Hash? in
                try storedNodes.withUnsafeMutableBytes { nodes throws -> MerkleTree.Hash? in
                    var e = try ec.seek(atLeast: Key.sequence(first))
                    var l = try lc.seek(atLeast: Key.sequence(first))
                    for i in 0..<size {
                        let seq = first + UInt64(i)
                        guard let event = e, Key.decodeSequence(event.key) == seq, EventLog.placementFault(seq: seq, event: event.value) == nil,
                              let leaf = l, Key.decodeSequence(leaf.key) == seq else { return nil }
                        let slot = UnsafeMutableRawBufferPointer(rebasing: buf[(i * 32)..<(i * 32 + 32)])
                        LeafHash.write(event.value, into: slot)
                        guard UnsafeRawBufferPointer(slot).hasSameBytes(as: leaf.value) else { return nil }
                        e = try ec.next()
                        l = try lc.next()
                    }
                    // Each level's stored nodes lie side by side in `tree`, keyed by level and index.
                    var width = size
                    for level in 1...top {
                        width /= 2
                        let firstIndex = chunk << UInt64(top - level)
                        var node = try tc.seek(atLeast: Key.treeNode(level: level, index: firstIndex))
                        for k in 0..<width {
                            guard let stored = node, stored.value.count == 32, stored.key.count == 9, Int(stored.key[0]) == level,
                                  Key.decodeSequence(UnsafeRawBufferPointer(rebasing: stored.key[1...])) == firstIndex + UInt64(k) else { return nil }
                            let at = (Self.nodeOffset(level: level) + k) * 32
                            nodes[at ..< at + 32].copyBytes(from: stored.value)
                            node = try tc.next()
                        }
                    }
                    return Self.foldMatches(buf, stored: nodes) ? Array(buf[0..<32]) : nil
                }
            }
        }

        /// Folds a chunk's leaf hashes in `buf` level by level up to its root (left in the first 32
        /// bytes), comparing each node with the stored one in `nodes`; false at the first that differs.
        static func foldMatches(_ buf: UnsafeMutableRawBufferPointer, stored nodes: UnsafeMutableRawBufferPointer) -> Bool {
            var width = EventLog.verifyChunk
            for level in 1...EventLog.verifyChunkLevel {
                width /= 2
                let base = nodeOffset(level: level) * 32
                for k in 0..<width {
                    let left = UnsafeRawBufferPointer(rebasing: buf[(2 * k * 32)..<(2 * k * 32 + 32)])
                    let right = UnsafeRawBufferPointer(rebasing: buf[((2 * k + 1) * 32)..<((2 * k + 1) * 32 + 32)])
                    let slot = UnsafeMutableRawBufferPointer(rebasing: buf[(k * 32)..<(k * 32 + 32)])
                    MerkleTree.writeInterior(left, right, into: slot)
                    guard UnsafeRawBufferPointer(slot).hasSameBytes(as: UnsafeRawBufferPointer(rebasing: nodes[(base + k * 32) ..< (base + k * 32 + 32)])) else { return false }
                }
            }
            return true
        }
    }

    /// The top-level `seq` of canonical event bytes: the last `,"seq":` (the payload, which may hold
    /// its own `seq`, sorts before it, and every member after it is a string).
    ///
    /// Searched from the end eight bytes at a time for the needle's one `q`, each found checked as the
    /// whole needle: a byte-by-byte search, with an array made for the needle each event, was about 750
    /// instructions an event of `pledger verify` (Round 37 in docs/BENCHMARKS.md).
    static func claimedSequence(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        let length = 7   // `,"seq":`, its `q` the fifth byte
        guard bytes.count > length, let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        // The needle as the top seven bytes of a little-endian word loaded a byte before it (that byte
        // masked off) or, at the very start of the bytes, as the low seven of the first word.
        let high: UInt64 = 0x3A22_7165_7322_2C00, low = high >> 8
        func isNeedle(at i: Int) -> Bool {
            guard i >= 0, i <= count - length else { return false }
            return i > 0
                ? base.loadUnaligned(fromByteOffset: i - 1, as: UInt64.self) & ~0xFF == high
                : base.loadUnaligned(as: UInt64.self) & (UInt64.max >> 8) == low
        }
        func digits(from start: Int) -> UInt64? {
            var v: UInt64 = 0, j = start, digits = 0
            while j < count, (0x30...0x39).contains(bytes[j]), digits < 19 {
                v = v * 10 + UInt64(bytes[j] - 0x30)
                j += 1
                digits += 1
            }
            return digits > 0 ? v : nil
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        var top = count   // every `q` at `top` or after has been looked at
        while top > 0 {
            let from = max(0, top - 8)
            if top - from == 8 {
                // (x - 0x01…) & ~x & 0x80… marks every zero byte of x (and maybe some above one):
                // each mark, highest first, is checked as a needle.
                let x = base.loadUnaligned(fromByteOffset: from, as: UInt64.self) ^ (ones &* 0x71)
                var marks = (x &- ones) & ~x & (ones &* 0x80)
                while marks != 0 {
                    let byte = (63 - marks.leadingZeroBitCount) / 8
                    if isNeedle(at: from + byte - 4) { return digits(from: from + byte + 3) }
                    marks &= ~(UInt64(0x80) << UInt64(8 * byte))
                }
            } else {
                for k in stride(from: top - 1, through: from, by: -1) where bytes[k] == 0x71 && isNeedle(at: k - 4) {
                    return digits(from: k + 3)
                }
            }
            top = from
        }
        return nil
    }
}
