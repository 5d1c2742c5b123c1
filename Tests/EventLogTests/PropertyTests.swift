import EventLog
import Foundation
import PropertyBased
import Testing

/// Random histories of batches, some of which must fail, checked against a simple model.
@Suite struct LogPropertyTests {
    /// One step of a random history, decoded from a generated integer so that shrinking works on plain numbers.
    struct Step {
        var stream: Int
        var size: Int
        var expectation: Int // 0 any, 1 correct exact, 2 wrong exact, 3 noStream
        var retry: Bool
        init(_ code: Int) {
            stream = code % 5
            size = 1 + (code / 5) % 4
            expectation = (code / 20) % 4
            retry = (code / 80) % 3 == 0
        }
    }

    @Test func appendsMatchAModelWithNoGapsConflictsOrDuplicates() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...239).array(of: 1...25)) { codes in
            do {
                let f = try LogFixture()
                var model: [[UInt8]] = []          // expected content of the log, as content bytes
                var versions: [Int: UInt64] = [:]
                var lastBatch: [ProposedEvent] = []
                for code in codes {
                    let step = Step(code)
                    let name = StreamName(stringLiteral: "s/\(step.stream)")
                    let current = versions[step.stream, default: 0]
                    if step.retry && !lastBatch.isEmpty {
                        let positions = try appendBlocking(f.log, lastBatch)
                        #expect(positions.allSatisfy { $0.alreadyPresent })
                        continue
                    }
                    let expected: ExpectedVersion = switch step.expectation {
                    case 1: .exactly(current)
                    case 2: .exactly(current + 1)
                    case 3: .noStream
                    default: .any
                    }
                    let batch = (0..<step.size).map { i in
                        event(name, expected: i == 0 ? expected : .any, value: Int64(code))
                    }
                    let shouldFail = step.expectation == 2 || (step.expectation == 3 && current > 0)
                    do {
                        let positions = try appendBlocking(f.log, batch)
                        #expect(!shouldFail, "append should have conflicted")
                        #expect(positions.map(\.sequence) == (0..<step.size).map { UInt64(model.count + 1 + $0) })
                        model += batch.map(EventCodec.encodeContent)
                        versions[step.stream] = current + UInt64(step.size)
                        lastBatch = batch
                    } catch let error as AppendError {
                        #expect(shouldFail, "unexpected failure \(error)")
                        guard case EventLogError.conflict? = error.underlying as? EventLogError else {
                            Issue.record("expected a conflict, got \(error)")
                            return
                        }
                    }
                }
                let stored = try f.log.read(limit: .max)
                #expect(stored.map(\.sequence) == (0..<stored.count).map { UInt64($0 + 1) })
                #expect(stored.map { EventCodec.encodeContent($0.proposal) } == model)
                #expect(Set(stored.map(\.id)).count == stored.count)
                for (s, v) in versions {
                    #expect(try f.log.events(in: StreamName(stringLiteral: "s/\(s)")).map(\.version) == Array(1...max(v, 1)).prefix(Int(v)).map { $0 })
                }
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func exportImportExportIsByteIdentical() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000).array(of: 1...30)) { values in
            do {
                let source = try LogFixture()
                for chunk in stride(from: 0, to: values.count, by: 7) {
                    try appendBlocking(source.log, values[chunk..<min(chunk + 7, values.count)].map { v in
                        var e = event(StreamName(stringLiteral: "indicator/IND-\(v % 4)"), value: Int64(v))
                        e.payload = .object([("value", .string("\(v / 100).\(v % 100)")), ("text", .string("é\n\"\u{1}\(v)"))])
                        if v % 3 == 0 { e.correlation = UUID() }
                        return e
                    })
                }
                let first = try exportLines(source.log)
                let target = try LogFixture()
                let text = first.map { $0 + [0x0A] }.joined()
                try appendBlocking(target.log, try JSONLines.decode(Array(text)).map(\.event))
                #expect(try exportLines(target.log) == first)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
