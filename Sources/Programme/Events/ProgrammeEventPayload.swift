import EventLog

/// The payload of one type of programme event: its stable type name, its schema version, the kind of
/// stream it belongs to, and its JSON form.
public protocol ProgrammeEventPayload: Sendable, Equatable {
    /// The stable type name stored in each event, such as `TargetChanged`.
    static var typeName: String { get }
    /// The schema version new events are written with. Older versions are upcast when read.
    static var currentSchema: Int { get }
    /// The kind of entity whose stream holds the event; `nil` for corrections, which go in the
    /// stream of the event they correct.
    static var entityKind: EntityKind? { get }
    /// Whether the event defines its entity (it must then be the stream's first event).
    static var definesEntity: Bool { get }
    /// Reads the payload at the current schema version.
    init(fields: some JSONObjectFields) throws(FieldError)
    /// The payload at the current schema version.
    var json: JSONValue { get }
    /// What the event does to its entity's state (``EntityEffect``); `nil` for a definition or a
    /// correction, which have none of their own.
    var effect: EntityEffect? { get }
}

extension ProgrammeEventPayload {
    public static var currentSchema: Int { 1 }
    public static var definesEntity: Bool { false }
    public var effect: EntityEffect? { nil }
}
