import Dispatch

extension JSONLines {
    /// A ``Reader`` whose runs are read and decoded on another thread, one run ahead of the caller:
    /// while one run is appended, the next is decoded.
    ///
    /// Why: decoding a line (parsing it, checking its fields, and for a restored line encoding it again
    /// to compare) costs about twice what appending its event does (callgrind, docs/BENCHMARKS.md Round
    /// 31), and `pledger import` did both on one thread of a machine's cores.
    ///
    /// Errors come in the order they would one run at a time: a bad line is thrown by the ``next()``
    /// that would have read it, after the runs before it were given. Call ``finish()`` before the file
    /// is closed: it waits for a read still going on.
    public final class ReadAhead: @unchecked Sendable {
        private var reader: Reader
        private let count: Int
        /// The run read ahead, written by the reading thread before `ready` is signalled and taken by
        /// the caller after waiting for it: no access overlaps another.
        private var pending: Result<[Line]?, LineError>?
        private let ready = DispatchSemaphore(value: 0)
        /// Whether a read was started and not yet waited for. The caller's alone.
        private var reading = false

        /// Reads `reader`'s runs of up to `count` events, starting the first at once.
        public init(_ reader: consuming Reader, count: Int) {
            self.reader = reader
            self.count = count
            startReading()
        }

        /// The next run, as ``Reader/next(_:)`` gives it; the one after it is started before this returns.
        public func next() throws(LineError) -> [Line]? {
            guard reading else { return nil }
            ready.wait()
            reading = false
            let result = pending ?? .success(nil)
            pending = nil
            if case .success(.some) = result { startReading() }
            return try result.get()
        }

        /// Waits for a read still going on; after it, ``next()`` gives nil.
        public func finish() {
            if reading { ready.wait() }
            reading = false
            pending = nil
        }

        private func startReading() {
            reading = true
            DispatchQueue.global().async { [self] in
                pending = Result { () throws(LineError) -> [Line]? in try reader.next(count) }
                ready.signal()
            }
        }
    }
}
