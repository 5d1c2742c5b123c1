import EventLog

/// Writes the binary parts of ``EntitySnapshot`` and ``EntityEffect`` into memory reserved for them
/// beforehand: what ``SnapshotReader`` reads back.
///
/// The writer of a value is given a bound on its size (each number at most
/// ``maximumNumberSize`` bytes), and every byte goes through one bounds check against it.
///
/// Why: a replay encodes about a snapshot and an effect an event. Appended to an array one byte at a
/// time, with a uniqueness and capacity check each, a snapshot's few dozen bytes took about 1,700
/// instructions to encode.
struct SnapshotWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The bytes written so far, from `base`.
    private(set) var count = 0

    /// The most bytes one number takes: 128 bits, seven a byte.
    static let maximumNumberSize = 19
    /// The most bytes one decimal takes: its significand, then a scale byte.
    static let maximumDecimalSize = maximumNumberSize + 1

    private init(_ base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// One byte. Writing past the bound given is a programming error, and traps rather than write
    /// outside the memory reserved.
    @inline(__always)
    mutating func byte(_ b: UInt8) {
        precondition(count < capacity, "a snapshot's bytes exceed the bound computed for them")
        base[count] = b
        count += 1
    }

    /// `v` in unsigned LEB128: seven bits a byte, low first, the high bit set on all but the last (read
    /// back by ``SnapshotReader/unsigned()``). In 64-bit arithmetic when it fits, as nearly all do.
    mutating func unsigned(_ v: UInt128) {
        if let small = UInt64(exactly: v) {
            unsigned(small)
        } else {
            var n = v
            while n >= 0x80 { byte(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
            byte(UInt8(truncatingIfNeeded: n))
        }
    }

    /// ``unsigned(_:)-(UInt128)`` of a number that fits 64 bits, written with 64-bit arithmetic alone.
    ///
    /// Why: a replay writes about a dozen numbers a snapshot; passed as 128-bit numbers through a call
    /// each, they took about 1 % of its instructions (callgrind, Round 35 in docs/BENCHMARKS.md).
    @inline(__always)
    mutating func unsigned(_ v: UInt64) {
        var n = v
        while n >= 0x80 { byte(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
        byte(UInt8(truncatingIfNeeded: n))
    }

    /// Replaces the byte written at `index` (a length written before what it counts).
    mutating func set(_ b: UInt8, at index: Int) {
        precondition(index < count, "a byte not written yet")
        base[index] = b
    }

    /// `bytes` as they are.
    mutating func bytes(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(bytes.count <= capacity - count, "a snapshot's bytes exceed the bound computed for them")
        UnsafeMutableRawPointer(base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    /// `v` zigzag-encoded (small magnitudes, few bytes: −1 → 1, 1 → 2), then in unsigned LEB128 (read
    /// back by ``SnapshotReader/signed()``); in 64-bit arithmetic when it fits.
    @inline(__always)
    mutating func signed(_ v: Int128) {
        if let small = Int64(exactly: v) {
            unsigned(UInt64(bitPattern: (small << 1) ^ (small >> 63)))
        } else {
            unsigned(UInt128(bitPattern: (v << 1) ^ (v >> 127)))
        }
    }

    /// A decimal: its significand as ``signed(_:)`` writes it, then its scale as a byte (read back by
    /// ``SnapshotReader/decimal()``).
    mutating func decimal(_ d: ExactDecimal) {
        signed(d.significand)
        byte(UInt8(d.scale))
    }

    /// What `write` writes, at most `bound` bytes, as a new array (one allocation).
    static func bytes(bound: Int, _ write: (inout SnapshotWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            var writer = SnapshotWriter(base, capacity: buffer.count)
            write(&writer)
            initialized = writer.count
        }
    }

    /// What `write` writes, at most `bound` bytes, appended to `out`.
    static func append(bound: Int, to out: inout [UInt8], _ write: (inout SnapshotWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { buffer in
            guard let base = buffer.baseAddress else { return }
            var writer = SnapshotWriter(base, capacity: buffer.count)
            write(&writer)
            out.append(contentsOf: UnsafeBufferPointer(start: base, count: writer.count))
        }
    }

    /// `use` given what `write` writes, at most `bound` bytes, written into `buffer`: memory reused by a
    /// writer of many values in turn (grown when `bound` exceeds it; its contents are scratch).
    ///
    /// Not generic over a result: called from other modules, a generic one ran unspecialized, looking up
    /// the array's type metadata at each call (a few hundred instructions).
    static func withBytes(bound: Int, in buffer: inout [UInt8], _ write: (inout SnapshotWriter) -> Void,
                          _ use: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        if buffer.count < bound { buffer = [UInt8](repeating: 0, count: Swift.max(bound, 2 * buffer.count, 64)) }
        return try buffer.withUnsafeMutableBufferPointer { memory in
            guard let base = memory.baseAddress else { return try use(UnsafeRawBufferPointer(start: nil, count: 0)) }
            var writer = SnapshotWriter(base, capacity: memory.count)
            write(&writer)
            return try use(UnsafeRawBufferPointer(start: base, count: writer.count))
        }
    }
}
