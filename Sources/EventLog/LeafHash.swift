import Crypto

/// RFC 9162 leaf hashes: SHA-256 over a 0x00 byte followed by the leaf's data.
///
/// The data of leaf `n` of pledger's tree is the canonical encoding of the event with sequence
/// number `n`. The prefix keeps leaves and interior nodes (prefix 0x01) apart.
public enum LeafHash {
    public static func of(_ canonicalBytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(canonicalBytes))
        return Array(hasher.finalize())
    }

    public static func of(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { write(bytes, into: $0) }
        return out
    }

    /// Writes the leaf hash of `bytes` into the 32 bytes of `out`, allocating nothing.
    static func write(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: bytes)
        hasher.finalize().withUnsafeBytes { out.copyMemory(from: $0) }
    }

    /// Writes the leaf hash of the event whose bytes follow the 0x00 prefix that `prefixed` begins with
    /// into the 32 bytes of `out`, in one update.
    ///
    /// Why: each update through swift-crypto costs a few hundred instructions beside the hashing, and the
    /// encoding thread (``EncodedAhead``), which writes each event's bytes after the prefix, hashes every
    /// event appended.
    static func write(prefixed: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(prefixed.first == 0, "a leaf's bytes begin with its 0x00 prefix")
        var hasher = SHA256()
        hasher.update(bufferPointer: prefixed)
        hasher.finalize().withUnsafeBytes { out.copyMemory(from: $0) }
    }

    /// Lower-case hexadecimal text of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = CanonicalJSON.hexDigits
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
