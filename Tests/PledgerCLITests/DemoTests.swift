import Foundation
import TestSupport
import Testing

@Suite struct DemoTests {
    static let expected = """
        Built the default ledger at LEDGER: 150 events, recorded 2026-01-28 to 2026-11-02.
        Facts carry their public source; figures whose source says "illustrative" are not official.

        National Programme «Children of Kazakhstan» 2026–2030
          4 directions, 5 outputs, 10 indicators
          allocated KZT 1,300,000,000,000.00; disbursed KZT 43,000,000,000.00; spent KZT 14,250,000,000.00
        Country Programme of Cooperation between the Government of Kazakhstan and UNICEF 2026–2030
          5 outcomes
          allocated KZT 1,500,000,000.00 + USD 1,650,000.00; disbursed USD 210,000.00; spent nothing; withdrawn USD 300,000.00

        Milestones: 1 achieved, 6 scheduled, 1 cancelled (2 rescheduled)
        Changes: 2 target changes, 2 funding revisions, 1 withdrawal, 1 retroactive correction
        Integrity: every stored RFC 9162 leaf hash matches its event's canonical bytes.

        Latest events:
          SEQ  RECORDED    EFFECTIVE   TYPE                  STREAM
          150  2026-11-02  2026-09-30  IndicatorMeasured     indicator/IND-07
          149  2026-11-02  2026-09-30  IndicatorMeasured     indicator/IND-04
          148  2026-11-02  2026-09-30  IndicatorMeasured     indicator/IND-02
          147  2026-11-02  2026-09-30  IndicatorMeasured     indicator/IND-01
          146  2026-10-12  2026-10-10  DisbursementRecorded  allocation/CP-O1-EDUCATION-2026-1
          145  2026-10-12  2026-10-09  FundingWithdrawn      allocation/CP-O3-DIGITAL-SAFETY-2026-3

        Try next:
          pledger state --ledger LEDGER --as-of 2026-06-30 --known-at 2026-06-17   what was believed before the June change
          pledger audit --ledger LEDGER indicator/IND-02                           who changed the support-room targets, and why
          pledger timeline --ledger LEDGER --format svg > milestones.svg           plan against actual, slips visible
          pledger verify --ledger LEDGER                                           recompute every hash; prove nothing changed

        """

    @Test func demoBuildsTheDefaultLedgerAndPrintsOneScreen() throws {
        let f = try CLIFixture()
        let r = try f.pledger("demo")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.replacingOccurrences(of: f.ledger, with: "LEDGER") == Self.expected)
        #expect(r.stdout.split(separator: "\n").count <= 30, "about one screen")
        // What it tells the user to try next works.
        let history = try f.pledger("audit", "indicator/IND-02")
        #expect(history.status == 0)
        #expect(history.stdout.contains("TargetChanged") && history.stdout.contains("target 2026: 10 → 8"))
        let believed = try f.pledger("state", "--as-of", "2026-06-30", "--known-at", "2026-06-17")
        #expect(believed.stdout.contains("IND-02     2026      10"))
        #expect(try f.pledger("timeline", "--format", "svg").stdout.hasPrefix("<svg "))
        #expect(try f.pledger("verify").status == 0)
        let corrections = try f.pledger("log", "--type", "EventCorrected", "--json")
        #expect(corrections.stdout.contains(#""action":"replace""#) && corrections.stdout.contains(#""effective":"2026-05-20""#))
        #expect(try f.export().split(separator: "\n").count == 150)
    }

    @Test func demoRefusesALedgerThatHoldsEvents() throws {
        let f = try CLIFixture()
        try f.initWithPrelude()
        let before = try f.export()
        let r = try f.pledger("demo")
        #expect(r.status == 1)
        #expect(r.stderr == "pledger: error: the demo builds a fresh ledger, but \(f.ledger) already holds 5 events; give another --ledger\n")
        #expect(try f.export() == before)
    }
}
