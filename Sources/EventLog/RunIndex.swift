import LMDB

/// An index kept as sorted runs (`ids`, `streams`) as ``EventLog/mergeRuns(_:of:after:in:)`` reads, merges
/// and writes it: what differs between the two is how a run's entries are held and compared.
protocol RunIndex {
    /// Entries of a run, or some of them, in key order, as this index holds them in memory.
    associatedtype Entries
    /// The database the runs are in.
    var database: Database { get }
    /// Where the index's merge under way (``RunMerge``) is kept in `meta`.
    var mergeKey: [UInt8] { get }
    /// Every entry of listed run `run`, checked as read.
    func entries(of run: RunCatalogue.Run, in txn: borrowing WriteTransaction) throws -> Entries
    /// At most `limit` entries of listed run `run` after the key `key` (as a chunk's key holds it after the
    /// run number; from the first when empty), and the key of the last of them when the run has more.
    func entries(of run: RunCatalogue.Run, after key: [UInt8], limit: Int,
                 in txn: borrowing WriteTransaction) throws -> (entries: Entries, lastIfMore: [UInt8]?)
    /// Lists of entries as one in key order; a key in two is damage.
    func merged(_ inputs: [Entries]) throws -> Entries
    /// Writes `entries` as a new run of `level` at the end of the database, listed last in `catalogue`.
    func writeRun(_ entries: Entries, level: UInt8, into catalogue: inout RunCatalogue, in txn: borrowing WriteTransaction) throws
    /// Writes the entries whose keys are at most `through` (all when nil) as chunks of run number `run`,
    /// after those it has: how many, and the key of the last.
    func writeChunks(of entries: Entries, through: [UInt8]?, run: UInt64,
                     in txn: borrowing WriteTransaction) throws -> (count: Int, lastKey: [UInt8]?)
    /// A filter for run `run` (its seed, room for `capacity` entries) holding the keys of its chunks
    /// so far: a merge's output, when its steps' filter was not kept (``MergeFilter``).
    func filter(ofChunksOf run: RunCatalogue.Run, capacity: Int, in txn: borrowing WriteTransaction) throws -> RunFilter
    /// Adds the keys of the first `count` of `entries` to `filter`.
    func add(_ entries: Entries, first count: Int, to filter: inout RunFilter)
    /// The filter of its merge under way that this process keeps between steps.
    var mergeFilter: MergeFilter { get }
}
