@testable import Projection
import Testing

/// What the applying thread hands to the reading thread to free: the batch's events and the results
/// kept with it stay alive until `free()`, and are released then, wherever the caller's references went.
@Suite struct AppliedBatchTests {
    final class Tracked: @unchecked Sendable {
        let freed: () -> Void
        init(_ freed: @escaping () -> Void) { self.freed = freed }
        deinit { freed() }
    }

    @Test func keptResultsLiveUntilTheBatchIsFreed() {
        var freedCount = 0
        let batch = AppliedBatch()
        do {
            let first = Tracked { freedCount += 1 }, second = Tracked { freedCount += 1 }
            batch.keep(first)
            batch.keep([second])   // any Sendable: a result as a member computes it
        }
        // The caller's references are gone; the batch still holds both.
        #expect(freedCount == 0)
        batch.free()
        #expect(freedCount == 2)
        batch.free()   // twice is harmless
        #expect(freedCount == 2)
    }
}
