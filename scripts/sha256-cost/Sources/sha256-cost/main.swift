// Nanoseconds a hash through swift-crypto, hashed as pledger hashes (EventLog's MerkleTree and LeafHash):
// an interior node, 65 bytes in one update; a leaf, a 0x00 byte and a 640-byte event in two updates (as
// verify and a single commit hash it), and in one update of the event's bytes after their prefix (as the
// encoding thread of a batched append hashes it, since Round 50). Three runs of 2,000,000 hashes each.
import Crypto
import Foundation

let count = 2_000_000
let node = [UInt8](repeating: 1, count: 65)
let event = [UInt8](repeating: 7, count: 640)

/// Prints the time a hash of three runs of `hash`; returns a byte of every digest summed, so that no
/// hash can be left out.
func time(_ label: String, _ hash: (Int) -> UInt8) -> UInt8 {
    var sink: UInt8 = 0
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count { sink &+= hash(i) }
        let ns = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count)
        print("swift-crypto \(label): \(String(format: "%.1f", ns)) ns a hash")
    }
    return sink
}

let nodes = node.withUnsafeBytes { bytes in
    time("interior node, 65 bytes") { i in
        var h = SHA256()
        h.update(bufferPointer: bytes)
        return h.finalize().withUnsafeBytes { $0[i & 31] }
    }
}
let leaves = event.withUnsafeBytes { bytes in
    time("leaf, 1 + 640 bytes") { i in
        var h = SHA256()
        withUnsafeBytes(of: UInt8(0)) { h.update(bufferPointer: $0) }
        h.update(bufferPointer: bytes)
        return h.finalize().withUnsafeBytes { $0[i & 31] }
    }
}
let prefixed = [0] + event
let oneUpdate = prefixed.withUnsafeBytes { bytes in
    time("leaf, 641 bytes in one update") { i in
        var h = SHA256()
        h.update(bufferPointer: bytes)
        return h.finalize().withUnsafeBytes { $0[i & 31] }
    }
}
print("(checksum \(nodes &+ leaves &+ oneUpdate))")
