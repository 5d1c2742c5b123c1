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

    public var rendered: String {
        var widths = header.map(\.count)
        for row in rows { Self.widen(&widths, toFit: row) }
        return ([header] + rows).map { Self.line($0, widths: widths, rightAligned: rightAligned) }.joined(separator: "\n") + "\n"
    }

    /// Widens `widths` (one a column, in characters) to fit `row`'s cells: for sizing a table's columns
    /// row by row, when its rows are not held together (`pledger log`'s table).
    public static func widen(_ widths: inout [Int], toFit row: [String]) {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }

    /// One row of a table whose columns are `widths` wide, cells two spaces apart, without its line
    /// break: each cell padded to its column's width (on the left in `rightAligned` columns), but the
    /// last when it is aligned left.
    public static func line(_ cells: [String], widths: [Int], rightAligned: Set<Int> = []) -> String {
        cells.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: max(0, (i < widths.count ? widths[i] : 0) - cell.count))
            if i == cells.count - 1 && !rightAligned.contains(i) { return cell }
            return rightAligned.contains(i) ? pad + cell : cell + pad
        }.joined(separator: "  ")
    }

    /// The table indented by two spaces.
    public var indented: String {
        rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
