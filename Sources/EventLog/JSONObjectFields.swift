import Foundation

/// A JSON object whose members are read as typed fields, every problem a ``FieldError`` that names the
/// field's full path and the rule it broke.
///
/// Two kinds: ``JSONFields`` reads a parsed value tree; ``JSONObjectBytes`` reads a flat object in
/// place from its bytes. A payload's reader (`init(fields:)`) is written once against this protocol,
/// so both read a payload by the same rules and give the same value.
public protocol JSONObjectFields {
    /// The path of this object, such as `payload`; empty at the top level.
    var path: String { get }
    /// The value of member `key`, or `nil` when there is none.
    func value(_ key: String) -> JSONValue?
    /// The first member, in member order, whose name is not in `allowed`; `nil` when there is none.
    func firstMember(notIn allowed: [String]) -> String?
    /// ``firstMember(notIn:)-([String])`` of a reader's names made once.
    func firstMember(notIn allowed: MemberNames) -> String?
    /// The bytes between the quotes of member `key`'s value, when it is a string read in place (printable
    /// ASCII, no escape: ``JSONObjectBytes``), valid for as long as the object is; `nil` otherwise (no
    /// such member, a value of another kind, an object not read in place), when ``value(_:)`` has it.
    ///
    /// Why: a replay reads decimals, dates and references out of every payload, and making each a
    /// `String` first, to parse it, was about a tenth of the reading thread's instructions (callgrind,
    /// Round 40 in docs/BENCHMARKS.md). Readers of such fields parse these bytes where given, by the
    /// rule they apply to the string, and read the string (and word its error) where not.
    func plainStringBytes(_ key: String) -> UnsafeBufferPointer<UInt8>?
}

extension JSONObjectFields {
    /// None: a value tree's strings are `String`s already.
    @inlinable public func plainStringBytes(_ key: String) -> UnsafeBufferPointer<UInt8>? { nil }

    @inlinable public func fieldPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    @inlinable public func has(_ key: String) -> Bool { value(key) != nil }

    /// Fails when the object has a member not in `allowed`: a typo must not pass silently.
    @inlinable public func rejectUnknown(allowing allowed: [String]) throws(FieldError) {
        if let k = firstMember(notIn: allowed) { throw unknownField(k, allowed) }
    }

    /// ``rejectUnknown(allowing:)-([String])`` of a reader's names made once (``MemberNames``): a payload's
    /// reader, on every event a replay reads.
    @inlinable public func rejectUnknown(allowing allowed: MemberNames) throws(FieldError) {
        if let k = firstMember(notIn: allowed) { throw unknownField(k, allowed.names) }
    }

    /// The names' strings compared (a value tree's members are strings already).
    public func firstMember(notIn allowed: MemberNames) -> String? { firstMember(notIn: allowed.names) }

    @usableFromInline func unknownField(_ key: String, _ allowed: some Collection<String>) -> FieldError {
        FieldError(field: fieldPath(key), "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
    }

    /// The error of a required member that is not there: one wording for every kind of field.
    @usableFromInline func missing(_ key: String) -> FieldError { FieldError(field: fieldPath(key), "required field is missing") }

    @inlinable public func required(_ key: String) throws(FieldError) -> JSONValue {
        guard let v = value(key) else { throw missing(key) }
        return v
    }

    @inlinable public func string(_ key: String) throws(FieldError) -> String {
        guard let s = try optionalString(key) else { throw missing(key) }
        return s
    }

    /// A string that must not be empty or only white space (``ProposedEvent``'s rule for its text
    /// fields, decided on the bytes where they are ASCII).
    @inlinable public func text(_ key: String) throws(FieldError) -> String {
        let s = try string(key)
        guard !ProposedEvent.isBlank(s) else { throw FieldError(field: fieldPath(key), "must not be empty") }
        return s
    }

    @inlinable public func optionalString(_ key: String) throws(FieldError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw FieldError(field: fieldPath(key), "expected a string, got \(v.kindName)") }
        return s
    }

    @inlinable public func integer(_ key: String) throws(FieldError) -> Int64 {
        guard let i = try optionalInteger(key) else { throw missing(key) }
        return i
    }

    @inlinable public func optionalInteger(_ key: String) throws(FieldError) -> Int64? {
        guard let v = value(key) else { return nil }
        guard case .integer(let i) = v else { throw FieldError(field: fieldPath(key), "expected an integer, got \(v.kindName)") }
        return i
    }

    @inlinable public func bool(_ key: String) throws(FieldError) -> Bool {
        let v = try required(key)
        guard case .bool(let b) = v else { throw FieldError(field: fieldPath(key), "expected true or false, got \(v.kindName)") }
        return b
    }

    @inlinable public func optionalBool(_ key: String) throws(FieldError) -> Bool? {
        guard has(key) else { return nil }
        return try bool(key)
    }

    @inlinable public func date(_ key: String) throws(FieldError) -> CalendarDate {
        guard let d = try optionalDate(key) else { throw missing(key) }
        return d
    }

    @inlinable public func optionalDate(_ key: String) throws(FieldError) -> CalendarDate? {
        if let bytes = plainStringBytes(key), let d = CalendarDate(utf8: bytes) { return d }
        guard let s = try optionalString(key) else { return nil }
        guard let d = CalendarDate(s) else { throw FieldError(field: fieldPath(key), "expected a date YYYY-MM-DD, got \"\(s.prefix(40))\"") }
        return d
    }

    @inlinable public func uuid(_ key: String) throws(FieldError) -> UUID {
        guard let u = try optionalUUID(key) else { throw missing(key) }
        return u
    }

    @inlinable public func optionalUUID(_ key: String) throws(FieldError) -> UUID? {
        guard let s = try optionalString(key) else { return nil }
        guard let u = UUID(text: s) else {
            throw FieldError(field: fieldPath(key), "expected a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e, got \"\(s.prefix(40))\"")
        }
        return u
    }

    @inlinable public func object(_ key: String) throws(FieldError) -> JSONFields {
        try JSONFields(try required(key), path: fieldPath(key))
    }

    @inlinable public func optionalObject(_ key: String) throws(FieldError) -> JSONFields? {
        guard let v = value(key) else { return nil }
        return try JSONFields(v, path: fieldPath(key))
    }

    @inlinable public func array(_ key: String) throws(FieldError) -> [JSONValue] {
        let v = try required(key)
        guard case .array(let a) = v else { throw FieldError(field: fieldPath(key), "expected an array, got \(v.kindName)") }
        return a
    }

    @inlinable public func optionalArray(_ key: String) throws(FieldError) -> [JSONValue]? {
        guard has(key) else { return nil }
        return try array(key)
    }
}
