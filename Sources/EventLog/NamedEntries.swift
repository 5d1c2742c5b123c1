/// The waiting entries of an index keyed by a name and a sequence number, with empty values (`types`:
/// the type's name; `effective`: the date, `YYYY-MM-DD`): each name's sequence numbers, by range of names.
///
/// Part of ``LogTail``: what the index does not hold yet, found from the newest events.
struct NamedEntries {
    /// How far the index reaches.
    private(set) var watermarks: IndexWatermarks
    /// The waiting sequence numbers of each range's names, each name's in ascending order.
    private var ranges: [[String: [UInt64]]]

    init(watermarks: IndexWatermarks) {
        self.watermarks = watermarks
        ranges = Array(repeating: [:], count: IndexWatermarks.rangeCount)
    }

    /// Records that event `sequence` has an entry under `name`, unless the index holds it.
    mutating func add(_ name: String, at sequence: UInt64) {
        let range = IndexWatermarks.range(ofName: name)
        if sequence > watermarks.through[range] { ranges[range][name, default: []].append(sequence) }
    }

    /// The waiting sequence numbers under `name`, up to `head` and after `indexed`'s range of it.
    func sequences(of name: String, through head: UInt64 = .max, after indexed: IndexWatermarks? = nil) -> [UInt64] {
        let range = IndexWatermarks.range(ofName: name)
        guard let all = ranges[range][name] else { return [] }
        let low = indexed?.through[range] ?? 0
        guard all.first.map({ $0 <= low }) == true || all.last.map({ $0 > head }) == true else { return all }
        return all.filter { $0 > low && $0 <= head }
    }

    /// Every waiting entry whose name `includes` accepts, up to `head` and after `indexed`, in no order.
    func entries(through head: UInt64 = .max, after indexed: IndexWatermarks? = nil,
                 where includes: (String) -> Bool) -> [(name: String, sequence: UInt64)] {
        ranges.indices.flatMap { range in
            let low = indexed?.through[range] ?? 0
            return ranges[range].filter { includes($0.key) }.flatMap { name, sequences in
                sequences.lazy.filter { $0 > low && $0 <= head }.map { (name: name, sequence: $0) }
            }
        }
    }

    /// Drops what an index reaching `indexed` holds, and moves the watermarks there.
    mutating func prune(to indexed: IndexWatermarks) {
        for range in 0..<IndexWatermarks.rangeCount where watermarks.through[range] < indexed.through[range] {
            let low = indexed.through[range]
            ranges[range] = ranges[range].compactMapValues { sequences in
                let waiting = sequences.filter { $0 > low }
                return waiting.isEmpty ? nil : waiting
            }
            watermarks.move(range, to: low)
        }
    }

    /// Removes the waiting entries of `range` and moves its watermark to `through`; returns them in
    /// key order (name, 0x00, big-endian sequence number), for writing into the index.
    mutating func removeRange(_ range: Int, through: UInt64) -> [(key: [UInt8], sequence: UInt64)] {
        let entries = ranges[range].flatMap { name, sequences in sequences.map { (key: Key.named(name, $0), sequence: $0) } }
        ranges[range] = [:]
        watermarks.move(range, to: through)
        return entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}
