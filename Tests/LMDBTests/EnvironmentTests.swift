import Foundation
import LMDB
import TestSupport
import Testing

@Suite struct EnvironmentTests {
    @Test func writesAreVisibleAfterCommitAndAbortedOnThrow() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path, databases: [.init("kv")])
        let kv = try env.database("kv")
        try env.write { txn in try txn.put(Array("v1".utf8), forKey: Array("k1".utf8), in: kv) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try env.write { txn in
                try txn.put(Array("v2".utf8), forKey: Array("k2".utf8), in: kv)
                throw Boom()
            }
        }
        let (v1, v2) = try env.read { txn in
            (try txn.value(in: kv, forKey: Array("k1".utf8)), try txn.value(in: kv, forKey: Array("k2".utf8)))
        }
        #expect(v1 == Array("v1".utf8))
        #expect(v2 == nil)
    }

    /// A write transaction's id is one more than the last committed change's: a commit that changed
    /// something moves it on by one, a write that threw or changed nothing does not (what a writer relies
    /// on to know that nothing was committed since its own last commit).
    @Test func writeTransactionIDsMoveOnByOneACommittedChange() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path, databases: [.init("kv")])
        let kv = try env.database("kv")
        let first = try env.write { txn in
            try txn.put(Array("v1".utf8), forKey: Array("k1".utf8), in: kv)
            return txn.id
        }
        #expect(try env.write { $0.id } == first + 1, "after a committed change")
        #expect(try env.write { $0.id } == first + 1, "a write that changed nothing committed nothing")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try env.write { txn in
                try txn.put(Array("v2".utf8), forKey: Array("k2".utf8), in: kv)
                throw Boom()
            }
        }
        let next = try env.write { txn in
            try txn.put(Array("v3".utf8), forKey: Array("k3".utf8), in: kv)
            return txn.id
        }
        #expect(next == first + 1, "a write that threw committed nothing")
        #expect(try env.write { $0.id } == first + 2)
        #expect(try env.read { $0.snapshotID } == first + 1, "a reader sees the last committed id")
    }

    /// A helper thread of a writer reads, without waiting, the state the write started from: not the
    /// write's own puts, which it sees once they are committed.
    @Test func aReadThatDoesNotWaitSeesTheStateAWriteStartedFrom() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path, databases: [.init("kv")])
        let kv = try env.database("kv")
        try env.write { txn in try txn.put(Array("v1".utf8), forKey: Array("k".utf8), in: kv) }
        let seen = try env.write { txn in
            try txn.put(Array("v2".utf8), forKey: Array("k".utf8), in: kv)
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var read: [UInt8]?? = nil
            DispatchQueue.global().async {
                read = try? env.readWithoutWaiting { try $0.value(in: kv, forKey: Array("k".utf8)) }
                done.signal()
            }
            done.wait()
            return read
        }
        #expect(seen == .some(Array("v1".utf8)))
        #expect(try env.readWithoutWaiting { try $0.value(in: kv, forKey: Array("k".utf8)) } == .some(Array("v2".utf8)))
    }

    /// Keys stored through a write cursor, many to a leaf, in order and out of it, over keys already
    /// there: the database holds what `put` stores; an existing key with `.noOverwrite` is refused
    /// with a matchable code and changes nothing, and a throw aborts the cursor's puts with the rest.
    @Test func aWriteCursorStoresWhatPutStores() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path, databases: [.init("a"), .init("b")])
        let a = try env.database("a"), b = try env.database("b")
        func key(_ n: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(n).bigEndian, Array.init) }
        // Even keys first, then every key from 5,000 down, then the odd keys up: new leaves, full ones
        // split, and keys before and after the cursor's leaf.
        let order = Array(stride(from: 0, to: 6_000, by: 2)) + Array((0..<5_000).reversed()) + Array(stride(from: 1, to: 6_000, by: 2))
        try env.write { txn in
            try txn.withWriteCursor(a) { c in for n in order { try c.put(Array(repeating: UInt8(n % 251), count: n % 40), forKey: key(n)) } }
            for n in order { try txn.put(Array(repeating: UInt8(n % 251), count: n % 40), forKey: key(n), in: b) }
        }
        func all(_ db: Database) throws -> [[UInt8]] {
            try env.read { txn in try txn.withCursor(db) { c in
                var out: [[UInt8]] = []
                var e = try c.first()
                while let entry = e { out.append(Array(entry.key) + [0xFF] + Array(entry.value)); e = try c.next() }
                return out
            } }
        }
        let stored = try all(a)
        let plain = try all(b)
        #expect(stored.count == 6_000 && stored == plain)
        do {
            try env.write { txn in
                try txn.withWriteCursor(a) { c in
                    try c.put([7], forKey: key(6_001))
                    try c.put([9], forKey: key(10), flags: .noOverwrite)
                }
            }
            Issue.record("expected MDB_KEYEXIST")
        } catch LMDBError.Code.keyExists {
            // expected
        }
        #expect(try all(a) == stored, "the refused batch left nothing, not even its first put")
    }

    /// Commits flush their pages, and by default their meta pages too, as LMDB reports the flags; an
    /// environment opened without `syncsMetaEachCommit` leaves only the meta flush to the next commit or
    /// `sync()`, and what it committed is there when it is opened again.
    @Test func commitsSyncTheirMetaPageUnlessOpenedNotTo() throws {
        let dir = try TemporaryDirectory()
        let durable = try Environment(path: dir.path, databases: [.init("kv")])
        #expect(durable.syncsEachCommit && durable.syncsMetaEachCommit)
        var options = Environment.Options()
        options.syncsMetaEachCommit = false
        try FileManager.default.createDirectory(atPath: dir.path + "/b", withIntermediateDirectories: true)
        do {
            let env = try Environment(path: dir.path + "/b", options: options, databases: [.init("kv")])
            #expect(env.syncsEachCommit && !env.syncsMetaEachCommit)
            let kv = try env.database("kv")
            for n in 0..<3 as Range<UInt8> { try env.write { txn in try txn.put([n], forKey: [n], in: kv) } }
            try env.sync()
        }
        let again = try Environment(path: dir.path + "/b", databases: [.init("kv")])
        #expect(again.syncsMetaEachCommit)
        let kv = try again.database("kv")
        #expect(try again.read { txn in try (0..<3 as Range<UInt8>).map { try txn.value(in: kv, forKey: [$0]) } } == [[0], [1], [2]])
    }

    @Test func appendFlagRejectsOutOfOrderKeysWithMatchableCode() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path, databases: [.init("log")])
        let log = try env.database("log")
        try env.write { txn in try txn.put([1], forKey: [0, 2], in: log, flags: .append) }
        do {
            try env.write { txn in try txn.put([1], forKey: [0, 1], in: log, flags: .append) }
            Issue.record("expected MDB_KEYEXIST")
        } catch LMDBError.Code.keyExists {
            // expected
        }
    }

    /// LMDB keeps the flags a database was made with: asking for integer keys on a database made
    /// without them is refused, not silently compared as bytes; deleted, it is made again with them.
    @Test func integerKeysOnADatabaseMadeWithoutThemAreRefusedUntilItIsMadeAgain() throws {
        let dir = try TemporaryDirectory()
        func keys(_ env: Environment) throws -> [UInt64] {
            let db = try env.database("n")
            return try env.read { txn in
                try txn.withCursor(db) { c in
                    var out: [UInt64] = []
                    var e = try c.first()
                    while let entry = e { out.append(entry.key.loadUnaligned(as: UInt64.self)); e = try c.next() }
                    return out
                }
            }
        }
        let numbers: [UInt64] = [256, 1, 65_536, 2]
        do {
            let env = try Environment(path: dir.path, databases: [.init("n")])
            let db = try env.database("n")
            try env.write { txn in for n in numbers { try txn.put([], forKey: withUnsafeBytes(of: n, Array.init), in: db) } }
            #expect(try keys(env) == [65_536, 256, 1, 2])   // little-endian bytes, compared as bytes
        }
        do {
            _ = try Environment(path: dir.path, databases: [.init("n", integerKeys: true)])
            Issue.record("expected MDB_INCOMPATIBLE")
        } catch LMDBError.Code.incompatible {
            // expected
        }
        do {
            let env = try Environment(path: dir.path, databases: [.asStored("n")])
            #expect(try keys(env).count == 4)
            try env.write { txn in try txn.deleteDatabase(try env.database("n")) }
        }
        let env = try Environment(path: dir.path, databases: [.init("n", integerKeys: true)])
        let db = try env.database("n")
        #expect(try keys(env).isEmpty)
        try env.write { txn in for n in numbers { try txn.put([], forKey: withUnsafeBytes(of: n, Array.init), in: db) } }
        #expect(try keys(env) == numbers.sorted())
    }

    @Test func mapGrowsByItselfWhenFull() throws {
        let dir = try TemporaryDirectory()
        var options = Environment.Options()
        options.mapSize = 64 * 1024
        let env = try Environment(path: dir.path, options: options, databases: [.init("big")])
        let big = try env.database("big")
        let value = [UInt8](repeating: 7, count: 4000)
        for i in 0..<200 {
            try env.write { txn in
                var key = UInt64(i).bigEndian
                try withUnsafeBytes(of: &key) { k in
                    try value.withUnsafeBytes { v in try txn.put(v, forKey: k, in: big) }
                }
            }
        }
        #expect(env.info().mapSize > 64 * 1024)
        let count = try env.read { try $0.statistics(big).entries }
        #expect(count == 200)
    }

    @Test func cursorSeeksAndWalksInKeyOrder() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path, databases: [.init("s")])
        let s = try env.database("s")
        try env.write { txn in
            for k in [[1], [3], [5]] as [[UInt8]] { try txn.put(k, forKey: k, in: s) }
        }
        let walked: [[UInt8]] = try env.read { txn in
            try txn.withCursor(s) { c in
                var out: [[UInt8]] = []
                var e = try c.seek(atLeast: [2])
                while let entry = e { out.append(Array(entry.key)); e = try c.next() }
                out.append(try c.seek(atMost: [4]).map { Array($0.key) } ?? [])
                out.append(try c.seek(atMost: [9]).map { Array($0.key) } ?? [])
                return out
            }
        }
        #expect(walked == [[3], [5], [3], [5]])
    }

    @Test func readOnlyEnvironmentCannotWrite() throws {
        let dir = try TemporaryDirectory()
        _ = try Environment(path: dir.path, databases: [.init("kv")])
        var options = Environment.Options()
        options.readOnly = true
        let ro = try Environment(path: dir.path, options: options, databases: [.init("kv")])
        let kv = try ro.database("kv")
        #expect(throws: LMDBError.self) {
            try ro.write { txn in try txn.put([1], forKey: [1], in: kv) }
        }
    }

    @Test func missingDirectoryIsAnErrorNamingTheCode() throws {
        #expect {
            _ = try Environment(path: "/nonexistent/\(UUID().uuidString)", databases: [])
        } throws: { error in
            LMDBError.Code.noEntry ~= error && "\(error)".contains("mdb_env_open")
        }
    }
    /// Workers beside a read transaction each read in one of their own and see what was committed; a
    /// worker's error reaches the caller, and the environment is usable afterwards.
    @Test func concurrentReadersBesideAReadTransaction() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path, databases: [.init("kv")])
        let kv = try env.database("kv")
        try env.write { txn in
            for i in 0..<100 { try txn.put([UInt8(i)], forKey: [UInt8(i)], in: kv) }
        }
        final class Sums: @unchecked Sendable {
            let lock = NSLock()
            var values: [Int: Int] = [:]
            func add(_ v: Int, worker: Int) { lock.lock(); values[worker, default: 0] += v; lock.unlock() }
        }
        let sums = Sums()
        try env.read { txn in
            try txn.concurrently(workers: 3) { w, own in
                for i in stride(from: w, to: 100, by: 3) {
                    guard let v = try own.value(in: kv, forKey: [UInt8(i)]) else { continue }
                    sums.add(Int(v[0]), worker: w)
                }
            }
        }
        #expect(sums.values.count == 3)
        #expect(sums.values.values.reduce(0, +) == (0..<100).reduce(0, +))
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try env.read { txn in
                try txn.concurrently(workers: 2) { w, _ in if w == 1 { throw Boom() } }
            }
        }
        try env.write { txn in try txn.put([7], forKey: [200], in: kv) }
        #expect(try env.read { txn in try txn.value(in: kv, forKey: [200]) } == [7])
    }
}
