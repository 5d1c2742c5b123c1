@testable import EventLog
import Foundation
import TestSupport
import Testing

/// Within one transaction, the tree's left siblings come from the frontier: the nodes the transaction
/// itself completed, held inline. Over a log that stores no hashes at all, any sibling it failed to
/// keep would be read from the store and not found.
@Suite struct TreeFrontierTests {
    @Test func siblingsWrittenInTheTransactionComeFromTheFrontierAndEntriesAreTheDefinitions() throws {
        let dir = try TemporaryDirectory()
        let log = try EventLog.create(at: dir.path + "/log")
        let leaves = (1...300).map { LeafHash.of(Array("leaf \($0)".utf8)) }
        var expected = InMemoryMerkleHashes()
        try log.environment.read { txn in
            let stored = log.storedTree(txn)
            var frontier = TreeFrontier()
            for (i, leaf) in leaves.enumerated() {
                let sequence = UInt64(i + 1)
                var entry = [UInt8](repeating: 0, count: HashesEntry.size(of: sequence))
                try leaf.withUnsafeBytes { l in try entry.withUnsafeMutableBytes { try frontier.complete(leaf: sequence, hash: l, stored: stored, into: $0) } }
                expected.append(leafHash: leaf)
                // The entry: the leaf, then each node it completes, level 1 first (HashesEntry).
                let levels = try (0 ..< entry.count / 32).map { try expected.hash(level: $0, index: (sequence - 1) >> UInt64($0)) }
                #expect(entry == levels.flatMap { $0 }, "event \(sequence)")
            }
            #expect(try MerkleTree.root(size: 300, in: expected) == Naive.mth(leaves[...]))
        }
    }

    @Test func aLeafHashThatIsNotThirtyTwoBytesIsRefusedNotHashed() throws {
        let dir = try TemporaryDirectory()
        let log = try EventLog.create(at: dir.path + "/log")
        try log.environment.read { txn in
            var frontier = TreeFrontier()
            var entry = [UInt8](repeating: 0, count: 32)
            #expect(throws: MissingTreeHash.self) {
                try [UInt8](repeating: 7, count: 31).withUnsafeBytes { l in
                    try entry.withUnsafeMutableBytes { try frontier.complete(leaf: 1, hash: l, stored: log.storedTree(txn), into: $0) }
                }
            }
        }
    }
}
