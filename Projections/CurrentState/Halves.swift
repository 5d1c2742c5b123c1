import Foundation
import Programme

/// The results of the two halves of a read split over two threads (each with the decoder pass it
/// made), set from their threads and taken once both are in.
final class Halves<Value: Sendable>: @unchecked Sendable {
    typealias Half = (value: Value, pass: EntitySnapshotDecoder.Pass)
    private let lock = NSLock()
    private var first: Half?
    private var second: Half?

    /// The result of half `w` (0: the first).
    func set(_ w: Int, _ value: consuming Value, _ pass: EntitySnapshotDecoder.Pass) {
        lock.lock()
        if w == 0 { first = (value, pass) } else { second = (value, pass) }
        lock.unlock()
    }

    /// Both results, moved out (so the first half's storage is not shared and grows in place); `nil`
    /// unless both halves were read.
    func take() -> (Half, Half)? {
        lock.lock(); defer { lock.unlock() }
        guard let a = first.take(), let b = second.take() else { return nil }
        return (a, b)
    }
}
