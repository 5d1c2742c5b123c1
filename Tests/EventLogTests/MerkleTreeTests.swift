import Crypto
import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

/// RFC 9162's definitions, written out naively, to check the stored-hash tree against.
enum Naive {
    static func sha(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
    static func k(_ n: Int) -> Int { var k = 1; while k * 2 < n { k *= 2 }; return k }

    static func mth(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.isEmpty { return sha([]) }
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        let split = leaves.startIndex + k(leaves.count)
        return sha([0x01] + mth(leaves[..<split]) + mth(leaves[split...]))
    }

    static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        if leaves.count <= 1 { return [] }
        let kk = k(leaves.count), split = leaves.startIndex + kk
        return m < kk ? path(m, leaves[..<split]) + [mth(leaves[split...])] : path(m - kk, leaves[split...]) + [mth(leaves[..<split])]
    }

    static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, _ complete: Bool) -> [[UInt8]] {
        let n = leaves.count
        if m == n { return complete ? [] : [mth(leaves)] }
        let kk = k(n), split = leaves.startIndex + kk
        return m <= kk ? subproof(m, leaves[..<split], complete) + [mth(leaves[split...])]
                       : subproof(m - kk, leaves[split...], false) + [mth(leaves[..<split])]
    }
}

@Suite struct MerkleTreeTests {
    static let vectorLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
        .map { LeafHash.of(Hex.decode($0) ?? []) }

    /// Roots of the first 1…8 leaves of RFC 6962's test data (certificate-transparency's merkle_tree_test).
    static let vectorRoots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test func knownAnswerRootsForOneToEightLeaves() throws {
        var store = InMemoryMerkleHashes()
        #expect(Hex.encode(MerkleTree.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for (n, leaf) in Self.vectorLeaves.enumerated() {
            store.append(leafHash: leaf)
            #expect(Hex.encode(try MerkleTree.root(size: UInt64(n + 1), in: store)) == Self.vectorRoots[n], "size \(n + 1)")
            #expect(Hex.encode(Naive.mth(Self.vectorLeaves[0...n])) == Self.vectorRoots[n])
        }
    }

    @Test func everyProofUpTo64MatchesTheDefinitionAndVerifies() throws {
        let leaves = (0..<64).map { LeafHash.of(Array("leaf \($0)".utf8)) }
        var store = InMemoryMerkleHashes()
        for leaf in leaves { store.append(leafHash: leaf) }
        for n in 1...64 {
            let root = try MerkleTree.root(size: UInt64(n), in: store)
            #expect(root == Naive.mth(leaves[0..<n]))
            for m in 0..<n {
                let proof = try MerkleTree.inclusionProof(index: UInt64(m), size: UInt64(n), in: store)
                #expect(proof == Naive.path(m, leaves[0..<n]), "inclusion \(m) in \(n)")
                #expect(MerkleTree.verifyInclusion(leafHash: leaves[m], index: UInt64(m), size: UInt64(n), proof: proof, root: root))
                #expect(!MerkleTree.verifyInclusion(leafHash: leaves[(m + 1) % 64], index: UInt64(m), size: UInt64(n), proof: proof, root: root))
                if n > 1 {
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaves[m], index: UInt64((m + 1) % n), size: UInt64(n), proof: proof, root: root) || (m + 1) % n == m)
                }
                if var bad = proof.first {
                    bad[0] ^= 1
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaves[m], index: UInt64(m), size: UInt64(n), proof: [bad] + proof.dropFirst(), root: root))
                }
            }
            for m in 1...n {
                let first = try MerkleTree.root(size: UInt64(m), in: store)
                let proof = try MerkleTree.consistencyProof(first: UInt64(m), second: UInt64(n), in: store)
                #expect(proof == (m == n ? [] : Naive.subproof(m, leaves[0..<n], true)), "consistency \(m) → \(n)")
                #expect(MerkleTree.verifyConsistency(first: UInt64(m), second: UInt64(n), firstRoot: first, secondRoot: root, proof: proof))
                if m < n {
                    #expect(!MerkleTree.verifyConsistency(first: UInt64(m), second: UInt64(n), firstRoot: root, secondRoot: root, proof: proof))
                    if var bad = proof.last {
                        bad[31] ^= 0x80
                        #expect(!MerkleTree.verifyConsistency(first: UInt64(m), second: UInt64(n), firstRoot: first, secondRoot: root, proof: proof.dropLast() + [bad]))
                    }
                }
            }
        }
    }

    @Test func theLogsStoredTreeMatchesTheDefinitionOverItsCanonicalBytes() throws {
        let f = try LogFixture()
        for i in 0..<37 { try f.log.append(event("s/\(i % 5)", value: Int64(i))) }
        let leaves = try exportLines(f.log).map { LeafHash.of($0) }
        for n in 1...37 {
            #expect(try f.log.treeHead(size: UInt64(n)).root == Naive.mth(leaves[0..<n]))
        }
        let inclusion = try f.log.inclusionProof(sequence: 20, treeSize: 33)
        #expect(inclusion.path == Naive.path(19, leaves[0..<33]) && inclusion.isValid)
        let consistency = try f.log.consistencyProof(first: 13, second: 37)
        #expect(consistency.path == Naive.subproof(13, leaves[0..<37], true) && consistency.isValid)
        #expect(try InclusionProof(json: JSONParser.parse(CanonicalJSON.encode(inclusion.json))) == inclusion)
        #expect(try ConsistencyProof(json: JSONParser.parse(CanonicalJSON.encode(consistency.json))) == consistency)
        #expect(throws: ProofRequestError.self) { try f.log.inclusionProof(sequence: 38) }
        #expect(throws: ProofRequestError.self) { try f.log.inclusionProof(sequence: 0) }
        #expect(throws: ProofRequestError.self) { try f.log.consistencyProof(first: 5, second: 40) }
        #expect(try f.log.verify() == f.log.treeHead())
    }
}

