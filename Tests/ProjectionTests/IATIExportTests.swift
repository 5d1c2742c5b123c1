import EventLog
import Foundation
import IATIExport
@testable import Programme
import Projection
import TestSupport
import Testing

/// The IATI export validates against the official 2.03 schema (../shared/standards) with xmllint, and
/// follows the rules the schema does not check.
@Suite struct IATIExportTests {
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/standards/iati-2.03/iati-activities-schema.xsd").standardized.path

    static let exportTime = Timestamp("2026-11-22T12:00:00Z")!

    func export(_ ledger: Ledger, asOf: String? = nil, knownAt: String? = nil) throws -> String {
        var options = IATIActivities.Options()
        options.generatedAt = Self.exportTime
        return try IATIActivities.export(log: ledger.log, store: nil, slice: TimeSlice(asOf: asOf, knownAt: knownAt), options: options).xml
    }

    func validate(_ xml: String, in dir: TemporaryDirectory) throws {
        let file = dir.file("activities.xml")
        try xml.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(FileManager.default.fileExists(atPath: Self.schema), "the IATI schema is expected at \(Self.schema)")
        let r = try run("/usr/bin/xmllint", ["--noout", "--schema", Self.schema, file])
        #expect(r.status == 0, "xmllint (libxml2-utils, installed by scripts/dev): \(r.stderr)")
        #expect(r.stderr.contains("validates"))
        // Rules the schema does not check, read back with Python's XML parser.
        let check = try run("/usr/bin/env", ["python3", "-c", Self.rulesScript, file, "2026-11-22"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    static let rulesScript = """
        import sys, datetime, xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot(); today = datetime.date.fromisoformat(sys.argv[2]); problems = []
        iso4217 = {'KZT', 'USD', 'EUR', 'GBP', 'CHF', 'RUB'}
        def d(s): return datetime.date.fromisoformat(s)
        for a in root.iter('iati-activity'):
            if a.find('activity-status').get('code') not in '123456': problems.append('activity-status')
            for ad in a.iter('activity-date'):
                if ad.get('type') not in ('1', '2', '3', '4'): problems.append('activity-date type')
                if ad.get('type') in ('2', '4') and d(ad.get('iso-date')) > today: problems.append('actual date in the future')
            for o in a.iter('participating-org'):
                if o.get('role') not in ('1', '2', '3', '4'): problems.append('org role')
                if o.get('type') not in ('10', '11', '15', '21', '22', '23', '24', '30', '40', '60', '70', '71', '72', '73', '80', '90'): problems.append('org type')
            for c in a.iter('recipient-country'):
                if len(c.get('code')) != 2: problems.append('country')
            for b in a.iter('budget'):
                s, e = d(b.find('period-start').get('iso-date')), d(b.find('period-end').get('iso-date'))
                if not s <= e: problems.append('budget start after end')
                if (e - s).days > 366: problems.append('budget period over a year')
                if b.get('type') not in ('1', '2') or b.get('status') not in ('1', '2'): problems.append('budget codes')
                if b.find('value').get('currency') not in iso4217: problems.append('currency')
            for t in a.iter('transaction'):
                if t.find('transaction-type').get('code') not in [str(i) for i in range(1, 14)]: problems.append('transaction type')
                if d(t.find('transaction-date').get('iso-date')) > today: problems.append('transaction in the future')
                if t.find('value').get('currency') not in iso4217: problems.append('currency')
            for r in a.iter('result'):
                if r.get('type') not in ('1', '2', '3', '9'): problems.append('result type')
                for i in r.iter('indicator'):
                    if i.get('measure') not in '12345': problems.append('measure')
                    for p in i.iter('period'):
                        if not d(p.find('period-start').get('iso-date')) <= d(p.find('period-end').get('iso-date')): problems.append('period')
            for l in a.iter('document-link'):
                if not l.find('category').get('code') in ('A01','A02','A03','A04','A05','A06','A07','A08','A09','A10','A11','A12'): problems.append('document category')
        print(problems); sys.exit(1 if problems else 0)
        """

    @Test func defaultLedgerExportValidatesAndShowsWithdrawalAndCorrection() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger")
        try ledger.appendDefaultHistory()
        let xml = try export(ledger)
        try validate(xml, in: dir)
        #expect(xml.components(separatedBy: "<iati-activity ").count == 3, "one activity per programme")
        // The withdrawn USD 300,000.00: in the original budget, out of the revised one, and a negative commitment.
        #expect(xml.contains(#"<budget type="1" status="2"><period-start iso-date="2026-01-01"/><period-end iso-date="2026-12-31"/><value currency="USD" value-date="2026-01-01">1950000.00</value></budget>"#))
        #expect(xml.contains(#"<budget type="2" status="2"><period-start iso-date="2026-01-01"/><period-end iso-date="2026-12-31"/><value currency="USD" value-date="2026-01-01">1650000.00</value></budget>"#))
        #expect(xml.contains(#"<transaction-date iso-date="2026-10-09"/><value currency="USD" value-date="2026-10-09">-300000.00</value>"#))
        // The retroactive correction: the health disbursement of 20 May is 1,500,000,000.00, never 15,000,000,000.00.
        #expect(xml.contains(#"<transaction-type code="3"/><transaction-date iso-date="2026-05-20"/><value currency="KZT" value-date="2026-05-20">1500000000.00</value>"#))
        #expect(!xml.contains(">15000000000.00<"))
        // The reallocation takes effect on 1 Jan 2027: after the export date, so no transaction yet, but the
        // 2027 budgets as of the end of 2027 show it.
        #expect(!xml.contains("iso-date=\"2027-01-01\"/><value currency=\"KZT\" value-date=\"2027-01-01\">-5000000000.00"))
        let later = try export(ledger, asOf: "2027-12-31")
        try validate(later, in: dir)
        #expect(later.contains(#"<budget type="2" status="2"><period-start iso-date="2027-01-01"/><period-end iso-date="2027-12-31"/><value currency="KZT" value-date="2027-01-01">234000000000.00</value></budget>"#) == false,
                "the reallocation moves money between directions: the programme's 2027 total does not change, so no revised budget")
        #expect(!later.contains("<transaction-date iso-date=\"2027-"), "no transaction is dated after the export, whatever --as-of says")
        // Results: 10 indicators with baselines and yearly targets; actuals where measured.
        #expect(xml.components(separatedBy: "<indicator ").count == 11)
        #expect(xml.contains(#"<period><period-start iso-date="2026-01-01"/><period-end iso-date="2026-12-31"/><target value="8"/><actual value="6"/></period>"#))
    }

    @Test func anEmptySliceIsAClearErrorNotAnInvalidFile() throws {
        let (_, ledger) = try Scenario.ledger()
        #expect {
            _ = try export(ledger, asOf: "2025-12-31")
        } throws: { "\($0)".contains("no programme to export as of 2025-12-31") }
    }

