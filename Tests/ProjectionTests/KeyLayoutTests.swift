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
        let seq: [UInt8] = [0, 0, 0, 0, 0, 1, 0x86, 0xA0]   // 100,000 big-endian
        #expect(AuditTrailProjection.rowKey(100_000) == [UInt8(ascii: "r")] + seq)
        #expect(AuditTrailProjection.stateKey(stream) == [UInt8(ascii: "s")] + name)
        #expect(CurrentStateProjection.indexKey(stream, CalendarDate(daysSinceEpoch: 20_908), 100_000)
                == name + [0] + Array("2027-03-31".utf8) + seq)
        #expect(CompositeKey.make("a", suffix: "b") == CompositeKey.make("a", "b"))
    }
}
