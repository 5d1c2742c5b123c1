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
        let bytes = value.utf8
        let formula = bytes.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } ?? false
        let quoted = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        guard formula || quoted else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        if quoted { out.append(0x22) }
        if formula { out.append(0x27) }
        for b in bytes {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        if quoted { out.append(0x22) }
        return String(decoding: out, as: UTF8.self)
    }
}
