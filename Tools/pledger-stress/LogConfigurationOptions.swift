import ArgumentParser
import EventLog

/// How a stress command opens its event log: the options every writer shares.
struct LogConfigurationOptions: ParsableArguments {
    @Option(help: "The log's bulk-index limit: how many events a range of index entries may wait to be indexed.")
    var bulkIndexLimit: Int?

    @Option(help: "The most index entries merged whole in one transaction; larger merges go on in steps of about this many.")
    var mergeStep: Int?

    /// The log's configuration with these options applied.
    var configuration: EventLog.Configuration {
        var configuration = EventLog.Configuration()
        if let bulkIndexLimit { configuration.bulkIndexLimit = bulkIndexLimit }
        if let mergeStep { configuration.mergeStepEntries = mergeStep }
        return configuration
    }
}
