import Dispatch

/// A value let go on another thread: freeing what another thread made (events, their payloads' trees,
/// the rules' typed payloads) cost the appending thread hundreds of instructions an event, inside its
/// transaction (callgrind, Rounds 19 and 33 in docs/BENCHMARKS.md).
///
/// The other thread empties the box after the caller's variable has been emptied, so it drops the last
/// reference whichever thread lets go of the box last: a value captured as it was could be released
/// after the block ran, by the caller's thread (as callgrind found 37,000 of 40,000 events'
/// preparations freed there, Round 22).
final class ReleasedElsewhere<Value: Sendable>: @unchecked Sendable {
    private var value: Value?

    private init(_ value: Value) { self.value = value }

    /// Moves `value` into a box that another thread empties, leaving `empty` in its place.
    static func release(_ value: inout Value, leaving empty: Value) {
        let box = ReleasedElsewhere(value)
        value = empty
        DispatchQueue.global().async { box.value = nil }
    }
}
