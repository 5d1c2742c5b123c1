import Dispatch
import Foundation

/// A batch's events encoded on another thread, ahead of the appending loop, each with the stamp it is
/// predicted to get (its canonical bytes and leaf hash), and prepared for the rules.
///
/// Encoding an event and hashing its bytes was about a fifth of an append's instructions, and the
/// appending loop keeps one core busy on a machine of two. Another thread starts at once. Before the
/// loop, the appending thread predicts the stamps, chunk by chunk, from the head and the streams'
/// versions as if every event were written in turn; the other thread encodes each chunk as soon as its
/// stamps are there, and goes on while the loop checks the rules, preparing each event for them
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
    /// The chunk's events' bytes lie end to end in one buffer, each after its leaf's 0x00 prefix (the
    /// leaf hashed in one update: Round 50), and their leaf hashes inline: an array an event, made on
    /// the other thread, was freed on the appending one (callgrind, Round 19 in docs/BENCHMARKS.md).
    ///
    /// Each property is written by one thread before `done` is signalled and read by the other after
    /// waiting for it (`waited` by the appending thread alone), so no access overlaps another: the
    /// runtime's check of each access (about 150 instructions, five times an event on each thread:
    /// callgrind, Round 21 in docs/BENCHMARKS.md) is left out.
    private final class Chunk: @unchecked Sendable {
        @exclusivity(unchecked) var bytes: [UInt8] = []
        /// Where each event's bytes end in ``bytes`` (the next event's prefix byte follows).
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
        /// Signalled by the appending thread once the chunk's stamps are predicted (``hasStamps``) or
        /// will not be (a version that could not be read, a batch given up): the other thread waits
        /// for it before encoding the chunk.
        let stamped = DispatchSemaphore(value: 0)
        /// Whether the chunk's stamps were predicted; written before `stamped` is signalled.
        @exclusivity(unchecked) var hasStamps = false
    }

    /// The batch: its events' stamps and streams are read when the stamps are predicted.
    private let batch: [ProposedEvent]
    /// Each event's predicted stamp, written by the appending thread chunk by chunk (``predictStamps(after:now:version:)``)
    /// and read by the other thread once the chunk's `stamped` is signalled: memory of its own, not an
    /// array, since one thread writes a chunk's stamps while the other reads an earlier chunk's.
    private let stamps: UnsafeMutableBufferPointer<Stamp>
    /// How many events, from the first, have their stamps predicted. The appending thread's alone.
    @exclusivity(unchecked) private var predicted = 0
    /// How many chunks have had `stamped` signalled. The appending thread's alone.
    @exclusivity(unchecked) private var chunksStamped = 0
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

    /// Starts encoding `batch` on another thread, each chunk once its stamps are predicted
    /// (``predictStamps(after:now:version:)``), preparing each event for `rules`
    /// (``AppendRules/prepare(_:)``) and reading what the `ids` index holds of its id with `indexed`.
    ///
    /// Why the stamps follow: predicting them reads each stream's version, about a third of a
    /// millisecond a 1,000-event batch; begun only after them, the other thread's first chunk (after
    /// its wake-up) kept the appending thread waiting about 150 to 220 µs a batch (timed, Round 22 in
    /// docs/BENCHMARKS.md). Now it wakes while the stamps are predicted, and encodes a chunk as soon as
    /// the chunk's stamps are there.
    ///
    /// `canonical` (one an event, where given) holds restored events' canonical bytes, read from their
    /// lines (``JSONLines/Line``): an event predicted to keep its own stamp is hashed from them, not
    /// encoded again.
    init(_ batch: [ProposedEvent], canonical: [[UInt8]?]? = nil, rules: (any AppendRules)? = nil, indexed: IndexedIDs? = nil) {
        let count = batch.count
        precondition(canonical.map { $0.count == count } ?? true, "canonical bytes for each event of the batch or none")
        self.batch = batch
        stamps = .allocate(capacity: count)
        stamps.initialize(repeating: Stamp(sequence: 0, recorded: Timestamp(microsecondsSinceEpoch: 0), version: 0))
        chunks = stride(from: 0, to: count, by: Self.chunkSize).map { _ in Chunk() }
        let chunks = self.chunks
        DispatchQueue.global().async { [self] in
            defer { finished.signal() }
            for (n, chunk) in chunks.enumerated() {
                // Whatever happens, every chunk is signalled: a stop leaves the rest empty.
                defer { chunk.done.signal() }
                chunk.stamped.wait()
                let encoding = AppendPhases.start()
                defer { AppendPhases.add(.encodingThread, since: encoding) }
                guard chunk.hasStamps, !isStopped else { continue }
                let start = n * Self.chunkSize
                let end = min(start + Self.chunkSize, count)
                chunk.indexed = indexed?(batch[start..<end].map(\.id))
                chunk.bytes.reserveCapacity(768 * (end - start))
                for i in start..<end {
                    // Read once: each read of `batch[i]` copied the event (a retain of each of its
                    // strings and its payload), three times an event (callgrind, Round 23).
                    let event = batch[i]
                    let stamp = stamps[i]
                    // The leaf's 0x00 prefix before the event's bytes: the leaf hashed in one update.
                    let from = chunk.bytes.count
                    chunk.bytes.append(0)
                    if let bytes = canonical?[i], event.stamp == stamp {
                        chunk.bytes.append(contentsOf: bytes)
                    } else {
                        EventCodec.encode(event, sequence: stamp.sequence, recorded: stamp.recorded, version: stamp.version,
                                          appendingTo: &chunk.bytes)
                    }
                    chunk.ends.append(chunk.bytes.count)
                    chunk.leafHashes.append(chunk.bytes.withUnsafeBytes { all in
                        InlineHash { LeafHash.write(prefixed: UnsafeRawBufferPointer(rebasing: all[from...]), into: $0) }
                    })
                    chunk.prepared.append(rules?.prepare(event))
                    chunk.envelopeValid.append((try? event.validateEnvelope()) != nil)
                }
            }
        }
    }

    /// Starts encoding `batch` with `stamps` (one each, all known) on another thread: ``init(_:rules:indexed:)``
    /// with the stamps handed over at once.
    convenience init(_ batch: [ProposedEvent], stamps: [Stamp], rules: (any AppendRules)? = nil, indexed: IndexedIDs? = nil) {
        self.init(Array(batch.prefix(stamps.count)), rules: rules, indexed: indexed)
        var next = stamps.makeIterator()
        publish { _, _ in next.next() }
    }

    deinit { stamps.deallocate() }

    /// Predicts the stamp each event gets if every one is written in turn after `head`
    /// (``stamps(of:after:now:version:)``), chunk by chunk, letting the other thread encode each chunk
    /// as its stamps are known. A version that cannot be read ends the prediction: the chunks after it
    /// are not encoded ahead, and the loop meets the failure in its place.
    func predictStamps(after head: LogHead, now: Timestamp, version: (StreamName) throws -> UInt64) {
        var prediction = StampPrediction(after: head, now: now, expecting: stamps.count)
        publish { restored, stream in try? prediction.stamp(restored, of: stream, version: version) }
    }

    /// Writes each event's stamp from `stamp` (given the event's own stamp, if restored, and its
    /// stream; nil: none, and none after it) and signals each chunk as its stamps are complete; every
    /// chunk is signalled, those without stamps as such.
    private func publish(_ stamp: (_ restored: Stamp?, _ stream: StreamName) -> Stamp?) {
        defer { signalUnstamped() }
        for i in batch.indices {
            // The two members read where they are: `batch[i]` whole would be a copy of the event.
            guard let next = stamp(batch[i].stamp, batch[i].stream) else { return }
            stamps[i] = next
            predicted = i + 1
            if predicted % Self.chunkSize == 0 || predicted == stamps.count {
                let chunk = chunks[chunksStamped]
                chunk.hasStamps = true
                chunk.stamped.signal()
                chunksStamped += 1
            }
        }
    }

    /// Signals every chunk not yet signalled, without stamps: the other thread never waits forever.
    private func signalUnstamped() {
        while chunksStamped < chunks.count {
            chunks[chunksStamped].stamped.signal()
            chunksStamped += 1
        }
    }

    /// The stamp each event of `batch` gets if every one is written in turn after `head`, as the
    /// appending loop computes it: a restored event's own; otherwise the next sequence number, the
    /// stream's next version (`version` reads a stream's version before the batch), and `now` or just
    /// after the time recorded before.
    static func stamps(of batch: [ProposedEvent], after head: LogHead, now: Timestamp,
                       version: (StreamName) throws -> UInt64) rethrows -> [Stamp] {
        var prediction = StampPrediction(after: head, now: now, expecting: batch.count)
        var stamps: [Stamp] = []
        stamps.reserveCapacity(batch.count)
        for event in batch { stamps.append(try prediction.stamp(event.stamp, of: event.stream, version: version)) }
        return stamps
    }

    /// The stamps of a batch's events, one after another: ``stamps(of:after:now:version:)``.
    private struct StampPrediction {
        private var last: Stamp
        private let now: Timestamp
        /// The versions the batch's events have given their streams so far.
        private var written: StreamTable<UInt64>

        init(after head: LogHead, now: Timestamp, expecting count: Int) {
            last = Stamp(sequence: head.sequence, recorded: head.recorded, version: 0)
            self.now = now
            written = StreamTable(minimumCapacity: count)   // growing it was a sixth of the prediction (callgrind)
        }

        /// The stamp of the next event, of `stream`: `restored` if it carries one.
        mutating func stamp(_ restored: Stamp?, of stream: StreamName, version: (StreamName) throws -> UInt64) rethrows -> Stamp {
            if let restored {
                last = restored
            } else {
                let current = try written[stream] ?? version(stream)
                last = Stamp(sequence: last.sequence + 1,
                             recorded: max(now, Timestamp(microsecondsSinceEpoch: last.recorded.microsecondsSinceEpoch + 1)),
                             version: current + 1)
            }
            written[stream] = last.version
            return last
        }
    }

    /// `body` given the bytes and the 32-byte leaf hash of event `index` encoded ahead, read in place,
    /// if `stamp` is the one predicted for it; else nil, and `body` is not called.
    func withEncoded<R>(at index: Int, stamp: Stamp,
                        _ body: (_ bytes: UnsafeRawBufferPointer, _ leafHash: UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard index < predicted, stamps[index] == stamp, let (chunk, i) = finishedChunk(of: index), i < chunk.ends.count
        else { return nil }
        // Each event's bytes follow its leaf's prefix byte.
        let range = (i == 0 ? 1 : chunk.ends[i - 1] + 1) ..< chunk.ends[i]
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
            AppendPhases.timed(.chunkWaits) { chunk.done.wait() }
            chunk.waited = true
        }
        return (chunk, index % Self.chunkSize)
    }

    /// Stops the other thread after its current chunk and waits for it: the batch is written or failed.
    func finish() {
        signalUnstamped()
        stopLock.lock()
        stopped = true
        stopLock.unlock()
        guard !waitedForFinish else { return }
        finished.wait()
        waitedForFinish = true
        // The chunks (the rules' typed payloads above all) are let go on another thread: freeing them
        // here took about 580 instructions an event of the appending thread, inside its transaction
        // (callgrind, Round 19 in docs/BENCHMARKS.md).
        ReleasedElsewhere.release(&chunks, leaving: [])
    }

    private var isStopped: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopped
    }
}
