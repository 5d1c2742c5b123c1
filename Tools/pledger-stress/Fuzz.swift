import ArgumentParser
import EventLog
import Foundation
import Programme
import Projection

struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Feed mutated inputs to every parser of untrusted text: a crash or a hang is a failure.",
        discussion: """
            Targets: the JSON Lines importer, the event line and stored-event decoders (whole, and the partial \
            readers of a fold, a listing and an audit trail, which must agree with the whole decode wherever it \
            accepts an input), the programme payload \
            decoder with its upcasters, the checkpoint, proof and key parsers, and the date, time and decimal \
            parsers. Inputs are mutations of the seed corpus (bit flips, byte edits, splices, truncations, \
            tokens that parsers find hard), drawn from a seeded generator: a run is repeatable from its seed.
            """)

    @Option(help: "How many inputs.") var inputs: Int = 100_000
    @Option(help: "The generator's seed.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("The seed corpus: a directory of files, one input each.", valueName: "dir")) var corpus: String

    func run() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
        let seeds = try files.map { Array(try Data(contentsOf: URL(fileURLWithPath: corpus + "/" + $0))) }.filter { !$0.isEmpty }
        guard !seeds.isEmpty else { throw ValidationError("the corpus \(corpus) holds no input") }
        var rng = SeededRandom(seed: seed)
        var accepted = 0, compared = 0
        let started = Date()
        for i in 0..<inputs {
            let input = Mutator.mutate(seeds[Int(rng.next() % UInt64(seeds.count))], others: seeds, rng: &rng)
            accepted += FuzzTargets.run(input)
            switch FuzzTargets.partialReads(input) {
            case .notAnEvent: break
            case .agree: compared += 1
            case .disagree(let reader):
                throw FuzzFailure(description: "input \(i + 1) (seed \(seed)): \(reader) disagrees with the whole decode of \(String(reflecting: String(decoding: input, as: UTF8.self)))")
            }
            if (i + 1) % 250_000 == 0 { FileHandle.standardError.write(Data("\(i + 1) inputs\n".utf8)) }
        }
        let seconds = Date().timeIntervalSince(started)
        print(#"{"acceptedByAtLeastOneParser":\#(accepted),"corpusFiles":\#(seeds.count),"inputs":\#(inputs),"milliseconds":\#(Int(seconds * 1000)),"partialReadsCompared":\#(compared),"seed":\#(seed)}"#)
    }
}

/// A run that found a reader disagreeing with another: the run fails, naming the input.
struct FuzzFailure: Error, CustomStringConvertible {
    var description: String
}

enum Mutator {
    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", "\"", "\\", "\\u", "\\ud800", ":", ",", "-", "0", "9007199254740993", "1e308", "1.5", "null", "true",
        "\"seq\":", "\"schema\":2", "\"payload\":{}", "\"type\":\"EventCorrected\"", "\"amountMinor\":-1", "\n", "\r\n", "\u{0}",
        "— ", "+", "=", String(repeating: "[", count: 70), "2026-02-30", "9999-12-31T23:59:59.999999Z", "\u{FEFF}",
    ].map { Array($0.utf8) } + [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80]]

    static func mutate(_ input: [UInt8], others: [[UInt8]], rng: inout SeededRandom) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(8) {
            case 0 where !b.isEmpty: let i = rng.below(b.count); b[i] ^= UInt8(1 << rng.below(8))
            case 1 where !b.isEmpty: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 2: b.insert(contentsOf: tokens[rng.below(tokens.count)], at: rng.below(b.count + 1))
            case 3 where !b.isEmpty:
                let i = rng.below(b.count), n = min(b.count - i, 1 + rng.below(16))
                b.removeSubrange(i..<(i + n))
            case 4 where !b.isEmpty:
                let i = rng.below(b.count), n = min(b.count - i, 1 + rng.below(32))
                b.insert(contentsOf: b[i..<(i + n)], at: rng.below(b.count + 1))
            case 5 where !b.isEmpty: b = Array(b.prefix(rng.below(b.count)))
            case 6:
                let other = others[rng.below(others.count)]
                b = Array(b.prefix(rng.below(b.count + 1))) + Array(other.suffix(rng.below(other.count + 1)))
            default: b.append(contentsOf: tokens[rng.below(tokens.count)])
            }
        }
        return b
    }
}