@Suite struct CheckpointTests {
    @Test func signedCheckpointsRoundTripAndRejectWrongKeysAndEdits() throws {
        let f = try LogFixture()
        for i in 0..<10 { try f.log.append(event("s/\(i)")) }
        var checkpoint = try f.log.checkpoint()
        let head = try f.log.treeHead()
        #expect(checkpoint.size == 10 && checkpoint.root == head.root)
        #expect(checkpoint.origin == "pledger/" + (try f.log.event(at: 1)?.id.canonicalString ?? ""))
        let key = try NoteSigningKey(name: "auditor")
        try checkpoint.sign(with: key)
        let parsed = try Checkpoint(parsing: checkpoint.text)
        #expect(parsed == checkpoint)
        #expect(parsed.isSigned(by: key.verifier))
        #expect(parsed.isSigned(by: try NoteVerifierKey(parsing: key.verifier.text)))
        #expect(try NoteSigningKey(parsing: key.text).verifier.text == key.verifier.text)
        #expect(!parsed.isSigned(by: try NoteSigningKey(name: "auditor").verifier), "another key with the same name")
        let edited = try Checkpoint(parsing: checkpoint.text.replacingOccurrences(of: "\n10\n", with: "\n11\n"))
        #expect(!edited.isSigned(by: key.verifier))
        #expect(throws: Checkpoint.FormatError.self) { _ = try Checkpoint(parsing: "origin\nten\nroot\n") }
        // The same log gives the same checkpoint body whenever it is made.
        #expect(try f.log.checkpoint().body == checkpoint.body)
    }
}

/// Tampering with the stored log is found, and the first bad event named: with the hashes where this
/// pledger writes them, and where earlier ones did (``HashLayout``).
@Suite struct TamperTests {
    func tampered(events count: Int = 20, layout: HashLayout,
                  _ change: (borrowing WriteTransaction, Database, StoredHashes) throws -> Void) throws -> VerificationFailure? {
        let f = try LogFixture()
        if count <= 20 {
            for i in 0..<count { try f.log.append(event("s/\(i % 3)", value: Int64(i))) }
        } else {
            try f.log.append((0..<count).map { event("s/\($0 % 7)", value: Int64($0)) })
        }
        if layout == .legacy { try StoredHashes.moveToLegacy(f.log) }
        let env = f.log.lmdb
        let events = try env.database("events"), hashes = try StoredHashes(f.log, layout: layout)
        #expect(try f.log.verify().size == UInt64(count), "the log verifies before the change")
        try env.write { try change($0, events, hashes) }
        do {
            _ = try f.log.verify()
            return nil
        } catch let failure as VerificationFailure {
            return failure
        }
    }


