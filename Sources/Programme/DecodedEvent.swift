import EventLog

/// A recorded event with its payload decoded into a ``ProgrammeEvent`` once, for every projection that
/// folds it.
///
/// A replay hands each event to the audit trail and to the current state, and each decoded the payload
/// from its JSON tree again: two decodes per event, 14 % of the instructions of the thread that applies
/// them in callgrind. A catch-up now decodes each event once, on the thread that reads the next batch
/// ahead, and both projections read the result. A class: batches are grouped by stream and filtered,
/// and copying the event and its payload as a value showed as a tenth of the work it saved.
public final class DecodedEvent: Sendable {
    /// The event as read from the log.
    public let recorded: RecordedEvent
    /// Its typed payload, or why the payload does not decode.
    public let typed: Result<ProgrammeEvent, FieldError>

    /// Decodes `recorded`'s payload (``ProgrammeEvent/decode(_:)``), keeping the error if it fails.
    public init(_ recorded: RecordedEvent) {
        self.recorded = recorded
        do { typed = .success(try ProgrammeEvent.decode(recorded)) } catch { typed = .failure(error) }
    }

    /// The typed payload of an event read back from the log, where a payload that does not decode means
    /// a damaged log: ``EventLogError/damaged(sequence:reason:)`` names the event, as
    /// ``ProgrammeEvent/decodeStored(_:)-(RecordedEvent)`` does.
    public func stored() throws -> ProgrammeEvent {
        switch typed {
        case .success(let event): event
        case .failure(let error): throw ProgrammeEvent.damaged(sequence: recorded.sequence, error)
        }
    }

    /// The typed payload, or `nil` when it does not decode.
    public var event: ProgrammeEvent? { try? typed.get() }

    /// The event's sequence number in the log.
    public var sequence: UInt64 { recorded.sequence }
    /// The stream (entity) the event belongs to.
    public var stream: StreamName { recorded.stream }
    /// The date from which the event counts.
    public var effective: CalendarDate { recorded.effective }
}
