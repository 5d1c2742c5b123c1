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
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                if i == cells.count - 1 && !rightAligned.contains(i) { return cell }
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        return ([render(header)] + rows.map(render)).joined(separator: "\n") + "\n"
    }

    /// The table indented by two spaces.
    public var indented: String {
        rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