    @Test(arguments: HashLayout.allCases) func aChangedByteIsFoundAtItsEvent(layout: HashLayout) throws {
        let failure = try tampered(layout: layout) { txn, events, _ in
            guard var bytes = try txn.value(in: events, forKey: bigEndianBytes(7)) else { return }
            bytes[bytes.count / 2] ^= 0x01
            try txn.put(bytes, forKey: bigEndianBytes(7), in: events)
        }
        #expect(failure?.sequence == 7)
    }

    @Test(arguments: HashLayout.allCases) func aRemovedEventIsFound(layout: HashLayout) throws {
        let failure = try tampered(layout: layout) { txn, events, hashes in
            try txn.delete(bigEndianBytes(12), in: events)
            try hashes.remove(level: 0, index: 11, in: txn)
        }
        #expect(failure?.sequence == 12 && failure?.reason.contains("missing") == true)
        // The newest event removed with its hashes: the head is the last event, so what is left is a
        // shorter log that verifies. A checkpoint taken before finds it (`pledger verify --against`
        // refuses a log shorter than the checkpoint: "events were removed"), as it would a rewritten head.
        let last = try tampered(layout: layout) { txn, events, hashes in
            try txn.delete(bigEndianBytes(20), in: events)
            try hashes.remove(level: 0, index: 19, in: txn)
        }
        #expect(last == nil)
        // Only its hashes removed: the event is there, its leaf hash is not.
        let lastHashes = try tampered(layout: layout) { txn, _, hashes in try hashes.remove(level: 0, index: 19, in: txn) }
        #expect(lastHashes?.sequence == 20 && lastHashes?.reason.contains("no stored leaf hash") == true)
        let leafOnly = try tampered(layout: layout) { txn, _, hashes in try hashes.remove(level: 0, index: 14, in: txn) }
        #expect(leafOnly?.sequence == 15 && leafOnly?.reason.contains("no stored leaf hash") == true)
    }

    @Test(arguments: HashLayout.allCases) func swappedEventsAreFound(layout: HashLayout) throws {
        let failure = try tampered(layout: layout) { txn, events, hashes in
            guard let a = try txn.value(in: events, forKey: bigEndianBytes(4)), let b = try txn.value(in: events, forKey: bigEndianBytes(5)),
                  let la = try hashes.hash(level: 0, index: 3, in: txn), let lb = try hashes.hash(level: 0, index: 4, in: txn) else { return }
            try txn.put(b, forKey: bigEndianBytes(4), in: events)
            try txn.put(a, forKey: bigEndianBytes(5), in: events)
            try hashes.set(lb, level: 0, index: 3, in: txn)
            try hashes.set(la, level: 0, index: 4, in: txn)
        }
        #expect(failure?.sequence == 4 && failure?.reason.contains("those of event 5") == true)
    }

    @Test(arguments: HashLayout.allCases) func anEventAndItsLeafRewrittenTogetherAreCaughtByTheTree(layout: HashLayout) throws {
        let failure = try tampered(layout: layout) { txn, events, hashes in
            guard var bytes = try txn.value(in: events, forKey: bigEndianBytes(10)) else { return }
            bytes[bytes.count / 2] ^= 0x01
            try txn.put(bytes, forKey: bigEndianBytes(10), in: events)
            try hashes.set(LeafHash.of(bytes), level: 0, index: 9, in: txn)
        }
        // Leaf 10 (index 9) is the right child of the level-1 node over events 9–10.
        #expect(failure?.sequence == 9 && failure?.reason.contains("tree node over events 9–10") == true)
    }
}

/// Logs longer than one verification chunk (4,096 events) are hashed chunk by chunk on every core:
/// the root and the named first fault must be those of the event-by-event walk.
@Suite struct ChunkedVerifyTests {

    @Test func theRootOfALongLogIsTheTreeHead() throws {
        let f = try LogFixture()
        try f.log.append((0..<9_000).map { event("s/\($0 % 7)", value: Int64($0)) })
        let verified = try f.log.verify()
        #expect(verified.size == 9_000)
        #expect(verified.root == (try f.log.treeHead()).root)
        #expect(verified.root == (try f.log.treeHead(size: 9_000)).root)
    }

