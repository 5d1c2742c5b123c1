import EventLog

/// An event as the projections fold it: its position, stream, type and effective date, with its payload
/// decoded into a ``ProgrammeEvent`` once, for every projection that folds it.
///
/// A replay hands each event to the audit trail and to the current state, and each decoded the payload
/// from its JSON tree again: two decodes per event, 14 % of the instructions of the thread that applies
/// them in callgrind. A catch-up now decodes each event once, on the thread that reads the next batch
/// ahead, and both projections read the result. A class: batches are grouped by stream and filtered,
/// and copying the event and its payload as a value showed as a tenth of the work it saved.
///
/// It holds no more of the event than a fold reads (``EventPayload``): a catch-up reads each event's
/// payload alone (``read(stored:sequence:definitions:)``), not its actor, rationale, source, ids,
/// recorded time or bytes; what needs those (a correction's target, an audit entry shown) reads the
/// event from the log.
public final class DecodedEvent: Sendable {
    /// The event's sequence number in the log.
    public let sequence: UInt64
    /// The stream (entity) the event belongs to.
    public let stream: StreamName
    /// The event's type name, as recorded.
    public let type: String
    /// The date from which the event counts.
    public let effective: CalendarDate
    /// Its typed payload, or why the payload does not decode.
    public let typed: Result<ProgrammeEvent, FieldError>

    /// For an event that defines its entity, decoded with `definitions: true`: the stored bytes of the
    /// definition (``EntitySnapshotDecoder/definitionBytes(of:stream:)``, which keeps them for the
    /// stream); otherwise `nil`.
    ///
    /// Why: both stored projections write a new entity's definition (the current state in its
    /// definition list, the audit trail in the stream's state), and since the audit trail computes
    /// beside the current state, both made its canonical JSON (about 20,000 instructions) at once. A
    /// catch-up makes it here, once, on the thread that reads ahead.
    public let definition: [UInt8]?

    /// The event's effect on its entity (``EntityEffect``); `nil` for a definition, a correction, or a
    /// payload that does not decode.
    ///
    /// Why: the current state (its fold and its index) and the audit trail (its changes) take every
    /// event's effect, and each made it from ``typed`` on its own thread, copying the typed payload out
    /// of the result (160 bytes, each of its strings retained and released). Read in place, the payload
    /// names its effect before it is wrapped (``ProgrammeEvent/decodeInPlace(_:_:)``): a few loads, on
    /// the thread that reads ahead (Round 54 in docs/BENCHMARKS.md).
    public let effect: EntityEffect?

    /// Decodes `payload`'s typed payload (``ProgrammeEvent/decode(type:schema:payload:)``), keeping the
    /// error if it fails; with `definitions`, makes ``definition`` too.
    public convenience init(_ payload: EventPayload, definitions: Bool = false) {
        let typed: Result<ProgrammeEvent, FieldError>
        var effect: EntityEffect?
        do {
            let event = try ProgrammeEvent.decode(type: payload.type, schema: payload.schema, payload: payload.payload)
            effect = EntityEffect(event)
            typed = .success(event)
        } catch {
            typed = .failure(error)
        }
        self.init(sequence: payload.sequence, stream: payload.stream, type: payload.type, effective: payload.effective, typed: typed,
                  effect: effect, definitions: definitions)
    }

    /// Reads the stored canonical `bytes` of event `sequence` as ``init(_:definitions:)-(EventPayload,_)``
    /// reads their ``EventPayload``: a flat payload at its type's current schema in place
    /// (``ProgrammeEvent/decodeInPlace(_:_:)``), anything else through its value tree. Bytes that do
    /// not decode are ``EventLogError/damaged(sequence:reason:)``.
    ///
    /// A function rather than an initializer: the event is made where its payload is read, inside the
    /// reader's closure. An initializer had the closure hand the typed payload out through a captured
    /// optional, copied into it and out again before it was stored (160 bytes each time: about nine
    /// `memcpy`s an event on the reading thread, callgrind, Round 54 in docs/BENCHMARKS.md).
    public static func read(stored bytes: UnsafeRawBufferPointer, sequence: UInt64, definitions: Bool = false) throws -> DecodedEvent {
        var made: DecodedEvent?
        EventCodec.withCanonicalPayload(of: bytes.assumingMemoryBound(to: UInt8.self), knownType: ProgrammeEvent.knownTypeName) { header, fields in
            guard let fields, let (typed, effect) = ProgrammeEvent.decodeInPlace(header, fields) else { return }
            // A decision's definition is its payload, read in place: taken as it is.
            var written: [UInt8]?
            if definitions, case .decisionRecorded = typed {
                written = EntityState.decisionDefinitionBytes(payload: UnsafeRawBufferPointer(rebasing: bytes[header.payload]))
            }
            made = DecodedEvent(sequence: header.sequence, stream: header.stream, type: header.type, effective: header.effective,
                                typed: .success(typed), effect: effect, definitions: definitions, written: written)
        }
        return try made ?? DecodedEvent(try EventCodec.decodeStoredPayload(bytes, sequence: sequence), definitions: definitions)
    }

    /// `written`: the definition's bytes where the reading already has them (a decision's payload).
    private init(sequence: UInt64, stream: StreamName, type: String, effective: CalendarDate, typed: Result<ProgrammeEvent, FieldError>,
                 effect: EntityEffect?, definitions: Bool, written: [UInt8]? = nil) {
        self.sequence = sequence
        self.stream = stream
        self.type = type
        self.effective = effective
        self.typed = typed
        self.effect = effect
        if definitions, case .success(let event) = typed, EntityState.isDefinition(event), let defined = EntityState.defined(by: event) {
            definition = EntitySnapshotDecoder.shared.definitionBytes(of: defined, stream: stream, written: written)
        } else {
            definition = nil
        }
    }

    /// The fold's fields of a fully decoded event: ``init(_:definitions:)-(EventPayload,_)`` of its
    /// ``EventPayload``.
    public convenience init(_ recorded: RecordedEvent, definitions: Bool = false) {
        self.init(EventPayload(recorded), definitions: definitions)
    }

    /// The typed payload of an event read back from the log, where a payload that does not decode means
    /// a damaged log: ``EventLogError/damaged(sequence:reason:)`` names the event, as
    /// ``ProgrammeEvent/decodeStored(_:)-(RecordedEvent)`` does.
    public func stored() throws -> ProgrammeEvent {
        switch typed {
        case .success(let event): event
        case .failure(let error): throw ProgrammeEvent.damaged(sequence: sequence, error)
        }
    }

    /// `body` given the typed payload where this event keeps it, not copied out as ``stored()`` returns
    /// it; a payload that does not decode is a damaged log, as there.
    public func withStored<R>(_ body: (ProgrammeEvent) throws -> R) throws -> R {
        switch typed {
        case .success(let event): try body(event)
        case .failure(let error): throw ProgrammeEvent.damaged(sequence: sequence, error)
        }
    }

    /// The typed payload, or `nil` when it does not decode.
    public var event: ProgrammeEvent? { try? typed.get() }

    /// Whether the event is a correction (``EventCorrected``), by its recorded type.
    public var isCorrection: Bool { type == EventCorrected.typeName }
}
