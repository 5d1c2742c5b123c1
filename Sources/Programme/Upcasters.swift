import EventLog

/// Turns payloads written with an older schema version into the current one, when they are read.
///
/// Stored bytes never change: an old event keeps its schema number and its hash, and readers see it
/// through the chain of upcasters from its version to the current one.
public enum Upcasters {
    /// One step: the payload of `type` at schema `from` into schema `from + 1`.
    typealias Step = @Sendable (JSONFields) throws(FieldError) -> JSONValue

    static let steps: [String: [Int: Step]] = [
        FundingAllocated.typeName: [1: fundingAllocatedV1toV2],
    ]

    /// The payload at the current schema version of `type`.
    public static func upcast(type: String, from schema: Int, payload: JSONValue) throws(FieldError) -> JSONValue {
        var value = payload
        var version = schema
        while let step = steps[type]?[version] {
            value = try step(try JSONFields(value, path: "payload"))
            version += 1
        }
        return value
    }

    /// FundingAllocated schema 1 stored `amountMinor`, an integer count of the currency's minor units
    /// (tiyn for KZT, cents for USD). Schema 2 stores `amount` as a decimal string, which needs no
    /// knowledge of minor units to read and cannot overflow a JSON number.
    @Sendable static func fundingAllocatedV1toV2(_ f: JSONFields) throws(FieldError) -> JSONValue {
        try f.rejectUnknown(allowing: ["component", "amountMinor", "currency", "fiscalYear", "source", "funder", "decision"])
        let currency = try f.currency("currency")
        let minor = try f.integer("amountMinor")
        let amount = ExactDecimal(significand: Int128(minor), scale: currency.minorUnits)
        var members = f.members.filter { $0.0 != "amountMinor" }
        members.append(("amount", .string(amount.description)))
        return .object(members)
    }
}
