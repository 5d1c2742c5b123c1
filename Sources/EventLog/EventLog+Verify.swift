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
    /// It streams: memory stays O(log n) whatever the size of the log.
    @available(*, noasync, message: "verification reads the whole log in one transaction")
    public func verify() throws -> TreeHead {
        try environment.read { txn in
            let head = try self.head(in: txn).sequence
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

            // Events are taken in aligned chunks of 2^12. Their bytes (pointers into the map, valid for
            // the whole read transaction) and the stored hashes over them are gathered here; the chunk's
            // subtree is hashed and compared on every core; the chunk's root joins the frontier. A chunk
            // that does not check out, or the last partial one, is walked event by event, which names
            // the first bad event exactly as a sequential check would.
            var chunk: [(event: UnsafeRawBufferPointer, leaf: UnsafeRawBufferPointer)] = []
            chunk.reserveCapacity(Self.verifyChunk)
            try txn.withCursor(events) { ec in
                try txn.withCursor(leaves) { lc in
                    try txn.withCursor(tree) { tc in
                        var e = try ec.first()
                        var l = try lc.first()
                        while e != nil {
                            let first = expected
                            chunk.removeAll(keepingCapacity: true)
                            var pending: VerificationFailure?
                            while let event = e, chunk.count < Self.verifyChunk {
                                let seq = Key.decodeSequence(event.key)
                                guard seq == expected else {
                                    pending = VerificationFailure(sequence: expected, reason: seq > expected ? "missing: the next stored event is \(seq)" : "stored out of order")
                                    break
                                }
                                let claimed = Self.claimedSequence(event.value)
                                guard claimed == seq else {
                                    pending = VerificationFailure(sequence: seq, reason: claimed.map { "the stored bytes are those of event \($0) (moved or swapped)" } ?? "the stored bytes are not a canonical event")
                                    break
                                }
                                guard let leaf = l, Key.decodeSequence(leaf.key) == seq else {
                                    pending = VerificationFailure(sequence: seq, reason: "no stored leaf hash")
                                    break
                                }
                                chunk.append((event.value, leaf.value))
                                expected += 1
                                e = try ec.next()
                                l = try lc.next()
                            }
                            let chunkIndex = (first - 1) >> Self.verifyChunkLevel
                            if pending == nil, chunk.count == Self.verifyChunk,
                               let root = try Self.checkedSubtree(chunk, index: chunkIndex, tree: tc) {
                                try fold(root, level: Self.verifyChunkLevel, index: chunkIndex)
                            } else {
                                for (i, entry) in chunk.enumerated() {
                                    let seq = first + UInt64(i)
                                    let computed = LeafHash.of(entry.event)
                                    guard entry.leaf.elementsEqual(computed) else {
                                        throw VerificationFailure(sequence: seq, reason: "its bytes do not match its leaf hash (the event was altered)")
                                    }
                                    try fold(computed, level: 0, index: seq - 1)
                                }
                            }
                            if let pending { throw pending }
                        }
                    }
                }
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

    /// Hashes the complete subtree `index` of ``verifyChunk`` leaves on every core, comparing every
    /// leaf hash and every stored node inside it; returns its root, or `nil` when anything differs or
    /// a stored node is missing (the caller then walks the chunk event by event to name the first fault).
    static func checkedSubtree(_ chunk: [(event: UnsafeRawBufferPointer, leaf: UnsafeRawBufferPointer)], index: UInt64,
                               tree tc: borrowing Cursor) throws -> MerkleTree.Hash? {
        let top = verifyChunkLevel
        // The stored nodes of levels 1...top over the chunk, level by level, from a cursor walk.
        var storedNodes: [UnsafeRawBufferPointer] = []
        storedNodes.reserveCapacity(verifyChunk)
        var offsets = [Int](repeating: 0, count: top + 1)   // where each level's nodes start in storedNodes
        for level in 1...top {
            offsets[level] = storedNodes.count
            let count = verifyChunk >> level
            let firstIndex = index << (top - level)
            var entry = try tc.seek(atLeast: Key.treeNode(level: level, index: firstIndex))
            for k in 0..<count {
                guard let node = entry, node.value.count == 32, node.key.count == 9, Int(node.key[0]) == level,
                      Key.decodeSequence(UnsafeRawBufferPointer(rebasing: node.key[1...])) == firstIndex + UInt64(k) else { return nil }
                storedNodes.append(node.value)
                entry = try tc.next()
            }
        }
        let workers = ProcessInfo.processInfo.activeProcessorCount >= 2 ? 2 : 1
        let span = verifyChunk / workers
        let spanLevel = top - (workers == 2 ? 1 : 0)
        var roots = [UInt8](repeating: 0, count: workers * 32)
        var faults = [Bool](repeating: false, count: workers)
        roots.withUnsafeMutableBytes { rootBytes in
            faults.withUnsafeMutableBufferPointer { faultFlags in
                nonisolated(unsafe) let chunk = chunk, storedNodes = storedNodes
                let offsets = offsets
                nonisolated(unsafe) let rootBytes = rootBytes, faultFlags = faultFlags
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var scratch = [UInt8](repeating: 0, count: span * 32)
                    let ok = scratch.withUnsafeMutableBytes { buf -> Bool in
                        for i in 0..<span {
                            let slot = UnsafeMutableRawBufferPointer(rebasing: buf[(i * 32)..<(i * 32 + 32)])
                            LeafHash.write(chunk[w * span + i].event, into: slot)
                            guard UnsafeRawBufferPointer(slot).elementsEqual(chunk[w * span + i].leaf) else { return false }
                        }
                        var width = span
                        for level in 1...spanLevel {
                            width /= 2
                            for k in 0..<width {
                                let left = UnsafeRawBufferPointer(rebasing: buf[(2 * k * 32)..<(2 * k * 32 + 32)])
                                let right = UnsafeRawBufferPointer(rebasing: buf[((2 * k + 1) * 32)..<((2 * k + 1) * 32 + 32)])
                                let slot = UnsafeMutableRawBufferPointer(rebasing: buf[(k * 32)..<(k * 32 + 32)])
                                MerkleTree.writeInterior(left, right, into: slot)
                                let node = storedNodes[offsets[level] + w * width + k]
                                guard UnsafeRawBufferPointer(slot).elementsEqual(node) else { return false }
                            }
                        }
                        UnsafeMutableRawBufferPointer(rebasing: rootBytes[(w * 32)..<(w * 32 + 32)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: buf[0..<32]))
                        return true
                    }
                    if !ok { faultFlags[w] = true }
                }
            }
        }
        guard !faults.contains(true) else { return nil }
        guard workers == 2 else { return Array(roots[0..<32]) }
        let root = MerkleTree.interior(Array(roots[0..<32]), Array(roots[32..<64]))
        guard storedNodes[offsets[top]].elementsEqual(root) else { return nil }
        return root
    }

    /// The top-level `seq` of canonical event bytes: the last `,"seq":` (the payload, which may hold
    /// its own `seq`, sorts before it, and every member after it is a string).
    static func claimedSequence(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        let needle: [UInt8] = Array(#","seq":"#.utf8)
        guard bytes.count > needle.count else { return nil }
        var i = bytes.count - needle.count
        while i >= 0 {
            if bytes[i] == needle[0], bytes[i + 1] == needle[1], bytes[i + 2] == needle[2],
               bytes[i + 3] == needle[3], bytes[i + 4] == needle[4], bytes[i + 5] == needle[5], bytes[i + 6] == needle[6] {
                var v: UInt64 = 0
                var j = i + needle.count
                var digits = 0
                while j < bytes.count, (0x30...0x39).contains(bytes[j]), digits < 19 {
                    v = v * 10 + UInt64(bytes[j] - 0x30)
                    j += 1
                    digits += 1
                }
                return digits > 0 ? v : nil
            }
            i -= 1
        }
        return nil
    }
}
