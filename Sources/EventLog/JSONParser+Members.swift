extension JSONParser {
    /// Parses a JSON object's members whose names `keep` accepts, and only passes over the others:
    /// their values are checked for structure (strings closed, brackets matched, nesting at most
    /// ``maximumDepth``) but not built, and their strings not checked as UTF-8.
    ///
    /// Why: a fold needs five members of a stored event's twelve to fourteen, and a back-dated event
    /// makes the current state re-read tens of events: building the others' strings is wasted work.
    /// Duplicate names are refused among the members kept.
    public static func members(of buffer: UnsafeBufferPointer<UInt8>, keeping keep: (String) -> Bool) throws(SyntaxError) -> [(String, JSONValue)] {
        var cursor = Cursor(bytes: buffer)
        cursor.skipWhitespace()
        guard cursor.index < buffer.count, buffer[cursor.index] == UInt8(ascii: "{") else { throw cursor.error("expected an object") }
        cursor.index += 1
        var members: [(String, JSONValue)] = []
        cursor.skipWhitespace()
        if cursor.index < buffer.count, buffer[cursor.index] == UInt8(ascii: "}") {
            cursor.index += 1
        } else {
            while true {
                cursor.skipWhitespace()
                guard cursor.index < buffer.count, buffer[cursor.index] == UInt8(ascii: "\"") else {
                    throw cursor.error(cursor.index < buffer.count ? "expected a member name in quotes" : "unexpected end of input")
                }
                let keyOffset = cursor.index
                let key = try cursor.string()
                cursor.skipWhitespace()
                guard cursor.index < buffer.count, buffer[cursor.index] == UInt8(ascii: ":") else { throw cursor.error("expected ':'") }
                cursor.index += 1
                cursor.skipWhitespace()
                if keep(key) {
                    if members.contains(where: { $0.0 == key }) { throw cursor.error("duplicate member \"\(key)\"", at: keyOffset) }
                    members.append((key, try cursor.value(depth: 1)))
                } else {
                    try cursor.skipValue(depth: 1)
                }
                cursor.skipWhitespace()
                guard cursor.index < buffer.count else { throw cursor.error("unexpected end of input in an object") }
                if buffer[cursor.index] == UInt8(ascii: ",") { cursor.index += 1; continue }
                if buffer[cursor.index] == UInt8(ascii: "}") { cursor.index += 1; break }
                throw cursor.error("expected ',' or '}'")
            }
        }
        cursor.skipWhitespace()
        if cursor.index != buffer.count { throw cursor.error("unexpected data after the JSON value") }
        return members
    }
}

extension JSONParser.Cursor {
    /// Moves past one value without building it.
    mutating func skipValue(depth: Int) throws(JSONParser.SyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
            let close = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == close { index += 1; return }
            while true {
                skipWhitespace()
                if isObject {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                    try skipString()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    index += 1
                    skipWhitespace()
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == close { index += 1; return }
                throw error(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        default:
            _ = try value(depth: depth)   // a literal or a number: nothing to allocate
        }
    }

    /// Moves past a string: to its closing quote, over escapes; control characters are refused.
    ///
    /// Plain bytes are passed over sixteen at a time (``plainRun(in:from:high:)``): a replay passes over
    /// each event's actor, rationale and source this way, and a byte at a time was about 4,000
    /// instructions an event (callgrind, Round 18 in docs/BENCHMARKS.md).
    mutating func skipString() throws(JSONParser.SyntaxError) {
        let start = index
        index += 1
        var high: UInt8 = 0
        while true {
            index = Self.plainRun(in: bytes, from: index, high: &high)
            guard index < bytes.count else { break }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; return }
            if b < 0x20 { throw error("control character in a string must be escaped") }
            index += b == UInt8(ascii: "\\") ? 2 : 1
        }
        throw error("unterminated string", at: start)
    }
}