    @Test(arguments: HashLayout.allCases) func faultsInsideFullChunksAreNamedAsInTheWalk(layout: HashLayout) throws {
        let t = TamperTests()
        let changed = try t.tampered(events: 9_000, layout: layout) { txn, events, _ in
            guard var bytes = try txn.value(in: events, forKey: bigEndianBytes(5_000)) else { return }
            bytes[bytes.count / 2] ^= 0x01
            try txn.put(bytes, forKey: bigEndianBytes(5_000), in: events)
        }
        #expect(changed?.sequence == 5_000 && changed?.reason.contains("altered") == true)
        let rewritten = try t.tampered(events: 9_000, layout: layout) { txn, events, hashes in
            guard var bytes = try txn.value(in: events, forKey: bigEndianBytes(6_000)) else { return }
            bytes[bytes.count / 2] ^= 0x01
            try txn.put(bytes, forKey: bigEndianBytes(6_000), in: events)
            try hashes.set(LeafHash.of(bytes), level: 0, index: 5_999, in: txn)
        }
        #expect(rewritten?.sequence == 5_999 && rewritten?.reason.contains("tree node over events 5999–6000") == true)
        // The stored node over the whole first chunk (level 12, index 0) altered.
        let topNode = try t.tampered(events: 9_000, layout: layout) { txn, _, hashes in
            guard var hash = try hashes.hash(level: 12, index: 0, in: txn) else { return }
            hash[0] ^= 0x01
            try hashes.set(hash, level: 12, index: 0, in: txn)
        }
        #expect(topNode?.sequence == 1 && topNode?.reason.contains("events 1–4096") == true)
        // A stored node inside the second chunk removed.
        let missingNode = try t.tampered(events: 9_000, layout: layout) { txn, _, hashes in
            try hashes.remove(level: 3, index: 600, in: txn)
        }
        #expect(missingNode?.sequence == 4_801 && missingNode?.reason.contains("events 4801–4808") == true)
        // A node of level 2 altered inside the first chunk.
        let innerNode = try t.tampered(events: 9_000, layout: layout) { txn, _, hashes in
            guard var hash = try hashes.hash(level: 2, index: 100, in: txn) else { return }
            hash[31] ^= 0x80
            try hashes.set(hash, level: 2, index: 100, in: txn)
        }
        #expect(innerNode?.sequence == 401 && innerNode?.reason.contains("events 401–404") == true)
        // Bytes added to an event's hashes (entries layout only: a legacy hash has its own entry).
        if layout == .entries {
            let longer = try t.tampered(events: 9_000, layout: layout) { txn, _, hashes in
                let key = StoredHashes.hashesKey(6_100)
                guard let entry = try txn.value(in: hashes.events, forKey: key) else { return }
                try txn.put(entry + [UInt8](repeating: 7, count: 32), forKey: key, in: hashes.events)
            }
            #expect(longer?.sequence == 6_100 && longer?.reason.contains("stored hashes are 128 bytes, not 96") == true)
        }
        // An event removed in the middle of a chunk: the events before it are still checked first.
        let missing = try t.tampered(events: 9_000, layout: layout) { txn, events, hashes in
            guard var bytes = try txn.value(in: events, forKey: bigEndianBytes(4_500)) else { return }
            bytes[bytes.count / 2] ^= 0x01
            try txn.put(bytes, forKey: bigEndianBytes(4_500), in: events)
            try txn.delete(bigEndianBytes(4_600), in: events)
            try hashes.remove(level: 0, index: 4_599, in: txn)
        }
        #expect(missing?.sequence == 4_500)
    }
}

@Suite struct TreeBackfillTests {
    /// A ledger written before the tree existed gets its tree when next opened for writing.
    @Test func treeIsBuiltForEventsAppendedBeforeItExisted() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var expected: TreeHead
        do {
            let log = try EventLog.create(at: dir)
            for i in 0..<23 { try log.append(event("s/\(i)")) }
            expected = try log.treeHead()
            // What a pledger-log/1 ledger of that time held: leaf hashes only.
            try StoredHashes.moveToLegacy(log, format: "pledger-log/1")
            let env = log.lmdb
            let tree = try env.database("tree"), meta = try env.database("meta")
            try env.write { txn in
                var keys: [[UInt8]] = []
                try txn.withCursor(tree) { c in
                    var e = try c.first()
                    while let entry = e { keys.append(Array(entry.key)); e = try c.next() }
                }
                for k in keys { try txn.delete(k, in: tree) }
                try txn.delete(Array("tree-size".utf8), in: meta)
            }
            #expect(throws: (any Error).self) { _ = try log.treeHead() }
        }
        let reopened = try EventLog(path: dir)
        #expect(try reopened.treeHead() == expected)
        #expect(try reopened.verify() == expected)
    }
}

