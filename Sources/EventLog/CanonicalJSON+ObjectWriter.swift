extension CanonicalJSON {
    /// Writes a JSON object straight to its canonical bytes, member by member, given in canonical
    /// order (bytewise by name; checked in debug builds): the bytes of ``CanonicalJSON/encode(_:)``
    /// without building a ``JSONValue`` tree and sorting it.
    ///
    /// Why: a replay writes the definition of every new entity it meets, and the tree and its sort were
    /// about two thirds of its 26,000 instructions (callgrind, Round 19 in docs/BENCHMARKS.md). A type
    /// written this way keeps its ``JSONValue`` form too, and a test holds the two equal.
    public struct ObjectWriter {
        /// The bytes written so far.
        public private(set) var bytes: [UInt8]
        private var first = true
        #if DEBUG
        private var lastName: [UInt8] = []
        #endif

        /// Starts an object at the end of `bytes`.
        public init(appendingTo bytes: [UInt8] = []) {
            self.bytes = bytes
            self.bytes.append(UInt8(ascii: "{"))
        }

        /// Starts an object in a buffer of `capacity` bytes reserved at once: a writer that knows about
        /// how long its object is copies it to no larger buffer on the way.
        public init(reservingCapacity capacity: Int) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(capacity)
            self.init(appendingTo: bytes)
        }

        /// Ends the object and returns all the bytes.
        public consuming func finish() -> [UInt8] {
            bytes.append(UInt8(ascii: "}"))
            return bytes
        }

        /// Writes `"name":`, after a comma unless it is the first member; the value is written next.
        public mutating func name(_ name: StaticString) {
            name.withUTF8Buffer { name in
                beginMember(UnsafeRawBufferPointer(name))
                bytes.append(0x22)
                bytes.append(contentsOf: name)
                bytes.append(0x22)
                bytes.append(UInt8(ascii: ":"))
            }
        }

        /// A string member whose name is known only at run time (a year's digits, say), the name
        /// written as a JSON string is (``CanonicalJSON/writeString(_:into:)``).
        public mutating func string(named name: String, _ value: String) {
            var name = name
            name.withUTF8 { beginMember(UnsafeRawBufferPointer($0)) }
            CanonicalJSON.writeString(name, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            CanonicalJSON.writeString(value, into: &bytes)
        }

        /// The comma before a member, unless it is the first; in debug builds, the check that `name`
        /// comes after the member before it.
        private mutating func beginMember(_ name: UnsafeRawBufferPointer) {
            #if DEBUG
            assert(first || lastName.lexicographicallyPrecedes(name), "members out of canonical order: \(String(decoding: name, as: UTF8.self)) after \(String(decoding: lastName, as: UTF8.self))")
            lastName = Array(name)
            #endif
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
        }

        public mutating func string(_ name: StaticString, _ value: String) {
            self.name(name)
            CanonicalJSON.writeString(value, into: &bytes)
        }

        /// A member left out when `value` is nil, as ``JSONValue/members(_:)`` leaves it out.
        public mutating func string(_ name: StaticString, _ value: String?) {
            if let value { string(name, value) }
        }

        public mutating func integer(_ name: StaticString, _ value: Int64) {
            self.name(name)
            CanonicalJSON.writeInteger(value, into: &bytes)
        }

        public mutating func bool(_ name: StaticString, _ value: Bool) {
            self.name(name)
            bytes.append(contentsOf: value ? CanonicalJSON.trueBytes : CanonicalJSON.falseBytes)
        }

        public mutating func strings(_ name: StaticString, _ values: [String]) {
            self.name(name)
            bytes.append(UInt8(ascii: "["))
            for (n, v) in values.enumerated() {
                if n > 0 { bytes.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(v, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// A member whose value is written from a tree (``CanonicalJSON/write(_:into:)``).
        public mutating func value(_ name: StaticString, _ value: JSONValue) {
            self.name(name)
            CanonicalJSON.write(value, into: &bytes)
        }

        /// A member whose value is given as its canonical bytes (a stored canonical object, say), written
        /// as they are.
        public mutating func canonical(_ name: StaticString, _ value: UnsafeRawBufferPointer) {
            self.name(name)
            bytes.append(contentsOf: value)
        }

        /// A member whose value is an object, its members written by `body`.
        public mutating func object(_ name: StaticString, _ body: (inout ObjectWriter) -> Void) {
            self.name(name)
            var inner = ObjectWriter(appendingTo: take())
            body(&inner)
            bytes = inner.finish()
        }

        /// The bytes, moved out (so that appending to them does not copy them).
        private mutating func take() -> [UInt8] {
            let taken = bytes
            bytes = []
            return taken
        }
    }
}
