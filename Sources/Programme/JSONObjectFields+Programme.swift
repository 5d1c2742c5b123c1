import EventLog

extension JSONObjectFields {
    /// A reference to an entity of `kind`: a stream name `<kind>/<code>`.
    public func reference(_ key: String, _ kind: EntityKind) throws(FieldError) -> EntityReference {
        guard let r = try optionalReference(key, kind) else { throw FieldError(field: fieldPath(key), "required field is missing") }
        return r
    }

    public func optionalReference(_ key: String, _ kind: EntityKind) throws(FieldError) -> EntityReference? {
        // Read in place where it can be: the kind from the name's bytes, then the name made once. Anything
        // refused is read again as a string, which words the error.
        if let bytes = plainStringBytes(key), EntityReference.kind(ofName: UnsafeRawBufferPointer(bytes)) == kind,
           let name = try? StreamName(validatingUTF8: UnsafeRawBufferPointer(bytes), field: "") {
            return EntityReference(kind: kind, stream: name)
        }
        guard let text = try optionalString(key) else { return nil }
        let name = try StreamName(validating: text, field: fieldPath(key))
        guard let r = EntityReference(stream: name), r.kind == kind else {
            throw FieldError(field: fieldPath(key), "expected a reference to a \(kind.rawValue), such as \"\(kind.rawValue)/CODE\", got \"\(text.prefix(60))\"")
        }
        return r
    }

    /// An exact decimal written as a string, such as `"12.5"`: at most 15 digits before the point and 6
    /// after, ample for targets and measurements and small enough that no sum or ratio of them overflows.
    public func decimal(_ key: String) throws(FieldError) -> ExactDecimal {
        try decimal(key, integerDigits: 15, fractionDigits: 6)
    }

    /// An exact decimal with at most `integerDigits` digits before the point and `fractionDigits` after.
    public func decimal(_ key: String, integerDigits: Int, fractionDigits: Int) throws(FieldError) -> ExactDecimal {
        if let bytes = plainStringBytes(key), let d = ExactDecimal.limited(utf8: bytes, integerDigits: integerDigits, fractionDigits: fractionDigits) {
            return d
        }
        var text = try string(key)
        guard let d = text.withUTF8({ ExactDecimal.limited(utf8: $0, integerDigits: integerDigits, fractionDigits: fractionDigits) }) else {
            throw FieldError(field: fieldPath(key), "expected an exact decimal in a string, such as \"12.5\" (no exponent, at most \(integerDigits) digits before the point and \(fractionDigits) after), got \"\(text.prefix(40))\"")
        }
        return d
    }

    public func currency(_ key: String) throws(FieldError) -> Currency {
        let code = try string(key)
        guard let c = Currency(code: code) else { throw FieldError(field: fieldPath(key), "\"\(code.prefix(10))\" is not an active ISO 4217 currency code") }
        return c
    }

    /// A year from 1900 to 2200.
    public func year(_ key: String) throws(FieldError) -> Int {
        let y = try integer(key)
        guard (1900...2200).contains(y) else { throw FieldError(field: fieldPath(key), "expected a year from 1900 to 2200, got \(y)") }
        return Int(y)
    }

    /// One of an enumeration's raw values.
    ///
    /// Read in place where it can be: the value's bytes are compared with each case's name, and no
    /// string is made (a decision's `kind`, an allocation's `source`, on every replay).
    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(FieldError) -> E where E.RawValue == String {
        if let bytes = plainStringBytes(key) {
            for c in E.allCases {
                var name = c.rawValue
                if name.withUTF8({ UnsafeRawBufferPointer($0).hasSameBytes(as: UnsafeRawBufferPointer(bytes)) }) { return c }
            }
        }
        let text = try string(key)
        guard let v = E(rawValue: text) else {
            throw FieldError(field: fieldPath(key), "expected one of \(E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(text.prefix(40))\"")
        }
        return v
    }
}

extension JSONValue {
    /// An object of the given members, leaving out those whose value is `nil`.
    public static func members(_ pairs: [(String, JSONValue?)]) -> JSONValue {
        .object(pairs.compactMap { k, v in v.map { (k, $0) } })
    }
}

extension EntityReference {
    public var json: JSONValue { .string(stream.rawValue) }
}

extension ExactDecimal {
    public var json: JSONValue { .string(description) }
}

extension CalendarDate {
    public var json: JSONValue { .string(description) }
}
