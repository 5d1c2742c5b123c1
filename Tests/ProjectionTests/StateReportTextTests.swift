@testable import CurrentState
import EventLog
import Foundation
import PropertyBased
import Testing

/// The state report's short names: a stream's name with its kind's prefix taken out wherever it
/// occurs, as Foundation's `replacingOccurrences(of:with:)` takes it out.
@Suite struct StateReportTextTests {
    @Test func shortNamesAreFoundationsReplacements() async {
        let fragment = Gen.int(in: 0...7).map { ["indicator/", "indic", "ator/", "a", "/", "milestone/", "-", "7"][$0] }
        await propertyCheck(count: 500, input: fragment.array(of: 0...8)) { parts in
            let name = StreamName(stringLiteral: "x" + parts.joined())
            for prefixed in [name, StreamName(stringLiteral: "indicator/" + parts.joined() + "z")] {
                #expect(StateReport.removing("indicator/", from: prefixed) == prefixed.rawValue.replacingOccurrences(of: "indicator/", with: ""))
                #expect(StateReport.removing("milestone/", from: prefixed) == prefixed.rawValue.replacingOccurrences(of: "milestone/", with: ""))
            }
        }
        #expect(StateReport.removing("indicator/", from: "indicator/IND-03") == "IND-03")
        #expect(StateReport.removing("indicator/", from: "indicator/a/indicator/b") == "a/b")
        #expect(StateReport.removing("indicator/", from: "indicator/indicator/indicator/") == "")
        #expect(StateReport.removing("milestone/", from: "indicator/M1") == "indicator/M1")
    }
}
