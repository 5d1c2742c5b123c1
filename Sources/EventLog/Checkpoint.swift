import Crypto
import Foundation

/// A statement of a log's tree size and root hash at a moment, optionally signed: what an auditor keeps
/// to prove later that the log only grew.
///
/// The text follows the C2SP `tlog-checkpoint` and `signed-note` formats (docs/VERIFY.md):
///
///     pledger/3f2b8c1e-5d4a-4b7e-9c61-0a1b2c3d4e5f
///     150
///     <root hash, base64>
///     time 2026-11-02T09:03:00.000000Z
///
///     — auditor-key <base64 of key id ‖ Ed25519 signature>
///
/// The `time` line is the recorded time of the last event in the tree, so the same log gives the same
/// checkpoint whenever it is made.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: MerkleTree.Hash
    public var time: Timestamp?
    public var signatures: [Signature] = []

    public struct Signature: Sendable, Equatable {
        public var name: String
        public var keyID: [UInt8]
        public var bytes: [UInt8]
    }

    public init(origin: String, size: UInt64, root: MerkleTree.Hash, time: Timestamp?) {
        self.origin = origin
        self.size = size
        self.root = root
        self.time = time
    }

    /// The signed text: origin, size, root, extension lines, each ending in a newline.
    public var body: String {
        var s = origin + "\n" + String(size) + "\n" + Data(root).base64EncodedString() + "\n"
        if let time { s += "time \(time)\n" }
        return s
    }

    /// The whole checkpoint: the body, then a blank line and one line per signature when signed.
    public var text: String {
        guard !signatures.isEmpty else { return body }
        return body + "\n" + signatures.map { "— \($0.name) " + Data($0.keyID + $0.bytes).base64EncodedString() + "\n" }.joined()
    }

    /// Adds a signature by `key`.
    public mutating func sign(with key: NoteSigningKey) throws {
        let signature = try key.privateKey.signature(for: Array(body.utf8))
        signatures.append(Signature(name: key.name, keyID: key.verifier.keyID, bytes: Array(signature)))
    }

    /// Whether a signature by `key` covers this checkpoint's body.
    public func isSigned(by key: NoteVerifierKey) -> Bool {
        signatures.contains { s in
            s.name == key.name && s.keyID == key.keyID && key.publicKey.isValidSignature(s.bytes, for: Array(body.utf8))
        }
    }

    /// Why a checkpoint text could not be read.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "checkpoint line \(line): \(message)" }
    }

    /// Reads a checkpoint's text.
    public init(parsing text: String) throws(FormatError) {
        let lines = text.components(separatedBy: "\n")
        guard lines.count >= 4 else { throw FormatError(line: lines.count, message: "a checkpoint has an origin, a size and a root hash, each on its own line") }
        guard !lines[0].isEmpty, lines[0].utf8.count <= 256 else { throw FormatError(line: 1, message: "the origin line is empty or too long") }
        origin = lines[0]
        guard let n = UInt64(lines[1]), String(n) == lines[1] else { throw FormatError(line: 2, message: "expected the tree size in decimal") }
        size = n
        guard let r = Data(base64Encoded: lines[2]), r.count == 32 else { throw FormatError(line: 3, message: "expected the root hash in base64 (32 bytes)") }
        root = Array(r)
        var i = 3
        time = nil
        while i < lines.count, !lines[i].isEmpty {
            if lines[i].hasPrefix("time ") {
                guard let t = Timestamp(canonical: lines[i].dropFirst(5)) else { throw FormatError(line: i + 1, message: "expected time YYYY-MM-DDTHH:MM:SS.ffffffZ") }
                time = t
            }
            i += 1
        }
        i += 1
        while i < lines.count {
            let line = lines[i]
            if line.isEmpty { i += 1; continue }
            guard line.hasPrefix("— ") else { throw FormatError(line: i + 1, message: "expected a signature line starting with \"— \"") }
            let parts = line.dropFirst(2).split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let blob = Data(base64Encoded: String(parts[1])), blob.count == 68 else {
                throw FormatError(line: i + 1, message: "expected \"— NAME BASE64\" with a 4-byte key id and a 64-byte Ed25519 signature")
            }
            signatures.append(Signature(name: String(parts[0]), keyID: Array(blob.prefix(4)), bytes: Array(blob.dropFirst(4))))
            i += 1
        }
    }
}

/// An Ed25519 key that signs checkpoints, in the signed-note key format:
/// `PRIVATE+KEY+<name>+<key id, 8 hex digits>+<base64 of 0x01 ‖ 32-byte seed>`.
public struct NoteSigningKey {
    public let name: String
    public let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String) throws {
        try NoteVerifierKey.validate(name: name)
        self.name = name
        self.privateKey = Curve25519.Signing.PrivateKey()
    }

    public var verifier: NoteVerifierKey { NoteVerifierKey(name: name, publicKey: privateKey.publicKey) }

    public var text: String {
        "PRIVATE+KEY+\(name)+\(Hex.encode(verifier.keyID))+" + Data([0x01] + Array(privateKey.rawRepresentation)).base64EncodedString()
    }

    public init(parsing text: String) throws {
        // Base64 may itself hold '+': split off the four leading fields only.
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let blob = Data(base64Encoded: String(parts[4])),
              blob.count == 33, blob.first == 0x01 else { throw KeyFormatError("not a signing key: expected PRIVATE+KEY+NAME+KEYID+BASE64") }
        name = String(parts[2])
        privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: blob.dropFirst())
        guard Hex.encode(verifier.keyID) == parts[3] else { throw KeyFormatError("the key id does not match the key") }
    }
}

/// The public half of a ``NoteSigningKey``: `<name>+<key id, 8 hex digits>+<base64 of 0x01 ‖ 32-byte public key>`.
public struct NoteVerifierKey {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey

    init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    /// The first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), as the signed-note format defines it.
    public var keyID: [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, 0x01] + Array(publicKey.rawRepresentation)).prefix(4))
    }

    public var text: String {
        "\(name)+\(Hex.encode(keyID))+" + Data([0x01] + Array(publicKey.rawRepresentation)).base64EncodedString()
    }

    public init(parsing text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let blob = Data(base64Encoded: String(parts[2])), blob.count == 33, blob.first == 0x01 else {
            throw KeyFormatError("not a verifier key: expected NAME+KEYID+BASE64")
        }
        name = String(parts[0])
        publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: blob.dropFirst())
        guard Hex.encode(keyID) == parts[1] else { throw KeyFormatError("the key id does not match the key") }
    }

    static func validate(name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 64, !name.contains("+"), !name.contains(where: \.isWhitespace) else {
            throw KeyFormatError("a key name is 1 to 64 characters with no '+' and no white space")
        }
    }
}

public struct KeyFormatError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension EventLog {
    /// The checkpoint of the tree of `size` events (default: the whole log). Its origin names the log by
    /// its first event's id, which a restored copy keeps.
    public func checkpoint(size: UInt64? = nil, origin: String? = nil) throws -> Checkpoint {
        let head = try treeHead(size: size)
        let last = head.size > 0 ? try event(at: head.size) : nil
        let first = head.size > 0 ? try event(at: 1) : nil
        let name = origin ?? "pledger/" + (first?.id.canonicalString ?? "empty")
        return Checkpoint(origin: name, size: head.size, root: head.root, time: last?.recorded)
    }
}
