@testable import CurrentState
import EventLog
import Foundation
import LMDB
import Programme
import Projection
import TestSupport
import Testing

@Suite struct SnapshotKeyTests {
    static let days = ["0001-01-01", "1969-12-31", "1970-01-01", "1970-01-02", "2026-01-27", "2030-12-31", "9999-12-31"].map { CalendarDate.d($0) }
    static let numbers: [UInt32] = [0, 1, 2, 1_000, .max - 1, .max]

    /// Integer order is entity order, and within an entity the newest day first, for days before 1970
    /// too; the day and the number read back from the stored bytes.
    @Test func keysSortByEntityThenNewestDayFirstAndReadBack() throws {
        var keys: [(number: UInt32, day: CalendarDate, key: SnapshotKey)] = []
        for n in Self.numbers { for d in Self.days { keys.append((n, d, SnapshotKey(n, d))) } }
        for a in keys {
            for b in keys {
                let expected = a.number != b.number ? a.number < b.number : a.day > b.day
                #expect((a.key.packed < b.key.packed) == expected, "\(a.number) \(a.day) vs \(b.number) \(b.day)")
            }
            let stored = try #require(a.key.bytes.withUnsafeBytes { SnapshotKey(stored: $0) })
            #expect(stored == a.key && stored.number == a.number && stored.day == a.day)
        }
        for size in [0, 7, 9, 16] {
            #expect([UInt8](repeating: 1, count: size).withUnsafeBytes { SnapshotKey(stored: $0) } == nil)
        }
        // An entity's newest possible key is below every key it has, and above every key of the one before.
        for n in Self.numbers {
            #expect(Self.days.allSatisfy { SnapshotKey.newest(n).packed <= SnapshotKey(n, $0).packed })
            if n > 0 { #expect(Self.days.allSatisfy { SnapshotKey(n - 1, $0).packed < SnapshotKey.newest(n).packed }) }
        }
    }

    @Test func anEntityEntryTooShortForANumberIsAnError() throws {
        for size in 0..<4 {
            #expect(throws: FieldError.self) { try [UInt8](repeating: 0, count: size).withUnsafeBytes { _ = try EntityEntry($0) } }
        }
        let entry = EntityEntry.encode(number: 0x0102_0304, definitions: [9, 8])
        try entry.withUnsafeBytes { v in
            let e = try EntityEntry(v)
            #expect(e.number == 0x0102_0304 && Array(e.definitions) == [9, 8])
        }
    }

    /// A store of layout 7 (snapshot keys compared as bytes) is opened by this version: read-only, its
    /// snapshots are not trusted (the queries fold the log); writable, its databases are made again with
    /// integer keys and rebuilt, and the answers are the log's.
    @Test func aStoreOfTheLayoutBeforeIsMadeAgainWithIntegerKeys() throws {
        let (dir, ledger) = try Scenario.ledger()
        let path = dir.path + "/projections"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        do {
            // Layout 7 had neither `audit-states` (layout 11) nor this layout's flags.
            let old = try Environment(path: path, databases: ProjectionStore.databaseNames.filter { $0 != "audit-states" }.map { Database.Spec($0) })
            try old.write { txn in
                try txn.put(withUnsafeBytes(of: UInt64(7).bigEndian, Array.init), forKey: Array("(layout)".utf8), in: try old.database("checkpoints"))
                try txn.put(withUnsafeBytes(of: UInt64(19).bigEndian, Array.init), forKey: Array("current-state".utf8), in: try old.database("checkpoints"))
                try txn.put([1, 2, 3], forKey: Array("indicator/I\u{0}2026-01-27".utf8), in: try old.database("state-snapshots"))
            }
        }
        let fold = { (asOf: String) throws -> EntityStates in
            try CurrentState.states(log: ledger.log, store: nil, slice: try TimeSlice(asOf: asOf, knownAt: nil).resolve(in: ledger.log))
        }
        let dates = ["2026-01-27", "2026-02-15", "2026-06-30", "2026-12-31", "2027-06-01"]
        do {
            let readOnly = try ProjectionStore(path: path, readOnly: true)
            #expect(!readOnly.current)
            #expect(try readOnly.checkpoint(of: "current-state") == 0)
            for d in dates {
                let slice = try TimeSlice(asOf: d, knownAt: nil).resolve(in: ledger.log)
                #expect(try CurrentState.states(log: ledger.log, store: readOnly, slice: slice) == fold(d))
            }
        }
        do {
            let store = try ProjectionStore(path: path)
            #expect(store.current)
            #expect(try store.checkpoint(of: "current-state") == 0)
            #expect(try store.entries(of: "state-snapshots").isEmpty)
            try catchUpAll(ledger, store)
            for d in dates {
                let fromSnapshots = try CurrentStateProjection.states(asOf: .d(d), store: store)
                #expect(fromSnapshots == (try fold(d)), "as of \(d)")
            }
        }
        // Made again with integer keys: opening it so succeeds.
        _ = try Environment(path: path, databases: [.init("state-snapshots", integerKeys: true)])
    }
}
