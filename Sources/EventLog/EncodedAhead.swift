import Dispatch
import Foundation

/// A batch's events encoded on another thread, ahead of the appending loop, each with the stamp it is
/// predicted to get (its canonical bytes and leaf hash), and prepared for the rules.
///
/// Encoding an event and hashing its bytes was about a fifth of an append's instructions, and the
/// appending loop keeps one core busy on a machine of two. Before the loop, the stamps are predicted
/// from the head and the streams' versions as if every event were written in turn; another thread
/// encodes the events in chunks while the loop checks the rules, and prepares each event for them
/// (``AppendRules/prepare(_:)``: the programme's rules decode its payload there, a tenth of the loop's
/// instructions). The loop takes an event's bytes only when the stamp it has just computed is the
/// predicted one (an event already in the log, which is not written again, shifts the stamps after it:
/// those are encoded in the loop as before), so what is written is what encoding in the loop would
/// write.
final class EncodedAhead: @unchecked Sendable {
    /// An event's predicted stamp: its place and time, as a restored event carries them.
    typealias Stamp = ProposedEvent.Stamp

    /// Events encoded by the other thread at a time.
    static let chunkSize = 32
    /// Batches smaller than this are encoded in the loop (single commits among them): handing work to
    /// another thread cost about 98 µs here (200 dispatches timed; docs/BENCHMARKS.md, "Round 14").
    static let minimumBatch = 64

    /// One chunk's encodings and rule preparations, written by the other thread before `done` is
    /// signalled.
    ///
    /// The chunk's events' bytes lie end to end in one buffer, and their leaf hashes inline: an array
    /// an event, made on the other thread, was freed on the appending one (callgrind, Round 19 in
    /// docs/BENCHMARKS.md).
    ///
    /// Each property is written by one thread before `done` is signalled and read by the other after
    /// waiting for it (`waited` by the appending thread alone), so no access overlaps another: the
    /// runtime's check of each access (about 150 instructions, five times an event on each thread:
    /// callgrind, Round 21 in docs/BENCHMARKS.md) is left out.
    private final class Chunk: @unchecked Sendable {
        @exclusivity(unchecked) var bytes: [UInt8] = []
        /// Where each event's bytes end in ``bytes``.
        @exclusivity(unchecked) var ends: [Int] = []
        @exclusivity(unchecked) var leafHashes: [InlineHash] = []
        @exclusivity(unchecked) var prepared: [(any AnyObject & Sendable)?] = []
        /// Whether each event's envelope passed ``ProposedEvent/validateEnvelope()``.
        @exclusivity(unchecked) var envelopeValid: [Bool] = []
        /// The sequence number the `ids` index holds for each event's id (nil: none), when it was read
        /// (``IndexedIDs``).
        @exclusivity(unchecked) var indexed: [UInt64?]?
        let done = DispatchSemaphore(value: 0)
        @exclusivity(unchecked) var waited = false
    }

    private let stamps: [Stamp]
    /// Read and emptied by the appending thread alone (the other thread has its own copy), and no
    /// access overlaps another: the runtime's check of each access is left out.
    @exclusivity(unchecked) private var chunks: [Chunk]
    private let stopLock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    private var waitedForFinish = false

    /// Reads the sequence numbers that the `ids` index holds for these ids (nil for an id it does not
    /// hold), as the appending transaction sees the index; nil when they cannot be read without waiting.
    ///
    /// Why: finding out whether an event is already in the log looks its id up in the `ids` index, a
    /// search of a tree whose leaves the random ids spread over: about a tenth of a 1,000-event append's
    /// time on the appending thread (timed, Round 21 in docs/BENCHMARKS.md). The index does not change
    /// during the appending loop (the indexes are written in bulk after it), and no transaction commits
    /// while one writes, so a read transaction begun on the other thread sees the index as the loop does.
    typealias IndexedIDs = @Sendable (_ ids: [UUID]) -> [UInt64?]?

    /// Starts encoding `batch` with `stamps` (one each) on another thread, preparing each event for
    /// `rules` (``AppendRules/prepare(_:)``) and reading what the `ids` index holds of its id with
    /// `indexed`.
    init(_ batch: [ProposedEvent], stamps: [Stamp], rules: (any AppendRules)? = nil, indexed: IndexedIDs? = nil) {
        self.stamps = stamps
        let count = min(batch.count, stamps.count)
        chunks = stride(from: 0, to: count, by: Self.chunkSize).map { _ in Chunk() }
        let chunks = self.chunks
        DispatchQueue.global().async { [self] in
            defer { finished.signal() }
            for (n, chunk) in chunks.enumerated() {
                // Whatever happens, every chunk is signalled: a stop leaves the rest empty.
                defer { chunk.done.signal() }
                guard !isStopped else { continue }
                let start = n * Self.chunkSize
                let end = min(start + Self.chunkSize, count)
                chunk.indexed = indexed?(batch[start..<end].map(\.id))
                chunk.bytes.reserveCapacity(768 * (end - start))
                for i in start..<end {
                    // Read once: each read of `batch[i]` copied the event (a retain of each of its
                    // strings and its payload), three times an event (callgrind, Round 23).
                    let event = batch[i]
                    let from = chunk.bytes.count
                    EventCodec.encode(event, sequence: stamps[i].sequence, recorded: stamps[i].recorded, version: stamps[i].version,
                                      appendingTo: &chunk.bytes)
                    chunk.ends.append(chunk.bytes.count)
                    chunk.leafHashes.append(chunk.bytes.withUnsafeBytes { all in
                        InlineHash { LeafHash.write(UnsafeRawBufferPointer(rebasing: all[from...]), into: $0) }
                    })
                    chunk.prepared.append(rules?.prepare(event))
                    chunk.envelopeValid.append((try? event.validateEnvelope()) != nil)
                }
            }
        }
    }

