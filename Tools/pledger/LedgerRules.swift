import EventLog

/// The rules every append through the CLI is checked against.
enum LedgerRules {
    static var current: (any AppendRules)? { nil }
}
