@testable import Programme
import Testing

/// The payload types are found by name through their own table: every catalogue name finds its type,
/// and no other text finds one, however close to a name it is.
@Suite struct PayloadTypeTableTests {
    @Test func everyNameFindsItsTypeAndNoOtherTextFindsOne() {
        let table = ProgrammeEvent.byName
        for type in ProgrammeEvent.catalogue {
            #expect(table[type.typeName].map { $0 == type } == true, "\(type.typeName)")
            let name = type.typeName
            var near = ["", String(name.dropLast()), String(name.dropFirst()), name + "s", name.lowercased(), name.uppercased(),
                        " " + name, name + "\u{0}", String(repeating: name, count: 3)]
            // Each byte changed in turn to every other printable ASCII byte: texts of the same length,
            // some of which start their search at the name's own slot.
            let bytes = Array(name.utf8)
            for i in bytes.indices {
                for b in UInt8(0x20)...UInt8(0x7E) where b != bytes[i] {
                    var changed = bytes
                    changed[i] = b
                    near.append(String(decoding: changed, as: UTF8.self))
                }
            }
            for text in near where !ProgrammeEvent.catalogue.contains(where: { $0.typeName == text }) {
                #expect(table[text] == nil, "\(text.debugDescription)")
            }
        }
        #expect(ProgrammeEvent.payloadType(named: "Qazaqstan") == nil)
        #expect(ProgrammeEvent.payloadType(named: "Қазақстан") == nil)
    }
}
