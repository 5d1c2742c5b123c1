extension CanonicalJSON {
    /// Reads back, token by token, JSON that a writer put out in a form it knows: each member's name
    /// with its punctuation as the writer wrote it (``consume(_:)``), then its value.
    ///
    /// Why: a projection reads back rows it wrote itself, up to millions of them (an audit trail's);
    /// parsed into a value tree and then into fields, a row cost about 9,300 instructions (callgrind,
    /// Round 34 in docs/BENCHMARKS.md). Bytes not in the form expected read as `false` or `nil`, and
    /// the caller falls back to the general parser (``JSONParser``), which names what is wrong.
    ///
    /// The reader holds the buffer it was given without copying it: use it only while that buffer lives.
    public struct Reader {
        var cursor: JSONParser.Cursor

        public init(_ buffer: UnsafeBufferPointer<UInt8>) { cursor = JSONParser.Cursor(bytes: buffer) }

        /// Moves past `token` when the bytes continue with it; otherwise stays and returns false.
        public mutating func consume(_ token: StaticString) -> Bool {
            // Through `withUTF8Buffer`: a one-character literal may be held as a scalar, not as bytes.
            token.withUTF8Buffer { cursor.consume($0) }
        }

        /// A string value, escapes read as ``JSONParser`` reads them; `nil` when the bytes hold no
        /// string here, or a bad one.
        public mutating func string() -> String? { cursor.quotedString() }

        /// An integer value; `nil` when the bytes hold none here.
        public mutating func integer() -> Int64? { cursor.integer() }

        /// Whether every byte has been read.
        public var isAtEnd: Bool { cursor.index == cursor.bytes.count }
    }
}
