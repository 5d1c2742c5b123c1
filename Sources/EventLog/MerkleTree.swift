import Crypto

/// The RFC 9162 Merkle tree over a log's leaf hashes: roots, inclusion and consistency proofs, and
/// their verification.
///
/// The tree is read through a ``MerkleHashes`` store holding the hash of every *complete* subtree
/// (level `L`, index `i` covers leaves `i·2^L ..< (i+1)·2^L`), in the manner of Go's `sumdb/tlog`.
/// Any tree size's root and any proof then cost O(log n) hash reads, never a pass over the leaves.
public enum MerkleTree {
    /// A 32-byte SHA-256 hash.
    public typealias Hash = [UInt8]

    /// MTH of the empty tree: SHA-256 of nothing.
    public static let emptyRoot: Hash = Array(SHA256.hash(data: [UInt8]()))

    /// An interior node: SHA-256(0x01 ‖ left ‖ right).
    public static func interior(_ left: Hash, _ right: Hash) -> Hash {
        var out = Hash(repeating: 0, count: 32)
        left.withUnsafeBytes { l in right.withUnsafeBytes { r in out.withUnsafeMutableBytes { writeInterior(l, r, into: $0) } } }
        return out
    }

    /// Writes the interior node over `left` and `right` (32 bytes each) into the 32 bytes of `out`.
    ///
    /// The 65 bytes are gathered on the stack and hashed in one update: each update through swift-crypto
    /// costs about 325 instructions beside the hashing (callgrind, Round 18 in docs/BENCHMARKS.md), and
    /// an append hashes an interior node an event.
    /// (A stored hash of another length, in a damaged log, is hashed as it is, in three updates.)
    static func writeInterior(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        var h = SHA256()
        if left.count == 32, right.count == 32 {
            withUnsafeTemporaryAllocation(byteCount: 65, alignment: 1) { block in
                block[0] = 1
                UnsafeMutableRawBufferPointer(rebasing: block[1..<33]).copyMemory(from: left)
                UnsafeMutableRawBufferPointer(rebasing: block[33..<65]).copyMemory(from: right)
                h.update(bufferPointer: UnsafeRawBufferPointer(block))
            }
        } else {
            withUnsafeBytes(of: UInt8(1)) { h.update(bufferPointer: $0) }
            h.update(bufferPointer: left)
            h.update(bufferPointer: right)
        }
        h.finalize().withUnsafeBytes { out.copyMemory(from: $0) }
    }

