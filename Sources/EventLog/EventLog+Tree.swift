import Foundation
import LMDB

/// The root of the tree of a log's first `size` events.
public struct TreeHead: Sendable, Equatable {
    public var size: UInt64
    public var root: MerkleTree.Hash
    public init(size: UInt64, root: MerkleTree.Hash) {
        self.size = size
        self.root = root
    }
}

extension EventLog {
    /// Reads the stored tree inside one transaction: from the events' hashes (``HashesEntry``), else
    /// (hashes an earlier format wrote) level 0 from `leaves` and higher levels from `tree`.
    struct StoredTree: ReadableTransaction, MerkleHashes {
        let unsafeHandle: OpaquePointer
        let events: Database
        let leaves: Database
        let tree: Database

        func hash(level: Int, index: UInt64) throws -> MerkleTree.Hash {
            guard let (sequence, offset) = HashesEntry.location(level: level, index: index) else {
                throw MissingTreeHash(level: level, index: index)
            }
            let found: MerkleTree.Hash?? = try Key.hashes(sequence).withUnsafeBytes { k in
                try withValue(in: events, forKey: k) { v in
                    v.map { $0.count >= offset + 32 ? Array($0[offset ..< offset + 32]) : nil }
                }
            }
            // An entry is the whole truth about its event's hashes: one too short is damage.
            if let found {
                guard let found else { throw MissingTreeHash(level: level, index: index) }
                return found
            }
            let legacy = level == 0 ? Key.sequence(sequence) : Key.treeNode(level: level, index: index)
            guard let h = try value(in: level == 0 ? leaves : tree, forKey: legacy), h.count == 32 else {
                throw MissingTreeHash(level: level, index: index)
            }
            return h
        }

        /// The size of event `sequence`'s hashes beside it; nil when they are not there (none stored, or
        /// stored by an earlier format in `leaves` and `tree`).
        func hashesSize(of sequence: UInt64) throws -> Int? {
            try Key.hashes(sequence).withUnsafeBytes { k in try withValue(in: events, forKey: k) { $0?.count } }
        }

        /// The stored leaf hash of event `sequence`, or nil when none is stored.
        func leafHash(of sequence: UInt64) throws -> MerkleTree.Hash? {
            guard sequence >= 1 else { return nil }
            do { return try hash(level: 0, index: sequence - 1) } catch is MissingTreeHash { return nil }
        }
    }

    func storedTree(_ txn: borrowing some ReadableTransaction & ~Copyable) -> StoredTree {
        StoredTree(unsafeHandle: txn.unsafeHandle, events: events, leaves: leaves, tree: tree)
    }

    /// Stores event `sequence`'s hashes right after it in `events` (``HashesEntry``), through `log`, the
    /// appending transaction's cursor at the end of `events`: `leafHash` and the complete subtrees its
    /// leaf completes, taking the left siblings it needs from `frontier` when the transaction wrote them,
    /// and keeping the new nodes there. The entry and its key are made on the stack.
    func storeHashes(of sequence: UInt64, leafHash: UnsafeRawBufferPointer, frontier: inout TreeFrontier,
                     appendingTo log: borrowing WriteCursor, in txn: borrowing WriteTransaction) throws {
        try withUnsafeTemporaryAllocation(byteCount: HashesEntry.size(of: sequence), alignment: 8) { entry in
            try frontier.complete(leaf: sequence, hash: leafHash, stored: storedTree(txn), into: entry)
            try Key.withHashes(sequence) { try log.put(UnsafeRawBufferPointer(entry), forKey: $0, flags: .append) }
        }
    }

    /// Completes `tree` for the events of an earlier log appended before it stored a tree (`tree-size`
    /// behind the head), when the log becomes `/4`: their hashes stay in `leaves` and `tree`.
    func completeLegacyTree(in txn: borrowing WriteTransaction) throws {
        let head = try headSequence(in: txn)
        let done = try txn.value(in: meta, forKey: Key.treeSize).map { $0.withUnsafeBytes { Key.decodeSequence($0) } } ?? 0
        guard done < head else { return }
        var frontier = TreeFrontier()
        for seq in (done + 1)...head {
            guard let leaf = try txn.value(in: leaves, forKey: Key.sequence(seq)), leaf.count == 32 else {
                throw EventLogError.damaged(sequence: seq, reason: "no stored 32-byte leaf hash")
            }
            for node in try frontier.complete(leaf: seq, hash: leaf, stored: storedTree(txn)) {
                try txn.put(node.hash, forKey: Key.treeNode(level: node.level, index: node.index), in: tree, flags: .noOverwrite)
            }
        }
        try txn.put(Key.sequence(head), forKey: Key.treeSize, in: meta)
    }

    /// The tree head at `size` (default: the whole log).
    public func treeHead(size: UInt64? = nil) throws -> TreeHead {
        try environment.read { txn in
            let head = try headSequence(in: txn)
            let n = size ?? head
            guard n <= head else { throw ProofRequestError.beyondLog(size: n, head: head) }
            return TreeHead(size: n, root: try MerkleTree.root(size: n, in: storedTree(txn)))
        }
    }

    /// The inclusion proof of event `sequence` in the tree of `treeSize` events (default: the whole log).
    public func inclusionProof(sequence: UInt64, treeSize: UInt64? = nil) throws -> InclusionProof {
        try environment.read { txn in
            let head = try headSequence(in: txn)
            let size = treeSize ?? head
            guard size <= head else { throw ProofRequestError.beyondLog(size: size, head: head) }
            guard sequence >= 1, sequence <= size else { throw ProofRequestError.sequenceOutside(sequence: sequence, size: size) }
            let store = storedTree(txn)
            return InclusionProof(
                sequence: sequence, treeSize: size, leafHash: try store.hash(level: 0, index: sequence - 1),
                rootHash: try MerkleTree.root(size: size, in: store),
                path: try MerkleTree.inclusionProof(index: sequence - 1, size: size, in: store))
        }
    }

    /// The consistency proof between the trees of `first` and `second` events.
    public func consistencyProof(first: UInt64, second: UInt64) throws -> ConsistencyProof {
        try environment.read { txn in
            let head = try headSequence(in: txn)
            guard second <= head else { throw ProofRequestError.beyondLog(size: second, head: head) }
            guard first <= second else { throw ProofRequestError.sizesOutOfOrder(first: first, second: second) }
            let store = storedTree(txn)
            return ConsistencyProof(
                firstSize: first, secondSize: second,
                firstRoot: try MerkleTree.root(size: first, in: store), secondRoot: try MerkleTree.root(size: second, in: store),
                path: try MerkleTree.consistencyProof(first: first, second: second, in: store))
        }
    }
}

/// A proof asked of sizes or positions the log does not have.
public enum ProofRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case beyondLog(size: UInt64, head: UInt64)
    case sequenceOutside(sequence: UInt64, size: UInt64)
    case sizesOutOfOrder(first: UInt64, second: UInt64)

    public var description: String {
        switch self {
        case let .beyondLog(size, head): "tree size \(size) is beyond the log, which holds \(head) events"
        case let .sequenceOutside(seq, size): "event \(seq) is not in a tree of \(size) events (sequence numbers run from 1 to \(size))"
        case let .sizesOutOfOrder(first, second): "the first tree size (\(first)) must not exceed the second (\(second))"
        }
    }
}
