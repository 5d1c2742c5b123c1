/// RFC 4180 CSV fields that are safe to open in a spreadsheet.
public enum CSVField {
    /// One field. A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
    /// CR) is prefixed with `'`; a cell holding a comma, quote, CR or LF is quoted, quotes doubled.
    public static func encode(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        if v.contains(where: { ",\"\r\n".contains($0) }) { return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return v
    }
}
