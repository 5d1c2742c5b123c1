/// An immutable value held by reference: copies of a state share its definition.
///
/// Why: an entity's definition (names, units, references: a handful of strings) is the same in every
/// state of the entity. Held inline, each copy of a state — a decoded snapshot, a query's result,
/// a fold step — retains and later releases every string; held here, one reference.
@usableFromInline final class Shared<Value: Sendable & Equatable>: Sendable, Equatable {
    @usableFromInline let value: Value

    @usableFromInline init(_ value: Value) { self.value = value }

    @usableFromInline static func == (a: Shared, b: Shared) -> Bool { a === b || a.value == b.value }
}
