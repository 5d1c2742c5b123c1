import EventLog

extension EntitySnapshotDecoder {
    /// One read of many entities' snapshots in ascending key order, as "the programme as of a date" makes.
    ///
    /// Why: such a query reads the same entities in the same order every time. A pass finds each entity's
    /// stream name and decoded definition among those earlier passes read by comparing key bytes at the
    /// next expected position — no hashing, no second validation of a name — and learns what is new,
    /// for ``EntitySnapshotDecoder/keep(_:)`` to hand to later passes.
    public struct Pass: Sendable {
        let known: [Kept]
        var position = 0
        var learned: [Kept] = []

        init(known: [Kept]) { self.known = known }

        /// How many entities earlier passes read: a hint for the size of a result.
        public var knownCount: Int { known.count }

        /// The key of the entity in the middle of those earlier passes read, when they read at least
        /// `minimum`: a place to split the next read into two halves of about equal work.
        public func middleKey(minimum: Int) -> [UInt8]? {
            known.count >= max(2, minimum) ? known[known.count / 2].name : nil
        }

        /// The stream name for entity key `name` and the state stored in `snapshot`, which refers by
        /// number to one of the entity's `definitions` (``EntitySnapshot/encodeDefinitions(_:)``);
        /// throws ``FieldError`` when the key is not a stream name or the bytes are not a snapshot and
        /// a definition list.
        public mutating func decode(_ snapshot: UnsafeRawBufferPointer, definitions list: UnsafeRawBufferPointer,
                                    key name: UnsafeRawBufferPointer) throws -> (StreamName, EntityState) {
            let (stream, definitions) = try self.definitions(list, key: name)
            var r = SnapshotReader(bytes: snapshot)
            return (stream, try EntitySnapshotDecoder.state(referringTo: definitions, rest: &r))
        }

        /// The stream name for entity key `name` and the states its definition `list` stands for
        /// (``EntitySnapshot/encodeDefinitions(_:)``), in order: found among what earlier passes read,
        /// else decoded and learnt; throws ``FieldError`` when the key is not a stream name or the bytes
        /// are not a definition list.
        ///
        /// Why: a state as it was known at a past point starts from the entity's definition and folds
        /// the effects of its events known then (`CurrentStateProjection`), with no snapshot to decode.
        public mutating func definitions(_ list: UnsafeRawBufferPointer, key name: UnsafeRawBufferPointer) throws -> (StreamName, [EntityState]) {
            let found = find(name)
            if let found, found.decodedFrom(list) { return (found.stream, found.states) }
            let stream = try found?.stream ?? StreamName(validatingUTF8: name, field: "(entity key)")
            let definitions = try EntitySnapshotDecoder.definitions(list)
            learned.append(Kept(name: Array(name), stream: stream, bytes: Array(list), states: definitions))
            return (stream, definitions)
        }

        /// The known entry for key `name`: first at the position after the last one found, else by
        /// binary search (keys are in ascending order).
        private mutating func find(_ name: UnsafeRawBufferPointer) -> Kept? {
            if position < known.count, known[position].isKept(under: name) {
                position += 1
                return known[position - 1]
            }
            var low = 0, high = known.count
            while low < high {
                let mid = (low + high) / 2
                if known[mid].name.lexicographicallyPrecedes(name) { low = mid + 1 } else { high = mid }
            }
            position = low
            guard low < known.count, known[low].isKept(under: name) else { return nil }
            position += 1
            return known[low]
        }
    }
}
