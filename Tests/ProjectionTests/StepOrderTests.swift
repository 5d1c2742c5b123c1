@testable import CurrentState
import EventLog
import Programme
import PropertyBased
import Testing

/// The current state folds an entity's events in valid-time order (effective day, then sequence
/// number): steps that already come in it are kept as given, others sorted, the same either way.
@Suite struct StepOrderTests {
    typealias Step = CurrentStateProjection.Step

    static func key(_ s: Step) -> [Int64] { [s.effective.daysSinceEpoch, Int64(s.sequence)] }

    @Test func stepsComeOutInValidTimeOrderWhateverOrderTheyCameIn() async {
        // Days from a narrow range (many ties, broken by sequence numbers, which are unique).
        await propertyCheck(count: 400, input: Gen.int(in: 0...6).array(of: 0...12), Gen.int(in: 0...2)) { days, shape in
            var steps = days.enumerated().map { i, day in
                Step(sequence: UInt64(100 - i * 3), effective: CalendarDate(daysSinceEpoch: Int64(day)), change: .effect(.missed))
            }
            if shape == 1 { steps.sort(by: Step.validTimeOrder) }       // already in order
            if shape == 2 { steps.sort(by: { Step.validTimeOrder($1, $0) }) }   // reversed
            let ordered = Step.inValidTimeOrder(steps)
            #expect(ordered.map(Self.key) == steps.sorted(by: Step.validTimeOrder).map(Self.key))
            #expect(ordered.count == steps.count)
            #expect(zip(ordered, ordered.dropFirst()).allSatisfy { Step.validTimeOrder($0, $1) })
        }
    }
}
