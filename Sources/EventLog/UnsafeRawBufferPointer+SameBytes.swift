import Foundation

extension UnsafeRawBufferPointer {
    /// Whether this buffer and `other` hold the same bytes, compared as two blocks of memory (`memcmp`).
    ///
    /// Why: `elementsEqual` goes byte by byte through the generic collection, about 900 instructions
    /// for a 32-byte hash (callgrind of `pledger verify`, Round 37 in docs/BENCHMARKS.md; a restored
    /// line's bytes likewise, Round 31); public for the modules above that compare stored bytes so
    /// (the programme's kept definitions and its table of payload types).
    @inlinable public func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard count > 0, let a = baseAddress, let b = other.baseAddress else { return true }
        return memcmp(a, b, count) == 0
    }
}
