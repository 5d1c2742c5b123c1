import Crypto
import Foundation

extension UUID {
    /// A UUID derived from a name: the first 16 bytes of SHA-256(name), with the version set to 8
    /// (RFC 9562, custom) and the RFC 4122 variant. The same name always gives the same id, so
    /// generated histories (the default ledger, benchmarks) have stable event ids.
    public init(derivedFrom name: String) {
        var b = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x80
        b[8] = (b[8] & 0x3F) | 0x80
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
