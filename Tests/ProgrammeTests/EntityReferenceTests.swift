import EventLog
import Programme
import Testing

@Suite struct EntityReferenceTests {
    /// A stream names an entity when its part before the first `/` is exactly a kind and a code follows.
    @Test func streamNamesAreReadAsKindAndCode() throws {
        for kind in EntityKind.allCases {
            let reference = try #require(EntityReference(stream: try StreamName(validating: "\(kind.rawValue)/X-1/a")))
            #expect(reference.kind == kind)
            #expect(reference.code == "X-1/a")
        }
        for name in ["indicator", "indicator/", "indicators/IND-01", "indicato/IND-01", "Indicator/IND-01", "x/indicator/IND-01", "decisionx/D",
                     "i/IND-01", "milestonE/M-1", "programmes/P", "organisatio/O", "allocation"] {
            #expect(EntityReference(stream: try StreamName(validating: name)) == nil, "\(name)")
        }
    }
}