    @Test func aLedgerWithCorrectionsRevisionsAndDocumentLinksValidates() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Ledger.create(at: dir.path + "/ledger", rules: ProgrammeRules(now: { Timestamp("2027-06-01")! }))
        let events = Scenario.events()
        var link = ProposedEvent(stream: "decision/LINKED", type: "DecisionRecorded", effective: .d("2026-02-01"), actor: "t", rationale: "r", source: "s",
                                 payload: ["title": "Budget & targets <2026>", "kind": "budget", "authority": "organisation/GOV",
                                           "reference": "Order No. 7, https://example.org/orders/7?x=1&y=2", "decidedOn": "2026-02-01",
                                           "authorises": "all", "programme": "programme/P"])
        link.stamp = nil
        try ledger.append(events + [link])
        let xml = try export(ledger, asOf: "2026-11-22")
        try validate(xml, in: dir)
        // Budget 2026: originally 1000.00, revised to 1200.00 (effective 1 Jul 2026).
        #expect(xml.contains(#"<value currency="KZT" value-date="2026-01-01">1000.00</value></budget>"#))
        #expect(xml.contains(#"<budget type="2" status="2"><period-start iso-date="2026-01-01"/><period-end iso-date="2026-12-31"/><value currency="KZT" value-date="2026-01-01">1200.00</value></budget>"#))
        #expect(xml.contains(#"<transaction-date iso-date="2026-07-01"/><value currency="KZT" value-date="2026-07-01">200.00</value>"#))
        #expect(xml.contains(#"<document-link url="https://example.org/orders/7?x=1&amp;y=2" format="text/html"><title><narrative>Budget &amp; targets &lt;2026&gt;</narrative></title>"#))
        // Known before the back-dated disbursement (recorded 1 Sep 2026): only the 100.00 of 1 Mar.
        let early = try export(ledger, asOf: "2026-08-01", knownAt: "2026-08-01")
        try validate(early, in: dir)
        #expect(!early.contains(">50.00<") && early.contains(">100.00<"))
    }
}
