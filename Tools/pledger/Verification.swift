import ArgumentParser
import EventLog
import Foundation
import Programme

struct Checkpoints: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the log's checkpoint: tree size, root hash and time, optionally signed (C2SP checkpoint format).")

    @OptionGroup var ledger: LedgerOptions
    @Option(name: .customLong("tree-size"), help: "Checkpoint the first N events (default: all).") var treeSize: UInt64?
    @Option(help: ArgumentHelp("Sign with this private key file (from `pledger keygen`).", valueName: "file")) var key: String?
    @Option(help: "The origin line (default: pledger/<id of event 1>).") var origin: String?

    func run() throws {
        try reportingErrors {
            let log = try ledger.open(readOnly: true).log
            var checkpoint = try log.checkpoint(size: treeSize, origin: origin)
            if let key {
                let text = String(decoding: try readInput(key), as: UTF8.self)
                try checkpoint.sign(with: try NoteSigningKey(parsing: text))
            }
            print(checkpoint.text, terminator: "")
        }
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for signing checkpoints: FILE (private, mode 0600) and FILE.pub.")

    @Option(help: "The key's name, shown in signatures.") var name: String
    @Option(help: ArgumentHelp("Where to write the private key; the public key goes to FILE.pub.", valueName: "file")) var out: String

    func run() throws {
        try reportingErrors {
            let key = try NoteSigningKey(name: name)
            try writeNew(out, key.text + "\n", mode: 0o600)
            try writeNew(out + ".pub", key.verifier.text + "\n", mode: 0o644)
            print("Wrote the private key to \(out) (readable by its owner only) and the public key to \(out).pub:")
            print(key.verifier.text)
        }
    }

    /// Creates `path` with `mode`, refusing to replace an existing file.
    func writeNew(_ path: String, _ text: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw CLIError.invalid("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fchmod(fd, mode)
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count, fsync(fd) == 0 else {
            throw CLIError.invalid("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print an RFC 9162 proof as JSON.",
        subcommands: [Inclusion.self, Consistency.self])

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "inclusion", abstract: "Prove that event SEQ is in the tree of --tree-size events (default: all).")
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The event's sequence number.") var seq: UInt64
        @Option(name: .customLong("tree-size"), help: "The tree size (default: the whole log).") var treeSize: UInt64?

        func run() throws {
            try reportingErrors {
                let proof = try ledger.open(readOnly: true).log.inclusionProof(sequence: seq, treeSize: treeSize)
                print(String(decoding: CanonicalJSON.encode(proof.json), as: UTF8.self))
            }
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "consistency", abstract: "Prove that the tree of OLD events is a prefix of the tree of NEW events.")
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The earlier tree size.") var old: UInt64
        @Argument(help: "The later tree size.") var new: UInt64

        func run() throws {
            try reportingErrors {
                let proof = try ledger.open(readOnly: true).log.consistencyProof(first: old, second: new)
                print(String(decoding: CanonicalJSON.encode(proof.json), as: UTF8.self))
            }
        }
    }
}

struct VerifyProof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check a proof offline against a checkpoint, without the ledger.",
        discussion: """
            An inclusion proof must lead to the checkpoint's root at the checkpoint's size; with --event, the \
            leaf hash must be that of the given export line. A consistency proof must end at the checkpoint; \
            with --old-checkpoint, it must start at that one. With --key, the checkpoints must carry a valid \
            signature by that key.
            """)

    @Argument(help: ArgumentHelp("The proof, as printed by `pledger prove` (- for standard input).", valueName: "proof")) var proof: String
    @Option(help: ArgumentHelp("The checkpoint the proof must end at.", valueName: "file")) var checkpoint: String
    @Option(name: .customLong("old-checkpoint"), help: ArgumentHelp("For a consistency proof: the earlier checkpoint.", valueName: "file")) var oldCheckpoint: String?
    @Option(help: ArgumentHelp("A public key file (FILE.pub); the checkpoints must be signed by it.", valueName: "file")) var key: String?
    @Option(help: ArgumentHelp("For an inclusion proof: a file holding the event's export line.", valueName: "file")) var event: String?

    func run() throws {
        try reportingErrors {
            let value = try JSONParser.parse(try readInput(proof))
            let verifier = try key.map { try NoteVerifierKey(parsing: String(decoding: try readInput($0), as: UTF8.self)) }
            let new = try loadCheckpoint(checkpoint, verifier)
            switch value["kind"] {
            case .string("inclusion"):
                let p = try InclusionProof(json: value)
                guard p.isValid else { throw VerificationFailed("the inclusion proof does not lead from the leaf to the root") }
                guard p.treeSize == new.size, p.rootHash == new.root else {
                    throw VerificationFailed("the proof is for tree size \(p.treeSize), root \(Hex.encode(p.rootHash)); the checkpoint says size \(new.size), root \(Hex.encode(new.root))")
                }
                if let event {
                    let line = try readInput(event).filter { $0 != 0x0A && $0 != 0x0D }
                    guard LeafHash.of(line) == p.leafHash else { throw VerificationFailed("the event's leaf hash is not the proof's leaf hash") }
                    guard try EventCodec.decodeLine(line).stamp?.sequence == p.sequence else {
                        throw VerificationFailed("the event line is not event \(p.sequence)")
                    }
                }
                print("OK: event \(p.sequence) is in the log of \(p.treeSize) events with root \(Hex.encode(p.rootHash))" + (verifier == nil ? "." : ", signed by \(new.signatures.map(\.name).joined(separator: ", "))."))
            case .string("consistency"):
                let p = try ConsistencyProof(json: value)
                guard p.isValid else { throw VerificationFailed("the consistency proof does not hold") }
                guard p.secondSize == new.size, p.secondRoot == new.root else {
                    throw VerificationFailed("the proof ends at tree size \(p.secondSize); the checkpoint says size \(new.size) with another root or size")
                }
                if let oldCheckpoint {
                    let old = try loadCheckpoint(oldCheckpoint, verifier)
                    guard p.firstSize == old.size, p.firstRoot == old.root else {
                        throw VerificationFailed("the proof starts at tree size \(p.firstSize); the old checkpoint says size \(old.size) with another root or size")
                    }
                }
                print("OK: the log of \(p.firstSize) events is a prefix of the log of \(p.secondSize) events.")
            default:
                throw FieldError(field: "kind", "expected \"inclusion\" or \"consistency\"")
            }
        }
    }

    func loadCheckpoint(_ path: String, _ key: NoteVerifierKey?) throws -> Checkpoint {
        let c = try Checkpoint(parsing: String(decoding: try readInput(path), as: UTF8.self))
        if let key, !c.isSigned(by: key) { throw VerificationFailed("\(path) carries no valid signature by \(key.name)") }
        return c
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every leaf hash and the whole tree from the stored events; name the first bad event.",
        discussion: "With --against, also prove that today's log extends that earlier checkpoint.")

    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("An earlier checkpoint the log must extend.", valueName: "file")) var against: String?
    @Option(help: ArgumentHelp("A public key file; the checkpoint must be signed by it.", valueName: "file")) var key: String?

    func run() throws {
        try reportingErrors {
            let log = try ledger.open(readOnly: true).log
            // Read and authenticate the checkpoint before the long pass over the log.
            let checkpoint = try against.map { path in
                let c = try Checkpoint(parsing: String(decoding: try readInput(path), as: UTF8.self))
                if let key {
                    let verifier = try NoteVerifierKey(parsing: String(decoding: try readInput(key), as: UTF8.self))
                    guard c.isSigned(by: verifier) else { throw VerificationFailed("\(path) carries no valid signature by \(verifier.name)") }
                }
                return c
            }
            let head = try log.verify()
            print("OK: \(head.size) events; every leaf hash and tree node matches; root \(Hex.encode(head.root)).")
            if let c = checkpoint {
                guard c.size <= head.size else {
                    throw VerificationFailed("the checkpoint has \(c.size) events, the log only \(head.size): events were removed")
                }
                let old = try log.treeHead(size: c.size)
                guard old.root == c.root else {
                    throw VerificationFailed("the log's first \(c.size) events no longer hash to the checkpoint's root: history was rewritten")
                }
                let proof = try log.consistencyProof(first: c.size, second: head.size)
                guard proof.isValid else { throw VerificationFailed("the consistency proof from \(c.size) to \(head.size) does not hold") }
                print("OK: the log extends the checkpoint of \(c.size) events (consistency proof of \(proof.path.count) hashes checked).")
            }
        }
    }
}

/// A check that failed: the ledger or proof is not what it claims.
struct VerificationFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
