/// A plain-text table with padded columns, as the CLI prints them.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]
    public var rightAligned: Set<Int>

    public init(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned
    }

    public var rendered: String { String(decoding: bytes(indent: 0), as: UTF8.self) }

    /// The rendered lines' UTF-8 bytes, each line after `indent` spaces and with its line break.
    ///
    /// Why: `pledger state` renders a table of about 2,000 indicator years; joined from a string a
    /// line, then split into lines again to indent them, it took about 65 million instructions
    /// (callgrind, Round 35 in docs/BENCHMARKS.md).
    func bytes(indent: Int) -> [UInt8] {
        var widths = header.map(\.count)
        for row in rows { Self.widen(&widths, toFit: row) }
        var out: [UInt8] = []
        out.reserveCapacity((rows.count + 1) * (indent + 1 + widths.reduce(2 * widths.count, +)))
        for row in CollectionOfOne(header) + rows {
            out.append(contentsOf: repeatElement(0x20, count: indent))
            Self.appendLine(row, widths: widths, rightAligned: rightAligned, to: &out)
            out.append(0x0A)
        }
        return out
    }

    /// Widens `widths` (one a column, in characters) to fit `row`'s cells: for sizing a table's columns
    /// row by row (``rendered``; a table whose rows are not held together sizes them as it reads them,
    /// as `pledger log`'s does).
    public static func widen(_ widths: inout [Int], toFit row: [String]) {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], width(of: cell)) }
    }

    /// How many characters `cell` holds, as `cell.count` counts them: its bytes when it is ASCII without
    /// a CR (a CR before an LF is the one pair of ASCII characters that makes one character), its
    /// characters counted one by one otherwise.
    ///
    /// Why: counting characters breaks text into grapheme clusters, and `pledger log`'s table counted
    /// every cell twice (to size the columns, then to pad it) for each of a million rows.
    public static func width(of cell: String) -> Int {
        let ascii = cell.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 < 0x80 && $0 != 0x0D }
        }
        return ascii == true ? cell.utf8.count : cell.count
    }

    /// One row of a table whose columns are `widths` wide, cells two spaces apart, without its line
    /// break: each cell padded to its column's width (on the left in `rightAligned` columns), but the
    /// last when it is aligned left.
    public static func line(_ cells: [String], widths: [Int], rightAligned: Set<Int> = []) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(widths.reduce(2 * cells.count, +))
        appendLine(cells, widths: widths, rightAligned: rightAligned, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``line(_:widths:rightAligned:)``'s UTF-8 bytes to `bytes`, without its line break.
    ///
    /// Why: `pledger log` writes a row for each of up to millions of events into its output's bytes;
    /// made as a string, each row's cells and spaces were appended one string at a time, about 10,000
    /// instructions a row (callgrind, Round 34 in docs/BENCHMARKS.md).
    public static func appendLine(_ cells: [String], widths: [Int], rightAligned: Set<Int> = [], to bytes: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { bytes.append(0x20); bytes.append(0x20) }
            if i == cells.count - 1 && !rightAligned.contains(i) {
                bytes.append(contentsOf: cell.utf8)
                break
            }
            let pad = max(0, (i < widths.count ? widths[i] : 0) - width(of: cell))
            if rightAligned.contains(i) {
                bytes.append(contentsOf: repeatElement(0x20, count: pad))
                bytes.append(contentsOf: cell.utf8)
            } else {
                bytes.append(contentsOf: cell.utf8)
                bytes.append(contentsOf: repeatElement(0x20, count: pad))
            }
        }
    }

    /// The table indented by two spaces: every line of ``rendered`` (a cell's own line breaks too).
    public var indented: String {
        // Cells without CR or LF: each row one line, indented as it is written.
        if (CollectionOfOne(header) + rows).allSatisfy({ $0.allSatisfy { !$0.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) } }) {
            return String(decoding: bytes(indent: 2), as: UTF8.self)
        }
        // Else as characters: a CR before an LF is one, and not a line break to split at.
        return rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
