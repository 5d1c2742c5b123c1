/// RFC 4180 CSV fields that are safe to open in a spreadsheet.
public enum CSVField {
    /// One field. A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
    /// CR) is prefixed with `'`; a cell holding a comma, quote, CR or LF is quoted, quotes doubled.
    ///
    /// Looked at byte by byte (every one of those characters is one ASCII byte in UTF-8): as
    /// `Character`s, CR and LF side by side are one character, and a lone CR or LF was not found in
    /// `",\"\r\n"` (three characters, the last CRLF), so a field holding a line break was written
    /// unquoted and split its row (until Round 30).
    public static func encode(_ value: String) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``encode(_:)``'s UTF-8 bytes to `out`.
    ///
    /// Why: `pledger audit --csv` writes twelve fields for each of up to millions of entries into its
    /// output's bytes; made as strings and joined, each row was built twice.
    public static func append(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { append($0, to: &out) }
    }

    /// ``append(_:to:)`` of a field's UTF-8 bytes.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let formula: Bool
        switch bytes.first {
        case 0x3D?, 0x2B?, 0x2D?, 0x40?, 0x09?, 0x0D?: formula = true   // = + - @ tab CR
        default: formula = false
        }
        let quoted = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        guard formula || quoted else { return out.append(contentsOf: bytes) }
        if quoted { out.append(0x22) }
        if formula { out.append(0x27) }
        for b in bytes {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        if quoted { out.append(0x22) }
    }
}
