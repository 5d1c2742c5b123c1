@testable import AuditTrail
@testable import CurrentState
import EventLog
import Projection
import Testing

/// The stores' key layouts are part of their format (docs/PROJECTIONS.md): the bytes are pinned here,
/// whatever builds them.
@Suite struct KeyLayoutTests {
    @Test func auditAndStateIndexKeysHaveTheirDocumentedBytes() throws {
        let stream = try StreamName(validating: "indicator/IND-03")
        let name = Array("indicator/IND-03".utf8)
        // The block of 32 rows holding event 100,000's: 99,969–100,000, under its first (since layout 15).
        let first: [UInt8] = [0, 0, 0, 0, 0, 1, 0x86, 0x81]   // 99,969 big-endian
        #expect(AuditRowBlock.first(of: 100_000) == 99_969 && AuditRowBlock.first(of: 99_969) == 99_969 && AuditRowBlock.first(of: 100_001) == 100_001)
        #expect(AuditRowBlock.first(of: 1) == 1 && AuditRowBlock.first(of: 32) == 1 && AuditRowBlock.first(of: 33) == 33)
        #expect(AuditRowBlock.key(first: AuditRowBlock.first(of: 100_000)) == [UInt8(ascii: "r")] + first)
        #expect(AuditTrailProjection.stateKey(stream) == name)   // in `audit-states`, by itself (layout 11)
        // Entity 3's correction mark, in `state-events` (since layout 14, its only keys).
        #expect(CorrectionKey.of(3) == [0, 0, 0, 3])
        #expect(CorrectionKey.of(0x0102_0304) == [1, 2, 3, 4])
    }
}
