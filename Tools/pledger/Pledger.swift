import ArgumentParser

/// The `pledger` command: an event-sourced programme ledger.
///
/// Every command names itself (`commandName:`): for a command that does not, the argument parser
/// derives the name from its type's through reflection each time it asks, about 350,000 instructions,
/// some 60 times a run (a third of `pledger state`'s instructions: callgrind, Round 35 in
/// docs/BENCHMARKS.md).
@main
struct Pledger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pledger",
        abstract: "An append-only, verifiable ledger of a programme's decisions, targets, funding and milestones.",
        discussion: """
            Every change is appended to an LMDB event log and never edited. The ledger is the directory \
            given by --ledger, or $PLEDGER_LEDGER, or ./ledger.

            Exit codes: 0 success; 1 input refused (bad JSON, a broken rule); 3 version conflict; \
            4 no ledger or it cannot be opened; 5 verification failed (tampering, a bad proof or \
            signature); 6 refused by --read-only; 64 bad command line.
            """,
        version: "0.1.0",
        subcommands: [Demo.self, Init.self, Append.self, Import.self, Export.self, Log.self,
                      State.self, TimelineCommand.self, Audit.self, Replay.self, Backup.self, Restore.self, Bench.self, Verify.self, Checkpoints.self, Prove.self, VerifyProof.self, Keygen.self]
    )
}
