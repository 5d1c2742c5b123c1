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
            try txn.withCursor(events) { ec in
                try txn.withCursor(leaves) { lc in
                    var e = try ec.first()
                    var l = try lc.first()
                    while let event = e {
                        let seq = Key.decodeSequence(event.key)
                        guard seq == expected else {
                            throw VerificationFailure(sequence: expected, reason: seq > expected ? "missing: the next stored event is \(seq)" : "stored out of order")
                        }
                        let claimed = Self.claimedSequence(event.value)
                        guard claimed == seq else {
                            throw VerificationFailure(sequence: seq, reason: claimed.map { "the stored bytes are those of event \($0) (moved or swapped)" } ?? "the stored bytes are not a canonical event")
                        }
                        guard let leaf = l, Key.decodeSequence(leaf.key) == seq else {
                            throw VerificationFailure(sequence: seq, reason: "no stored leaf hash")
                        }
                        let computed = LeafHash.of(event.value)
                        guard leaf.value.elementsEqual(computed) else {
                            throw VerificationFailure(sequence: seq, reason: "its bytes do not match its leaf hash (the event was altered)")
                        }
                        // Fold the leaf into the frontier; check each subtree it completes against the stored node.
                        var right = computed
                        var level = 0
                        var index = seq - 1
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
                        expected += 1
                        e = try ec.next()
                        l = try lc.next()
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
