import Foundation

/// Sequence numbers by event id: the waiting ids of one range of a ``LogTail``.
///
/// Why: a `Dictionary<UUID, UInt64>` hashes each id with SipHash (a hasher made, fed 16 bytes and
/// finalized), and an append both looks its event's id up and records it: about 1,600 instructions an
/// event of the appending thread (callgrind, Round 21 in docs/BENCHMARKS.md). An id is already 128
/// bits, nearly all of them random in the ids a client makes (version 4; a version 7 id's random half
/// is its last eight bytes); this table places an id by its two halves, mixed with a seed drawn per
/// process and spread by a multiplication, so where ids land is not known in advance.
///
/// Open addressing with linear probing, at most three quarters full (as a `Dictionary` is: a table
/// kept at most half full held up to twice its memory, about 1.4 MiB more after a million appends:
/// Round 21), in one array of three words a slot (the
/// id's two big-endian halves and its sequence number; 0, which no event has, marks an empty slot).
/// Nothing is removed one at a time: a range's ids leave together (``removeAll(keepingCapacity:)``) or
/// by ``filter(keepingAbove:)``, which places the rest again.
struct IDTable {
    /// Three words a slot: high half, low half, sequence number (0: empty).
    private var words: [UInt64]
    /// The number of slots, a power of two.
    private var slots: Int
    /// 64 less the base-2 logarithm of ``slots``: a mixed id shifted right by it is a slot.
    private var shift: UInt64
    /// The number of ids held.
    private(set) var count = 0
    private let seed = idTableSeed

    /// An empty table of 16 slots.
    init() {
        slots = 16
        shift = 60
        words = Array(repeating: 0, count: 3 * 16)
    }

    /// An id's 16 bytes as two big-endian numbers, which compare as the bytes do.
    static func halves(of id: UUID) -> (high: UInt64, low: UInt64) {
        withUnsafeBytes(of: id.uuid) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    /// The first slot to look in for an id.
    private func home(_ high: UInt64, _ low: UInt64) -> Int {
        Int(truncatingIfNeeded: ((((high ^ seed) &* 0x9E37_79B9_7F4A_7C15) ^ low) &* 0xC2B2_AE3D_27D4_EB4F) >> shift)
    }

    /// The slot holding the id, or the empty slot where it would go.
    private func find(_ high: UInt64, _ low: UInt64) -> (slot: Int, found: Bool) {
        words.withUnsafeBufferPointer { w in
            var slot = home(high, low)
            while true {
                let base = 3 * slot
                if w[base + 2] == 0 { return (slot, false) }
                if w[base] == high && w[base + 1] == low { return (slot, true) }
                slot = (slot + 1) & (slots - 1)
            }
        }
    }

    /// The sequence number kept for `id`.
    subscript(id: UUID) -> UInt64? {
        let (high, low) = Self.halves(of: id)
        let (slot, found) = find(high, low)
        return found ? words[3 * slot + 2] : nil
    }

    /// Keeps `sequence` (not 0) for `id`, replacing what was kept.
    mutating func set(_ sequence: UInt64, for id: UUID) {
        precondition(sequence != 0, "sequence numbers start at 1")
        let (high, low) = Self.halves(of: id)
        var (slot, found) = find(high, low)
        if !found {
            if 4 * (count + 1) > 3 * slots {
                grow(to: 2 * slots)
                slot = find(high, low).slot
            }
            count += 1
        }
        write(high, low, sequence, at: slot)
    }

    /// Each id held, as its halves, with its sequence number; in no order.
    var entries: [(high: UInt64, low: UInt64, sequence: UInt64)] {
        var out: [(high: UInt64, low: UInt64, sequence: UInt64)] = []
        out.reserveCapacity(count)
        words.withUnsafeBufferPointer { w in
            for base in stride(from: 0, to: w.count, by: 3) where w[base + 2] != 0 {
                out.append((w[base], w[base + 1], w[base + 2]))
            }
        }
        return out
    }

    /// Removes every id; with `keepingCapacity`, the slots stay allocated.
    mutating func removeAll(keepingCapacity: Bool = false) {
        if keepingCapacity {
            words.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            self = IDTable()
        }
        count = 0
    }

    /// Keeps only the ids whose sequence numbers are above `sequence`.
    mutating func filter(keepingAbove sequence: UInt64) {
        let kept = entries.filter { $0.sequence > sequence }
        removeAll(keepingCapacity: true)
        for entry in kept { place(entry.high, entry.low, entry.sequence) }
    }

    /// Moves every id into a table of `newSlots` slots.
    private mutating func grow(to newSlots: Int) {
        let all = entries
        slots = newSlots
        shift = UInt64(64 - newSlots.trailingZeroBitCount)
        words = Array(repeating: 0, count: 3 * newSlots)
        count = 0
        for entry in all { place(entry.high, entry.low, entry.sequence) }
    }

    /// Puts an id known not to be held into its slot (the table has room).
    private mutating func place(_ high: UInt64, _ low: UInt64, _ sequence: UInt64) {
        write(high, low, sequence, at: find(high, low).slot)
        count += 1
    }

    /// Writes an id's halves and sequence number into `slot`.
    private mutating func write(_ high: UInt64, _ low: UInt64, _ sequence: UInt64, at slot: Int) {
        words.withUnsafeMutableBufferPointer { w in
            w[3 * slot] = high
            w[3 * slot + 1] = low
            w[3 * slot + 2] = sequence
        }
    }
}

/// The seed of every ``IDTable`` of this process.
private let idTableSeed = UInt64.random(in: .min ... .max)
