/// The last complete subtree written at each level of the Merkle tree in one write transaction.
///
/// Appending leaf `i` completes a node at each level where `i`'s bits end in ones, and each needs its
/// left sibling, which is the last node completed at that level: within a batch that is a node the
/// batch itself wrote, so it is taken from here instead of read back from the stored hashes. The first
/// event of a transaction reads its siblings from the store.
struct TreeFrontier {
    private var nodes: [(index: UInt64, hash: MerkleTree.Hash)?] = []

    /// The node at `level` and `index`, if it is the last one this transaction completed at that level.
    func hash(level: Int, index: UInt64) -> MerkleTree.Hash? {
        guard level < nodes.count, let node = nodes[level], node.index == index else { return nil }
        return node.hash
    }

    /// Keeps `hash` as the last node completed at `level`.
    mutating func record(level: Int, index: UInt64, hash: MerkleTree.Hash) {
        while nodes.count <= level { nodes.append(nil) }
        nodes[level] = (index, hash)
    }

    /// Adds leaf `sequence` (from 1) with `leafHash`, and returns the complete subtrees it completes,
    /// level 1 first, keeping them: their left siblings come from here when this transaction wrote
    /// them, else from `stored`.
    mutating func complete(leaf sequence: UInt64, hash leafHash: MerkleTree.Hash,
                           stored: EventLog.StoredTree) throws -> [(level: Int, index: UInt64, hash: MerkleTree.Hash)] {
        let nodes = try MerkleTree.nodesCompleted(byLeaf: sequence - 1, leafHash: leafHash, in: Reading(frontier: self, stored: stored))
        record(level: 0, index: sequence - 1, hash: leafHash)
        for node in nodes { record(level: node.level, index: node.index, hash: node.hash) }
        return nodes
    }

    /// The frontier first, then the stored tree.
    struct Reading: MerkleHashes {
        let frontier: TreeFrontier
        let stored: EventLog.StoredTree

        func hash(level: Int, index: UInt64) throws -> MerkleTree.Hash {
            try frontier.hash(level: level, index: index) ?? stored.hash(level: level, index: index)
        }
    }
}