/// Every parser of untrusted input. Each must return or throw; anything else is a bug.
enum FuzzTargets {
    /// Projection snapshots as stored (binary after a JSON definition, or after a definition number with
    /// a list of definitions); kept definitions are reused across inputs.
    static let snapshots = EntitySnapshotDecoder(generationSize: 8)

    /// What the readers of part of a stored event made of an input (``partialReads(_:)``).
    enum PartialReads {
        /// The whole decode refused it: nothing to compare with.
        case notAnEvent
        /// Each gave the whole decode's fields.
        case agree
        /// This reader gave other fields than the whole decode, or refused what it accepted.
        case disagree(String)
    }

    /// Runs `input` through the readers of part of a stored event (a fold's payload, a listing's
    /// summary, an audit trail's envelope) and, where the whole decode accepts it, compares each with
    /// it: each reads canonical bytes in a pass of its own, so each must agree.
    ///
    /// The input is read as the log stores an event: a line without its line feed (the corpus's event
    /// lines end with one, which no canonical bytes hold).
    static func partialReads(_ input: [UInt8]) -> PartialReads {
        let stored = input.last == 0x0A ? input.dropLast() : input[...]
        return stored.withUnsafeBytes { b in
            // Run whether or not the whole decode accepts: a crash in any of them fails the run.
            let payload = try? EventCodec.decodePayload(b)
            let summary = try? EventCodec.decodeSummary(b)
            let envelope = try? EventCodec.decodeEnvelope(b)
            guard let whole = try? EventCodec.decodeRecorded(b) else { return .notAnEvent }
            if payload != EventPayload(whole) { return .disagree("EventCodec.decodePayload") }
            if summary != EventSummary(whole) { return .disagree("EventCodec.decodeSummary") }
            if envelope != EventEnvelope(whole) { return .disagree("EventCodec.decodeEnvelope") }
            return .agree
        }
    }

    /// Runs `input` through every target; returns 1 when at least one accepted it.
    static func run(_ input: [UInt8]) -> Int {
        var accepted = false
        if let lines = try? JSONLines.decode(input) {
            accepted = true
            for line in lines { _ = try? ProgrammeEvent.decode(type: line.event.type, schema: line.event.schema, payload: line.event.payload) }
        }
        if (try? EventCodec.decodeLine(input)) != nil { accepted = true }
        if (try? EventCodec.decodeRecorded(input)) != nil { accepted = true }
        if let value = try? JSONParser.parse(input) {
            accepted = true
            _ = CanonicalJSON.encode(value)
            _ = try? InclusionProof(json: value).isValid
            _ = try? ConsistencyProof(json: value).isValid
            _ = try? Upcasters.upcast(type: "FundingAllocated", from: 1, payload: value)
            _ = try? EntityState(json: value)
        }
        if (try? input.withUnsafeBytes({ try snapshots.decode($0, stream: "indicator/FUZZ") })) != nil { accepted = true }
        // As the current-state projection stores them: the input as a definition list (read by a
        // snapshot referring to its first definition), and as both snapshot and list.
        if (try? input.withUnsafeBytes({ l in try [UInt8(0)].withUnsafeBytes { try snapshots.decode($0, definitions: l, stream: "indicator/FUZZ") } })) != nil {
            accepted = true
        }
        _ = try? input.withUnsafeBytes { try snapshots.decode($0, definitions: $0, stream: "indicator/FUZZ") }
        let text = String(decoding: input, as: UTF8.self)
        if let c = try? Checkpoint(parsing: text) { accepted = true; _ = c.text }
        _ = try? NoteVerifierKey(parsing: text)
        _ = try? NoteSigningKey(parsing: text)
        _ = try? TimeSlice(asOf: text, knownAt: text)
        _ = ExactDecimal(text)?.grouped
        _ = CalendarDate(text)
        _ = Timestamp(text)
        _ = Hex.decode(text)
        return accepted ? 1 : 0
    }
}
