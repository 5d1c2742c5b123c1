import EventLog
import Foundation
import Programme
import TestSupport
import Testing

/// A child process appends batches in a loop and is killed with SIGKILL at random moments.
@Suite struct CrashTests {
    static let batchSize = 200
    static let cycles = 50

    @Test func killedWritersLoseNoAcknowledgedBatchAndLeaveNoHalfBatch() throws {
        let dir = try TemporaryDirectory()
        let logPath = dir.path + "/log"
        var random = SeededRandom(seed: 20_260_127)
        var acknowledged: [Int: (UInt64, UInt64)] = [:]
        var killsDuringWrites = 0
        // Added to the wait before each kill after a child killed before its first commit: on a loaded
        // machine a child can take longer than the wait to start, and the kills would land before any write.
        var slack: UInt32 = 0
        var ids = Set<UUID>()
        for cycle in 0..<Self.cycles {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: executable("pledger-stress"))
            // A small bulk-index limit: kills also land in the transactions that write the indexes in
            // bulk, and a new child reads back few waiting entries before it writes; small merge steps:
            // in the middle of merges that go on over transactions, which a new child takes up.
            child.arguments = ["append-loop", logPath, String(Self.batchSize), "42", "--bulk-index-limit", "1000", "--merge-step", "300"]
            let out = Pipe()
            child.standardOutput = out
            child.standardError = FileHandle.nullDevice
            try child.run()
            usleep(UInt32.random(in: 30_000...180_000, using: &random) + slack)
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 4, parts[0] == "committed", let b = Int(parts[1]), let first = UInt64(parts[2]), let last = UInt64(parts[3]) {
                    acknowledged[b] = (first, last)
                }
            }
            if text.isEmpty { slack = min(slack + 50_000, 1_000_000) } else { killsDuringWrites += 1 }
            try checkLedger(logPath, acknowledged: acknowledged, ids: &ids, indexes: cycle % 10 == 9)
        }
        // Guards that the run exercised something, loose enough for a loaded machine.
        #expect(killsDuringWrites >= Self.cycles / 4, "kills should land while the child is writing")
        #expect(acknowledged.count >= 10, "the children should have committed batches")
    }

    /// Opens the ledger after a kill and checks every guarantee: every leaf hash and the absence of gaps
    /// over the whole log, and the content of the events added since the previous check (`ids` holds
    /// the ids seen so far, one per event).
    /// `indexes`: also check the indexes written in bulk against their watermarks (a pass over every event).
    private func checkLedger(_ path: String, acknowledged: [Int: (UInt64, UInt64)], ids: inout Set<UUID>, indexes: Bool) throws {
        let log = try EventLog(path: path)
        let head = try log.head().sequence
        #expect(head % UInt64(Self.batchSize) == 0, "half a batch is visible: head \(head)")
        for (batch, (first, last)) in acknowledged {
            #expect(first == UInt64(batch * Self.batchSize + 1) && last == UInt64((batch + 1) * Self.batchSize))
            #expect(last <= head, "acknowledged batch \(batch) is missing")
        }
        var expected: UInt64 = 1
        let alreadyChecked = UInt64(ids.count)
        try log.scanWithLeafHashes { seq, bytes, leaf in
            #expect(seq == expected, "gap before \(seq)")
            expected = seq + 1
            #expect(Array(leaf) == LeafHash.of(bytes), "leaf hash of \(seq) does not match its bytes")
            guard seq > alreadyChecked else { return true }
            guard let event = try? EventCodec.decodeRecorded(bytes) else {
                Issue.record("event \(seq) does not decode")
                return false
            }
            #expect(ids.insert(event.id).inserted, "event id at \(seq) appears twice")
            let position = Int(seq - 1)
            #expect(event.payload["batch"] == .integer(Int64(position / Self.batchSize)))
            #expect(event.payload["index"] == .integer(Int64(position % Self.batchSize)))
            return true
        }
        #expect(expected - 1 == head)
        #expect(UInt64(ids.count) == head)
        // Each index written in bulk holds exactly the entries its watermarks cover: a kill inside a
        // bulk write leaves it all or nothing, with its watermark.
        guard indexes else { return }
        let counts = try log.indexEntryCounts()
        #expect(counts.map(\.index) == ["ids", "streams", "types", "effective"])
        #expect(counts.allSatisfy { $0.covered == $0.stored }, "\(counts)")
    }
}
