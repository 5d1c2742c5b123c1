/// The waiting entries of an index whose keys begin with a name (`streams`: a stream's, with its
/// version; `types`: a type's; `effective`: a date's, `YYYY-MM-DD`), each name's in the order appended,
/// by range of names.
///
/// Part of ``LogTail``: what the index does not hold yet, found from the newest events.
struct NamedEntries<Name: IndexedName, Entry> {
    /// How far the index reaches.
    private(set) var watermarks: IndexWatermarks
    /// The waiting entries of each range's names, in tables placed by the names' fingerprints
    /// (``NameTable``): a `Dictionary` hashed each name with SipHash, three times an append (callgrind,
    /// Round 22 in docs/BENCHMARKS.md).
    private var ranges: [NameTable<Name, [Entry]>]
    /// The sequence number of an entry's event.
    private let sequence: (Entry) -> UInt64

    init(watermarks: IndexWatermarks, sequence: @escaping (Entry) -> UInt64) {
        self.watermarks = watermarks
        self.sequence = sequence
        ranges = Array(repeating: NameTable(), count: IndexWatermarks.rangeCount)
    }

    /// Records `entry` under `name`, unless the index holds it.
    mutating func add(_ entry: Entry, under name: Name) {
        let r = name.indexRange
        if sequence(entry) > watermarks.through[r] { ranges[r].modifyValue(forKey: name, default: []) { $0.append(entry) } }
    }

    /// The waiting entries under `name`, up to sequence `head` and after `indexed`'s range of it.
    func entries(of name: Name, through head: UInt64 = .max, after indexed: IndexWatermarks? = nil) -> [Entry] {
        let r = name.indexRange
        guard let all = ranges[r][name] else { return [] }
        let low = indexed?.through[r] ?? 0
        guard all.first.map({ sequence($0) <= low }) == true || all.last.map({ sequence($0) > head }) == true else { return all }
        return all.filter { sequence($0) > low && sequence($0) <= head }
    }

    /// Each name that `includes` accepts with its waiting entries up to `head` and after `indexed`, when
    /// it has any, in no order.
    func waiting(through head: UInt64 = .max, after indexed: IndexWatermarks? = nil,
                 where includes: (Name) -> Bool = { _ in true }) -> [(name: Name, entries: [Entry])] {
        ranges.indices.flatMap { r in
            let low = indexed?.through[r] ?? 0
            return ranges[r].compactMap { name, entries -> (name: Name, entries: [Entry])? in
                guard includes(name) else { return nil }
                let window = entries.filter { sequence($0) > low && sequence($0) <= head }
                return window.isEmpty ? nil : (name, window)
            }
        }
    }

    /// Drops what an index reaching `indexed` holds, and moves the watermarks there.
    mutating func prune(to indexed: IndexWatermarks) {
        for r in 0..<IndexWatermarks.rangeCount where watermarks.through[r] < indexed.through[r] {
            let low = indexed.through[r]
            var kept = NameTable<Name, [Entry]>(minimumCapacity: ranges[r].count)
            for (name, entries) in ranges[r] {
                let waiting = entries.filter { sequence($0) > low }
                if !waiting.isEmpty { kept[name] = waiting }
            }
            ranges[r] = kept
            watermarks.move(r, to: low)
        }
    }

    /// Removes the waiting entries of range `r` and moves its watermark to `through`; returns each name
    /// with its entries, the names in key order, for writing into the index.
    ///
    /// A name's entries were appended in the order of their keys (name, 0x00, then a number that only
    /// grows), so the names are sorted, each name's entries kept as they are, not every entry sorted
    /// (with the ids sorted as numbers, a bulk write's instructions −11 %: callgrind, `pledger bench
    /// --events 40000`). `Name`'s order must be its bytes' (``StreamName``'s is; the type names and
    /// dates are ASCII, whose `String` order is): then the names' order is their first keys', since
    /// the 0x00 puts a name before any longer name it begins and no name holds a 0x00. The writer lays
    /// out each entry's key itself (``SequenceChunk``, ``StreamRuns``): none is made here (Round 44 in
    /// docs/BENCHMARKS.md).
    mutating func removeNames(_ r: Int, through: UInt64) -> [(name: Name, entries: [Entry])] {
        let names = ranges[r].sorted { $0.name < $1.name }
        ranges[r].removeAll(keepingCapacity: true)   // refilled to about the same size: not regrown
        watermarks.move(r, to: through)
        return names.map { ($0.name, $0.value) }
    }
}
