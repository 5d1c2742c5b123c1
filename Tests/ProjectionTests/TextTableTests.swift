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
}
