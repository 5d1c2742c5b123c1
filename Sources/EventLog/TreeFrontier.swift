/// The last complete subtree written at each level of the Merkle tree in one write transaction.
///
/// Appending leaf `i` completes a node at each level where `i`'s bits end in ones, and each needs its
/// left sibling, which is the last node completed at that level: within a batch that is a node the
/// batch itself wrote, so it is taken from here instead of read back from the stored hashes. The first
/// event of a transaction reads its siblings from the store.
struct TreeFrontier {
    /// Level by level, the last node completed there; held inline (``InlineHash``), so keeping one
    /// allocates nothing.
    private var nodes: [(index: UInt64, hash: InlineHash)?] = []

    /// The node at `level` and `index`, if it is the last one this transaction completed at that level.
    private func hash(level: Int, index: UInt64) -> InlineHash? {
        guard level < nodes.count, let node = nodes[level], node.index == index else { return nil }
        return node.hash
    }

    /// Keeps `hash` as the last node completed at `level`.
    private mutating func record(level: Int, index: UInt64, hash: InlineHash) {
        while nodes.count <= level { nodes.append(nil) }
        nodes[level] = (index, hash)
    }

    /// Adds leaf `sequence` (from 1) with its 32-byte `leafHash`, and writes its entry of hashes
    /// (``HashesEntry``: the leaf hash, then the complete subtrees it completes, level 1 first) into
    /// `entry`, which is ``HashesEntry/size(of:)`` bytes long; keeps the new nodes. Their left siblings
    /// come from here when this transaction wrote them, else from `stored`.
    mutating func complete(leaf sequence: UInt64, hash leafHash: UnsafeRawBufferPointer,
                           stored: EventLog.StoredTree, into entry: UnsafeMutableRawBufferPointer) throws {
        guard var right = InlineHash(leafHash) else { throw MissingTreeHash(level: 0, index: sequence - 1) }
        precondition(entry.count == HashesEntry.size(of: sequence), "a hashes entry of the wrong size")
        UnsafeMutableRawBufferPointer(rebasing: entry[0 ..< 32]).copyMemory(from: leafHash)
        var level = 0
        var i = sequence - 1
        while i & 1 == 1 {
            let left = try hash(level: level, index: i - 1)
                ?? stored.hash(level: level, index: i - 1).withUnsafeBytes { InlineHash($0) }
            guard let left else { throw MissingTreeHash(level: level, index: i - 1) }
            // Kept only now: the slot held the left sibling until it was read.
            record(level: level, index: i, hash: right)
            right = left.withUnsafeBytes { l in right.withUnsafeBytes { r in InlineHash { MerkleTree.writeInterior(l, r, into: $0) } } }
            level += 1
            i >>= 1
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: entry[32 * level ..< 32 * (level + 1)]).copyMemory(from: $0) }
        }
        record(level: level, index: i, hash: right)
    }

    /// ``complete(leaf:hash:stored:into:)`` for a leaf hash held in an array, returning the complete
    /// subtrees it completes, level 1 first (a log of an earlier format, completing its tree once).
    mutating func complete(leaf sequence: UInt64, hash leafHash: MerkleTree.Hash,
                           stored: EventLog.StoredTree) throws -> [(level: Int, index: UInt64, hash: MerkleTree.Hash)] {
        var entry = [UInt8](repeating: 0, count: HashesEntry.size(of: sequence))
        try leafHash.withUnsafeBytes { leaf in
            try entry.withUnsafeMutableBytes { try complete(leaf: sequence, hash: leaf, stored: stored, into: $0) }
        }
        return (1 ..< entry.count / 32).map { level in
            (level: level, index: (sequence - 1) >> UInt64(level), hash: Array(entry[32 * level ..< 32 * (level + 1)]))
        }
    }
}
