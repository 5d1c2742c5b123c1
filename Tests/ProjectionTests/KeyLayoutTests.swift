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
        #expect(AuditTrailProjection.stateKey(stream) == name)   // in `audit-states`, by itself (layout 11)
        // Entity 3's event 100,000, effective 2027-03-31 (day 20,908: 0x51AC, the sign bit flipped), and
        // its correction mark; a day before 1970 sorts before it.
        #expect(EventIndexKey.event(3, CalendarDate(daysSinceEpoch: 20_908), 100_000) == [0, 0, 0, 3, 0x80, 0, 0x51, 0xAC] + seq)
        #expect(EventIndexKey.corrected(3) == [0, 0, 0, 3])
        #expect(EventIndexKey.event(3, CalendarDate(daysSinceEpoch: -1), 1).lexicographicallyPrecedes(EventIndexKey.from(3, CalendarDate(daysSinceEpoch: 0))))
        #expect(EventIndexKey.corrected(3).lexicographicallyPrecedes(EventIndexKey.from(3, CalendarDate(daysSinceEpoch: Int64(Int32.min)))))
        let parsed = EventIndexKey.event(3, CalendarDate(daysSinceEpoch: 20_908), 100_000).withUnsafeBytes { EventIndexKey.parse($0) }
        #expect(parsed?.number == 3 && parsed?.day == CalendarDate(daysSinceEpoch: 20_908) && parsed?.sequence == 100_000)
        for day: Int64 in [-1, 0, 1, 20_454, Int64(Int32.min), Int64(Int32.max)] {
            #expect(EventIndexKey.event(7, CalendarDate(daysSinceEpoch: day), 1).withUnsafeBytes { EventIndexKey.parse($0) }?.day == CalendarDate(daysSinceEpoch: day))
        }
        #expect(EventIndexKey.corrected(3).withUnsafeBytes { EventIndexKey.parse($0) } == nil)
    }
}