    /// The largest power of two strictly less than `n` (n ≥ 2).
    static func split(_ n: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH of leaves `start ..< end`.
    ///
    /// A range that is a complete aligned subtree is one stored read; any other splits at the largest
    /// power of two, as RFC 9162 §2.1.1 defines the tree.
    public static func hash(_ start: UInt64, _ end: UInt64, in store: some MerkleHashes) throws -> Hash {
        let size = end - start
        precondition(size > 0, "MerkleTree.hash of an empty range")
        if size & (size - 1) == 0, start % size == 0 {
            return try store.hash(level: size.trailingZeroBitCount, index: start / size)
        }
        let k = split(size)
        return interior(try hash(start, start + k, in: store), try hash(start + k, end, in: store))
    }

    /// The root of the tree of the first `size` leaves.
    public static func root(size: UInt64, in store: some MerkleHashes) throws -> Hash {
        size == 0 ? emptyRoot : try hash(0, size, in: store)
    }

    /// RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` (from 0) in the tree of `size` leaves.
    public static func inclusionProof(index: UInt64, size: UInt64, in store: some MerkleHashes) throws -> [Hash] {
        precondition(index < size, "leaf index outside the tree")
        var proof: [Hash] = []
        var (start, end, m) = (UInt64(0), size, index)
        var siblings: [Hash] = []
        while end - start > 1 {
            let k = split(end - start)
            if m < k {
                siblings.append(try hash(start + k, end, in: store))
                end = start + k
            } else {
                siblings.append(try hash(start, start + k, in: store))
                start += k
                m -= k
            }
        }
        // The path lists siblings from the leaf upwards.
        proof = siblings.reversed()
        return proof
    }

    /// RFC 9162 §2.1.4.1: the consistency proof between the trees of `first` and `second` leaves.
    public static func consistencyProof(first: UInt64, second: UInt64, in store: some MerkleHashes) throws -> [Hash] {
        precondition(first <= second, "consistency needs first ≤ second")
        guard first > 0, first < second else { return [] }
        var proof: [Hash] = []
        var (start, end, m, complete) = (UInt64(0), second, first, true)
        while true {
            let n = end - start
            if m == n {
                if !complete { proof.append(try hash(start, end, in: store)) }
                break
            }
            let k = split(n)
            if m <= k {
                proof.append(try hash(start + k, end, in: store))
                end = start + k
            } else {
                proof.append(try hash(start, start + k, in: store))
                start += k
                m -= k
                complete = false
            }
        }
        return proof.reversed()
    }

    /// RFC 9162 §2.1.3.2: whether `proof` shows `leafHash` at `index` in the tree of `size` leaves with `root`.
    public static func verifyInclusion(leafHash: Hash, index: UInt64, size: UInt64, proof: [Hash], root: Hash) -> Bool {
        guard index < size else { return false }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = interior(p, r)
                if fn & 1 == 0 {
                    repeat { fn >>= 1; sn >>= 1 } while fn & 1 == 0 && fn != 0
                }
            } else {
                r = interior(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2: whether `proof` shows that the tree of `first` leaves with `firstRoot` is a
    /// prefix of the tree of `second` leaves with `secondRoot`.
    public static func verifyConsistency(first: UInt64, second: UInt64, firstRoot: Hash, secondRoot: Hash, proof: [Hash]) -> Bool {
        guard first <= second else { return false }
        if first == second { return proof.isEmpty && firstRoot == secondRoot }
        if first == 0 { return proof.isEmpty }
        var path = proof
        if first & (first - 1) == 0 { path.insert(firstRoot, at: 0) }
        guard let head = path.first else { return false }
        var fn = first - 1, sn = second - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = head, sr = head
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = interior(c, fr)
                sr = interior(c, sr)
                if fn & 1 == 0 {
                    repeat { fn >>= 1; sn >>= 1 } while fn & 1 == 0 && fn != 0
                }
            } else {
                sr = interior(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == firstRoot && sr == secondRoot
    }

    /// The complete subtrees that leaf `index` completes, bottom up: for each, its level, index and
    /// hash. `leafHash` is the new leaf's hash; the left siblings come from `store`.
    public static func nodesCompleted(byLeaf index: UInt64, leafHash: Hash, in store: some MerkleHashes) throws -> [(level: Int, index: UInt64, hash: Hash)] {
        // Labelled as returned: an array of unlabelled tuples was converted element by element on return
        // (`_arrayForceCast`, about 750 instructions an appended event: callgrind, Round 18).
        var out: [(level: Int, index: UInt64, hash: Hash)] = []
        var right = leafHash
        var level = 0
        var i = index
        while i & 1 == 1 {
            let left = try store.hash(level: level, index: i - 1)
            right = interior(left, right)
            level += 1
            i >>= 1
            out.append((level: level, index: i, hash: right))
        }
        return out
    }
}

/// Where the tree's complete-subtree hashes are read from. Level 0 holds the leaf hashes.
public protocol MerkleHashes {
    func hash(level: Int, index: UInt64) throws -> MerkleTree.Hash
}

/// A hash a proof or tree needed and the store does not hold.
public struct MissingTreeHash: Error, Sendable, CustomStringConvertible {
    public let level: Int
    public let index: UInt64
    public var description: String { "the tree hash at level \(level), index \(index) is not stored" }
}

/// Complete-subtree hashes kept in memory: for tests and for verifying a log from its bytes alone.
public struct InMemoryMerkleHashes: MerkleHashes, Sendable {
    public private(set) var levels: [[MerkleTree.Hash]] = []

    public init() {}

    public var size: UInt64 { UInt64(levels.first?.count ?? 0) }

    /// Adds the next leaf and the subtrees it completes.
    public mutating func append(leafHash: MerkleTree.Hash) {
        let index = size
        if levels.isEmpty { levels.append([]) }
        let completed = (try? MerkleTree.nodesCompleted(byLeaf: index, leafHash: leafHash, in: self)) ?? []
        levels[0].append(leafHash)
        for (level, _, hash) in completed {
            if levels.count <= level { levels.append([]) }
            levels[level].append(hash)
        }
    }

    public func hash(level: Int, index: UInt64) throws -> MerkleTree.Hash {
        guard level < levels.count, index < UInt64(levels[level].count) else { throw MissingTreeHash(level: level, index: index) }
        return levels[level][Int(index)]
    }
}
