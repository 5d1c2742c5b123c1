/// A proof that an event is in the log: RFC 9162's audit path from its leaf to the root of a tree size.
///
/// Its JSON form (docs/VERIFY.md) is what `pledger prove inclusion` prints and `pledger verify-proof` reads.
public struct InclusionProof: Sendable, Equatable {
    public var sequence: UInt64
    public var treeSize: UInt64
    public var leafHash: MerkleTree.Hash
    public var rootHash: MerkleTree.Hash
    public var path: [MerkleTree.Hash]

    /// Whether the path leads from the leaf hash to the root hash.
    public var isValid: Bool {
        sequence >= 1 && MerkleTree.verifyInclusion(leafHash: leafHash, index: sequence - 1, size: treeSize, proof: path, root: rootHash)
    }

    public var json: JSONValue {
        ["kind": "inclusion", "sequence": .integer(Int64(sequence)), "leafIndex": .integer(Int64(sequence) - 1),
         "treeSize": .integer(Int64(treeSize)), "leafHash": .string(LeafHash.hex(leafHash)),
         "rootHash": .string(LeafHash.hex(rootHash)), "path": .array(path.map { .string(LeafHash.hex($0)) })]
    }

    public init(sequence: UInt64, treeSize: UInt64, leafHash: MerkleTree.Hash, rootHash: MerkleTree.Hash, path: [MerkleTree.Hash]) {
        self.sequence = sequence
        self.treeSize = treeSize
        self.leafHash = leafHash
        self.rootHash = rootHash
        self.path = path
    }

    public init(json: JSONValue) throws(FieldError) {
        let f = try JSONFields(json)
        try f.rejectUnknown(allowing: ["kind", "sequence", "leafIndex", "treeSize", "leafHash", "rootHash", "path"])
        guard try f.string("kind") == "inclusion" else { throw FieldError(field: "kind", "expected \"inclusion\"") }
        sequence = try ProofFields.count(f, "sequence", minimum: 1)
        treeSize = try ProofFields.count(f, "treeSize", minimum: 1)
        if let index = try f.optionalInteger("leafIndex"), index != Int64(sequence) - 1 {
            throw FieldError(field: "leafIndex", "must be sequence − 1 (\(sequence - 1)), got \(index)")
        }
        leafHash = try ProofFields.hash(f, "leafHash")
        rootHash = try ProofFields.hash(f, "rootHash")
        path = try ProofFields.hashes(f, "path")
    }
}

/// A proof that the tree of `firstSize` events is a prefix of the tree of `secondSize` events: the log
/// only grew between the two.
public struct ConsistencyProof: Sendable, Equatable {
    public var firstSize: UInt64
    public var secondSize: UInt64
    public var firstRoot: MerkleTree.Hash
    public var secondRoot: MerkleTree.Hash
    public var path: [MerkleTree.Hash]

    public var isValid: Bool {
        MerkleTree.verifyConsistency(first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot, proof: path)
    }

    public var json: JSONValue {
        ["kind": "consistency", "firstSize": .integer(Int64(firstSize)), "secondSize": .integer(Int64(secondSize)),
         "firstRoot": .string(LeafHash.hex(firstRoot)), "secondRoot": .string(LeafHash.hex(secondRoot)),
         "path": .array(path.map { .string(LeafHash.hex($0)) })]
    }

    public init(firstSize: UInt64, secondSize: UInt64, firstRoot: MerkleTree.Hash, secondRoot: MerkleTree.Hash, path: [MerkleTree.Hash]) {
        self.firstSize = firstSize
        self.secondSize = secondSize
        self.firstRoot = firstRoot
        self.secondRoot = secondRoot
        self.path = path
    }

    public init(json: JSONValue) throws(FieldError) {
        let f = try JSONFields(json)
        try f.rejectUnknown(allowing: ["kind", "firstSize", "secondSize", "firstRoot", "secondRoot", "path"])
        guard try f.string("kind") == "consistency" else { throw FieldError(field: "kind", "expected \"consistency\"") }
        firstSize = try ProofFields.count(f, "firstSize", minimum: 0)
        secondSize = try ProofFields.count(f, "secondSize", minimum: 0)
        firstRoot = try ProofFields.hash(f, "firstRoot")
        secondRoot = try ProofFields.hash(f, "secondRoot")
        path = try ProofFields.hashes(f, "path")
    }
}

enum ProofFields {
    static func count(_ f: JSONFields, _ key: String, minimum: Int64) throws(FieldError) -> UInt64 {
        let n = try f.integer(key)
        guard n >= minimum else { throw FieldError(field: key, "must be \(minimum) or more") }
        return UInt64(n)
    }

    static func hash(_ f: JSONFields, _ key: String) throws(FieldError) -> MerkleTree.Hash {
        guard let h = Hex.decode(try f.string(key)), h.count == 32 else {
            throw FieldError(field: key, "expected 64 lower-case hex digits (a SHA-256 hash)")
        }
        return h
    }

    static func hashes(_ f: JSONFields, _ key: String) throws(FieldError) -> [MerkleTree.Hash] {
        let items = try f.array(key)
        guard items.count <= 128 else { throw FieldError(field: key, "a path has at most 128 hashes") }
        var out: [MerkleTree.Hash] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item, let h = Hex.decode(s), h.count == 32 else {
                throw FieldError(field: "\(key)[\(i)]", "expected 64 lower-case hex digits (a SHA-256 hash)")
            }
            out.append(h)
        }
        return out
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String { LeafHash.hex(bytes) }

    /// The bytes of lower-case hex text, or `nil`.
    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        func digit(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        var i = 0
        while i < u.count {
            guard let hi = digit(u[i]), let lo = digit(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
