/// A name that the keys of the `types` or `effective` index begin with (a type's, or a date's as
/// `YYYY-MM-DD`), with its fingerprint made once (``IndexWatermarks/fingerprint(ofName:)``).
///
/// Why: ``LogTail`` keeps each waiting entry under its name and range; with the fingerprint made once,
/// the range is read from it and a dictionary hashes one word, not the text.
struct IndexName: Hashable, IndexedName {
    let text: String
    let fingerprint: UInt64

    init(_ text: String) {
        var text = text
        fingerprint = text.withUTF8 { IndexWatermarks.fingerprint(ofName: UnsafeRawBufferPointer($0)) }
        self.text = text
    }

    var indexRange: Int { IndexWatermarks.range(ofFingerprint: fingerprint) }

    static func == (a: IndexName, b: IndexName) -> Bool { a.fingerprint == b.fingerprint && a.text == b.text }

    func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    /// The texts' order: their bytes' for the ASCII names these are.
    static func < (a: IndexName, b: IndexName) -> Bool { a.text < b.text }
}
