/// Why a field of an event (or of a line of input) is not acceptable: the field's path and the rule.
///
/// Paths use dots for members and brackets for array elements, such as `payload.amount` or
/// `payload.roles[1]`.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "field '\(field)': \(message)" }

    /// The same error seen from an enclosing object: `prefix.field`.
    public func nested(in prefix: String) -> FieldError {
        FieldError(field: prefix.isEmpty ? field : prefix + "." + field, message)
    }
}