/// A log of an earlier format keeps its hashes in `leaves` and `tree`; once opened for writing it is
/// `pledger-log/4`, and the hashes of later events go beside them: the tree over both is RFC 9162's.
@Suite struct HashesUpgradeTests {
    func format(_ log: EventLog) throws -> String? {
        try log.lmdb.read { try $0.value(in: try log.lmdb.database("meta"), forKey: Array("format".utf8)) }.map { String(decoding: $0, as: UTF8.self) }
    }

    func entries(_ log: EventLog, _ name: String) throws -> Int {
        try log.lmdb.read { try $0.statistics(try log.lmdb.database(name)).entries }
    }

    /// How many events have their hashes beside them in `events`.
    func hashesBesideEvents(_ log: EventLog) throws -> Int {
        try log.lmdb.read { txn in
            try txn.withCursor(try log.lmdb.database("events")) { c in
                var count = 0
                var e = try c.first()
                while let entry = e { if entry.key.count == 9 { count += 1 }; e = try c.next() }
                return count
            }
        }
    }

    @Test(arguments: [23, 4_096, 4_101]) func theTreeOverHashesOldAndNewIsTheDefinitionsAndVerifies(earlier: Int) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/log"
        let later = 4_200 - earlier
        do {
            let log = try EventLog.create(at: path)
            try log.append((0..<earlier).map { event("s/\($0 % 5)", value: Int64($0)) })
            // The file as a pledger-log/3 pledger left it.
            try StoredHashes.moveToLegacy(log, format: "pledger-log/3")
        }
        let reader = try EventLog(path: path, configuration: { var c = EventLog.Configuration(); c.readOnly = true; return c }())
        #expect(try format(reader) == "pledger-log/3")
        let before = try reader.verify()
        #expect(before.size == UInt64(earlier))
        #expect(try reader.storedLeafHash(at: 1) != nil)

        let writer = try EventLog(path: path)
        #expect(try format(writer) == EventLog.formatVersion)
        // What the earlier format kept of the head goes: the head is the last event.
        #expect(try writer.lmdb.read { txn in try ["head", "tree-size"].map { try txn.value(in: try writer.lmdb.database("meta"), forKey: Array($0.utf8)) } } == [nil, nil])
        #expect(try writer.head() == reader.head() && writer.head().sequence == UInt64(earlier))
        try writer.append((0..<later).map { event("s/\($0 % 5)", value: Int64(1_000 + $0)) })
        // The earlier events' hashes stayed where they were; each later event has one entry.
        #expect(try entries(writer, "leaves") == earlier && hashesBesideEvents(writer) == later)
        let leaves = try exportLines(writer).map { LeafHash.of($0) }
        #expect(leaves.count == 4_200)
        for n in [1, earlier - 1, earlier, earlier + 1, earlier + 2, 4_096, 4_200] where n >= 1 {
            #expect(try writer.treeHead(size: UInt64(n)).root == Naive.mth(leaves[0..<n]))
        }
        for (m, n) in [(earlier, 4_200), (earlier + 1, 4_200), (1, earlier + 3), (4_199, 4_200)] {
            let inclusion = try writer.inclusionProof(sequence: UInt64(m), treeSize: UInt64(n))
            #expect(inclusion.path == Naive.path(m - 1, leaves[0..<n]) && inclusion.isValid)
            let consistency = try writer.consistencyProof(first: UInt64(m), second: UInt64(n))
            #expect(consistency.path == Naive.subproof(m, leaves[0..<n], true) && consistency.isValid)
        }
        #expect(try writer.verify() == writer.treeHead())
        #expect(try writer.storedLeafHash(at: UInt64(earlier)) == leaves[earlier - 1])
        #expect(try writer.storedLeafHash(at: UInt64(earlier + 1)) == leaves[earlier])
        var scanned: [[UInt8]] = []
        try writer.scanWithLeafHashes { _, _, leaf in scanned.append(Array(leaf)); return true }
        #expect(scanned == leaves)
        // A reader that opened the earlier file read-only, before the upgrade, reads both kinds.
        #expect(try reader.verify() == writer.treeHead())
        #expect(try reader.read(from: UInt64(earlier - 1), limit: 3).map(\.sequence) == [UInt64(earlier - 1), UInt64(earlier), UInt64(earlier + 1)])
        #expect(try reader.read(from: UInt64(earlier + 1), direction: .backward, limit: 3).map(\.sequence) == [UInt64(earlier + 1), UInt64(earlier), UInt64(earlier - 1)])
    }
}
