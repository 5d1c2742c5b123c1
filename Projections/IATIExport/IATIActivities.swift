import CurrentState
import EventLog
import Foundation
import Programme
import Projection

/// An IATI 2.03 `iati-activities` file of a ledger's programmes, in a time slice: one activity per
/// programme, with its organisations, dates, budgets, transactions, results and document links.
/// docs/IATI.md gives the mapping.
public struct IATIActivities: Sendable {
    /// How the export is made.
    public struct Options: Sendable {
        /// ISO 3166-1 alpha-2 codes of the recipient countries.
        public var recipientCountries: [String] = ["KZ"]
        /// The moment of the export: `generated-datetime`, and the limit for actual dates.
        public var generatedAt: Timestamp = .now()
        /// Only this programme (a `programme/…` stream); all by default.
        public var programme: StreamName?
        public init() {}
    }

    public var xml: String

    /// Builds the file for `log` in `slice`.
    @available(*, noasync, message: "reads the ledger")
    public static func export(log: EventLog, store: ProjectionStore?, slice: TimeSlice, options: Options = .init()) throws -> IATIActivities {
        let today = options.generatedAt.date
        let resolved = try slice.resolve(in: log, today: today)
        let states = try CurrentState.states(log: log, store: store, slice: resolved)
        let lastRecorded = resolved.sequence > 0 ? try log.event(at: resolved.sequence)?.recorded : nil
        var activities: [String] = []
        for (stream, state) in states {   // in stream-name order
            guard case .programme(let programme) = state, options.programme.map({ $0 == stream }) ?? true else { continue }
            let builder = ActivityBuilder(
                stream: stream, programme: programme, states: states, log: log, slice: resolved, today: today,
                countries: options.recipientCountries, lastUpdated: lastRecorded ?? options.generatedAt)
            activities.append(try builder.xml())
        }
        guard !activities.isEmpty else { throw NothingToExport(slice: resolved) }
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<iati-activities version=\"2.03\" generated-datetime=\"\(XML.dateTime(options.generatedAt))\">\n"
        x += activities.joined()
        x += "</iati-activities>\n"
        return IATIActivities(xml: x)
    }
}

/// XML text helpers.
enum XML {
    static func escape(_ s: String) -> String { XMLText.escape(s) }

    /// `YYYY-MM-DDTHH:MM:SSZ`, as xsd:dateTime.
    static func dateTime(_ t: Timestamp) -> String { String(t.description.prefix(19)) + "Z" }

    static func narrative(_ text: String) -> String { "<narrative>\(escape(text))</narrative>" }
}

/// The slice holds no programme: an IATI file needs at least one activity.
public struct NothingToExport: Error, Sendable, CustomStringConvertible {
    public let slice: ResolvedSlice
    public var description: String {
        "no programme to export as of \(slice.asOf), as known through event \(slice.sequence)"
    }
}
