import PropertyBased
import Projection
import Testing

/// The CLI's plain-text tables: columns sized in characters (as `String.count` counts them), cells two
/// spaces apart, right-aligned columns padded on the left, the last column not padded.
@Suite struct TextTableTests {
    /// Text of ASCII letters, digits and controls (CR and LF among them, which together make one
    /// character), combining marks, letters beyond ASCII and emoji.
    static let text = Gen.int(in: 0...15).map { i in
        ["a", "Z", "7", " ", "\r", "\n", "\r\n", "\t", "\u{1}", "\u{301}", "é", "Ж", "😀", "👩‍👩‍👧", "\u{1F1F0}\u{1F1FF}", "-"][i]
    }.array(of: 0...12).map { $0.joined() }

    @Test func aCellsWidthIsItsCharacterCount() async {
        await propertyCheck(count: 500, input: Self.text) { cell in
            #expect(TextTable.width(of: cell) == cell.count, "\(Array(cell.unicodeScalars))")
        }
        for cell in ["", "ledger", "a\r\nb", "\r", "\r\r\n", "line\n", "Жанар", "e\u{301}", "tab\there"] {
            #expect(TextTable.width(of: cell) == cell.count, "\(Array(cell.unicodeScalars))")
        }
    }

    @Test func columnsArePaddedToTheirWidestCellInCharacters() {
        let table = TextTable(["SEQ", "STREAM", "VER", "ACTOR"],
                              [["1", "indicator/IND-07", "12", "ministry"],
                               ["1024", "e\u{301}tude/Ж", "3", "Жанар Ахметова"],
                               ["7", "x", "100", ""]],
                              rightAligned: [0, 2])
        #expect(table.rendered == """
             SEQ  STREAM            VER  ACTOR
               1  indicator/IND-07   12  ministry
            1024  e\u{301}tude/Ж             3  Жанар Ахметова
               7  x                 100  \n
            """)
        // Row by row, as `pledger log` sizes and writes its table: the same lines.
        var widths = table.header.map(\.count)
        for row in table.rows { TextTable.widen(&widths, toFit: row) }
        #expect(widths == [4, 16, 3, 14])
        let lines = ([table.header] + table.rows).map { TextTable.line($0, widths: widths, rightAligned: table.rightAligned) }
        #expect(lines.joined(separator: "\n") + "\n" == table.rendered)
        // Into bytes already holding some, as `pledger log` writes its rows: appended after them.
        var bytes = Array("> ".utf8)
        for row in [table.header] + table.rows {
            TextTable.appendLine(row, widths: widths, rightAligned: table.rightAligned, to: &bytes)
            bytes.append(0x0A)
        }
        #expect(String(decoding: bytes, as: UTF8.self) == "> " + table.rendered)
    }
    /// Indented, every line of the rendered table two spaces in, the lines of a cell with line breaks
    /// too (a CR before an LF is one character, not a break), as splitting the rendered text finds them.
    @Test func indentedIndentsEveryLineOfTheRenderedTable() async {
        await propertyCheck(count: 300, input: Self.text.array(of: 3...3).array(of: 0...4)) { rows in
            let table = TextTable(["A", "BB", "C"], rows, rightAligned: [1])
            let reference = table.rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }
                .joined(separator: "\n") + "\n"
            #expect(table.indented == reference, "\(rows.map { $0.map { Array($0.unicodeScalars) } })")
            #expect(table.rendered == ([table.header] + rows).map { TextTable.line($0, widths: Self.widths(table), rightAligned: [1]) }
                .joined(separator: "\n") + "\n")
        }
        #expect(TextTable(["X", "Y"], [["1", "a\nb"], ["2", "c\r\nd"]]).indented == "  X  Y\n  1  a\n  b\n  2  c\r\nd\n")
        #expect(TextTable(["X", "Y"], [["10", "ab"]], rightAligned: [0]).indented == "   X  Y\n  10  ab\n")
    }

    static func widths(_ table: TextTable) -> [Int] {
        var widths = table.header.map(\.count)
        for row in table.rows { TextTable.widen(&widths, toFit: row) }
        return widths
    }
}