    /// The stamp each event of `batch` gets if every one is written in turn after `head`, as the
    /// appending loop computes it: a restored event's own; otherwise the next sequence number, the
    /// stream's next version (`version` reads a stream's version before the batch), and `now` or just
    /// after the time recorded before.
    static func stamps(of batch: [ProposedEvent], after head: LogHead, now: Timestamp,
                       version: (StreamName) throws -> UInt64) rethrows -> [Stamp] {
        var last = Stamp(sequence: head.sequence, recorded: head.recorded, version: 0)
        var written = StreamTable<UInt64>(minimumCapacity: batch.count)   // growing it was a sixth of this function (callgrind)
        var stamps: [Stamp] = []
        stamps.reserveCapacity(batch.count)
        for event in batch {
            if let stamp = event.stamp {
                last = stamp
            } else {
                let current = try written[event.stream] ?? version(event.stream)
                last = Stamp(sequence: last.sequence + 1,
                             recorded: max(now, Timestamp(microsecondsSinceEpoch: last.recorded.microsecondsSinceEpoch + 1)),
                             version: current + 1)
            }
            written[event.stream] = last.version
            stamps.append(last)
        }
        return stamps
    }

    /// `body` given the bytes and the 32-byte leaf hash of event `index` encoded ahead, read in place,
    /// if `stamp` is the one predicted for it; else nil, and `body` is not called.
    func withEncoded<R>(at index: Int, stamp: Stamp,
                        _ body: (_ bytes: UnsafeRawBufferPointer, _ leafHash: UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard index < stamps.count, stamps[index] == stamp, let (chunk, i) = finishedChunk(of: index), i < chunk.ends.count
        else { return nil }
        let range = (i == 0 ? 0 : chunk.ends[i - 1]) ..< chunk.ends[i]
        return try chunk.bytes.withUnsafeBytes { all in
            try chunk.leafHashes[i].withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: all[range]), $0) }
        }
    }

    /// What the rules prepared of event `index` (whatever its stamp: it depends on the event alone).
    func prepared(at index: Int) -> (any AnyObject & Sendable)? {
        guard let (chunk, i) = finishedChunk(of: index), i < chunk.prepared.count else { return nil }
        return chunk.prepared[i]
    }

    /// Whether event `index`'s envelope was found valid ahead (whatever its stamp: it depends on the
    /// event alone); false when it was not, or not checked: the loop then checks it, and reports what
    /// is wrong, in its place.
    ///
    /// Why: checking a type name and three texts was about 2 % of the appending thread's instructions
    /// (callgrind, Round 20 in docs/BENCHMARKS.md), work that depends on nothing the loop writes.
    func envelopeValid(at index: Int) -> Bool {
        guard let (chunk, i) = finishedChunk(of: index), i < chunk.envelopeValid.count else { return false }
        return chunk.envelopeValid[i]
    }

    /// The sequence number the `ids` index holds for event `index`'s id, nil (`.some(nil)`) when it
    /// holds none; nil when that was not read (the loop then reads it).
    func indexedSequence(at index: Int) -> UInt64?? {
        guard let (chunk, i) = finishedChunk(of: index), let indexed = chunk.indexed, i < indexed.count else { return nil }
        return .some(indexed[i])
    }

    /// The chunk holding event `index`, once the other thread is done with it, and the event's place in it.
    private func finishedChunk(of index: Int) -> (chunk: Chunk, position: Int)? {
        guard index >= 0, index / Self.chunkSize < chunks.count else { return nil }
        let chunk = chunks[index / Self.chunkSize]
        if !chunk.waited {
            chunk.done.wait()
            chunk.waited = true
        }
        return (chunk, index % Self.chunkSize)
    }

    /// Stops the other thread after its current chunk and waits for it: the batch is written or failed.
    func finish() {
        stopLock.lock()
        stopped = true
        stopLock.unlock()
        guard !waitedForFinish else { return }
        finished.wait()
        waitedForFinish = true
        // The chunks (the rules' typed payloads above all) are let go on another thread: freeing them
        // here took about 580 instructions an event of the appending thread, inside its transaction
        // (callgrind, Round 19 in docs/BENCHMARKS.md).
        // The other thread empties the box, so it drops the chunks' last reference whichever thread
        // lets go of the box last: an array captured as it was could be released after the block ran, by
        // this thread (as callgrind found 37,000 of 40,000 events' preparations freed here, Round 22).
        let done = Leftovers(chunks)
        chunks = []
        DispatchQueue.global().async { done.chunks = [] }
    }

    /// Chunks to free on another thread, taken out of the box there.
    private final class Leftovers: @unchecked Sendable {
        var chunks: [Chunk]
        init(_ chunks: [Chunk]) { self.chunks = chunks }
    }

    private var isStopped: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopped
    }
}
