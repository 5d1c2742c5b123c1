@testable import EventLog
import PropertyBased
import Testing

/// The table of values by stream name behaves as a `Dictionary` of the same operations: every lookup,
/// count and listing agrees after each step, across growth, removals that move entries back, and names
/// crowded into a few slots.
@Suite struct StreamTableTests {
    /// One step of a random history: set (0), remove (1), read (2), change (3: through the subscript
    /// for an odd value, in place through `withMutableValue` for one that is 2 modulo 4, which changes
    /// only a name held, and through `modifyValue` for a multiple of 4), clear (4).
    static func run(_ steps: [(op: Int, name: Int, value: Int)], names: [StreamName]) {
        var table = StreamTable<[Int]>()
        var reference: [StreamName: [Int]] = [:]
        for (n, step) in steps.enumerated() {
            let name = names[step.name % names.count]
            switch step.op {
            case 0:
                table[name] = [step.value]
                reference[name] = [step.value]
            case 1:
                #expect(table.removeValue(forKey: name) == reference.removeValue(forKey: name), "step \(n)")
            case 2:
                #expect(table[name] == reference[name], "step \(n)")
            case 3:
                if step.value % 2 == 1 {
                    table[name] = (table[name] ?? []) + [step.value]
                    reference[name, default: []].append(step.value)
                } else if step.value % 4 == 2 {
                    let changed = table.withMutableValue(forKey: name) { $0.append(step.value); return $0.count }
                    reference[name]?.append(step.value)
                    #expect(changed == reference[name]?.count, "step \(n)")
                } else {
                    table.modifyValue(forKey: name, default: []) { $0.append(step.value) }
                    reference[name, default: []].append(step.value)
                }
            default:
                table.removeAll(keepingCapacity: step.value % 2 == 0)
                reference.removeAll()
            }
            #expect(table.count == reference.count, "step \(n)")
        }
        for name in names { #expect(table[name] == reference[name], "\(name)") }
        let listed = Dictionary(table.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(listed == reference)
        #expect(table.underestimatedCount == reference.count)
    }

    @Test func agreesWithADictionaryOverRandomHistories() async {
        let names = (0..<300).map { StreamName(stringLiteral: "indicator/I\($0)") }
        // Each step drawn as one number: its operation, name and value are its digits in mixed radix.
        // Clearing is rare (an operation 4 only with a small value), so that tables grow past their first size.
        await propertyCheck(count: 60, input: Gen.int(in: 0...(5 * 300 * 1_001 - 1)).array(of: 1...2_000)) { raw in
            let steps = raw.map { x -> (op: Int, name: Int, value: Int) in
                let op = x % 5, name = x / 5 % 300, value = x / 1_500
                return (op == 4 && value > 20 ? 2 : op, name, value)
            }
            Self.run(steps, names: names)
        }
    }

    /// Three names whose search starts in the last of 8 slots (their run wraps to slot 0) and one whose
    /// search starts in slot 0: whichever is removed, the others must be moved back so that each is
    /// still found, in a table that never grows (four names in eight slots).
    @Test func aRemovalInsideAWrappedRunLeavesEveryOtherNameFindable() throws {
        let probe = StreamTable<Int>()
        var last: [StreamName] = [], found: StreamName?
        var i = 0
        while last.count < 3 || found == nil {
            let name = StreamName(stringLiteral: "milestone/M\(i)")
            switch probe.storage.home(of: name) {
            case 7 where last.count < 3: last.append(name)
            case 0 where found == nil: found = name
            default: break
            }
            i += 1
        }
        let first = try #require(found)
        // Inserted in both orders: slot 0 taken by the wrapped run, or by the name that starts there.
        for names in [last + [first], [first] + last] {
            for removed in names.indices {
                var table = StreamTable<Int>()
                for (k, name) in names.enumerated() { table[name] = k }
                #expect(table.storage.slots == 8)
                #expect(table.removeValue(forKey: names[removed]) == removed)
                for (k, name) in names.enumerated() { #expect(table[name] == (k == removed ? nil : k), "removed \(removed), \(name)") }
                #expect(table.count == 3)
            }
        }
    }

    /// Tables share their storage until one changes: each change, growth and removal included, leaves the
    /// other as it was.
    @Test func aCopyIsUnchangedByChangesToTheOther() {
        func name(_ k: Int) -> StreamName { StreamName(stringLiteral: "component/C\(k)") }
        var a = StreamTable<[Int]>()
        for k in 0..<3 { a[name(k)] = [k] }
        var b = a
        b[name(0)] = [10]
        b[name(9)] = [9]
        #expect(a[name(0)] == [0] && a[name(9)] == nil && a.count == 3)
        let c = b
        for k in 20..<60 { b[name(k)] = [k] }   // grows
        b.removeValue(forKey: name(1))
        #expect(c.count == 4 && c[name(1)] == [1] && c[name(20)] == nil)
        var d = c
        d.removeAll(keepingCapacity: true)
        #expect(d.isEmpty && c.count == 4 && c[name(9)] == [9])
        #expect(b.count == 43 && b[name(1)] == nil && b[name(59)] == [59] && b[name(0)] == [10])
        // Changed in place, a copy is still copied first; a name not held takes the default once.
        var e = b
        e.modifyValue(forKey: name(0), default: []) { $0.append(11) }
        e.modifyValue(forKey: name(70), default: [70]) { $0.append(71) }
        #expect(e[name(0)] == [10, 11] && e[name(70)] == [70, 71] && e.count == 44)
        #expect(b[name(0)] == [10] && b[name(70)] == nil && b.count == 43)
        var f = b
        #expect(f.withMutableValue(forKey: name(0)) { $0.append(12) } != nil)
        #expect(f.withMutableValue(forKey: name(70)) { $0.append(70) } == nil)
        #expect(f[name(0)] == [10, 12] && f[name(70)] == nil && f.count == 43)
        #expect(b[name(0)] == [10])
    }

    /// A table made for a capacity holds it in the slots it started with, and grows at the next name.
    @Test func aTableMadeForACapacityHoldsItWithoutGrowing() {
        var table = StreamTable<Int>(minimumCapacity: 100)
        let slots = table.storage.slots
        for k in 0..<(slots / 2) { table[StreamName(stringLiteral: "s/\(k)")] = k }
        #expect(slots >= 200 && table.storage.slots == slots)
        table[StreamName(stringLiteral: "s/next")] = 0
        #expect(table.storage.slots == 2 * slots)
        for k in 0..<(slots / 2) { #expect(table[StreamName(stringLiteral: "s/\(k)")] == k) }
    }
}
