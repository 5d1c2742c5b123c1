import Foundation
import TestSupport
import Testing

@Suite struct VerifyCommandTests {
    func demo() throws -> CLIFixture {
        let f = try CLIFixture()
        let r = try f.pledger("demo")
        #expect(r.status == 0)
        return f
    }

    @Test func aByteFlippedInTheDataFileIsNamedByVerify() throws {
        let f = try demo()
        #expect(try f.pledger("verify").stdout.hasPrefix("OK: 150 events; every leaf hash and tree node matches; root "))
        // Event 150 is the only one measuring IND-07 at 63.5; flip a digit of it wherever the page holds it.
        let path = f.ledger + "/log/data.mdb"
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let needle = Data(#""value":"63.5","year":2026}"#.utf8)
        var flipped = 0
        var searchFrom = data.startIndex
        while let range = data.range(of: needle, in: searchFrom..<data.endIndex) {
            data[range.lowerBound + 9] = UInt8(ascii: "7")
            flipped += 1
            searchFrom = range.upperBound
        }
        #expect(flipped >= 1)
        try data.write(to: URL(fileURLWithPath: path))
        let r = try f.pledger("verify")
        #expect(r.status == 5)
        #expect(r.stderr == "pledger: error: verification failed: event 150: its bytes do not match its leaf hash (the event was altered)\n")
    }

    @Test func proofsVerifyOfflineAgainstSignedCheckpoints() throws {
        let f = try demo()
        let key = f.directory.file("auditor")
        func keygen(_ out: String) throws -> ProcessResult { try run(executable("pledger"), ["keygen", "--name", "auditor", "--out", out]) }
        let made = try keygen(key)
        #expect(made.status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int) == 0o600)
        #expect(try keygen(key).status == 1, "never overwrites a key")
        let old = try f.write("old.checkpoint", try f.pledger("checkpoint", "--tree-size", "100", "--key", key).stdout)
        let new = try f.write("new.checkpoint", try f.pledger("checkpoint", "--key", key).stdout)
        let inclusion = try f.write("inclusion.json", try f.pledger("prove", "inclusion", "42", "--tree-size", "100").stdout)
        let consistency = try f.write("consistency.json", try f.pledger("prove", "consistency", "100", "150").stdout)
        let event = try f.write("event42.jsonl", try f.pledger("export", "--from", "42", "--to", "42").stdout)
        // Offline: no --ledger, the ledger is not consulted.
        func verifyProof(_ args: String...) throws -> ProcessResult { try run(executable("pledger"), ["verify-proof"] + args) }
        let ok = try verifyProof(inclusion, "--checkpoint", old, "--key", key + ".pub", "--event", event)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("OK: event 42 is in the log of 100 events with root "))
        #expect(try verifyProof(consistency, "--checkpoint", new, "--old-checkpoint", old, "--key", key + ".pub").status == 0)
        #expect(try f.pledger("verify", "--against", old, "--key", key + ".pub").status == 0)

        // A modified checkpoint, a wrong key, a proof against the wrong checkpoint, another event: all refused.
        let edited = try f.write("edited.checkpoint", try String(contentsOfFile: old, encoding: .utf8).replacingOccurrences(of: "\n100\n", with: "\n101\n"))
        let r1 = try verifyProof(inclusion, "--checkpoint", edited, "--key", key + ".pub")
        #expect(r1.status == 5 && r1.stderr.contains("carries no valid signature by auditor"))
        let other = f.directory.file("other")
        _ = try keygen(other)
        #expect(try verifyProof(inclusion, "--checkpoint", old, "--key", other + ".pub").status == 5)
        #expect(try verifyProof(inclusion, "--checkpoint", new).status == 5)
        let event43 = try f.write("event43.jsonl", try f.pledger("export", "--from", "43", "--to", "43").stdout)
        #expect(try verifyProof(inclusion, "--checkpoint", old, "--event", event43).status == 5)
        #expect(try f.pledger("verify", "--against", edited).status == 5)
    }

    @Test func proofRequestsOutsideTheLogAreClearErrors() throws {
        let f = try demo()
        let r = try f.pledger("prove", "inclusion", "151")
        #expect(r.status == 1)
        #expect(r.stderr == "pledger: error: event 151 is not in a tree of 150 events (sequence numbers run from 1 to 150)\n")
        #expect(try f.pledger("prove", "consistency", "10", "200").stderr == "pledger: error: tree size 200 is beyond the log, which holds 150 events\n")
    }
}
