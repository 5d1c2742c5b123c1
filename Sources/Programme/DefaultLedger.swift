import EventLog
import Foundation

/// The ledger that ships with pledger: the National Programme "Children of Kazakhstan" 2026–2030 and the
/// Government–UNICEF Country Programme 2026–2030.
///
/// Facts from public sources (`shared/programme-facts.md`) carry their source in the event's `source`.
/// Everything else — indicator names, baselines and targets, the yearly split of funding, milestone dates,
/// execution figures — is illustrative, and says so in its `source` (`illustrative`) and `rationale`,
/// so that no reader takes it for an official figure. The history runs from January to November 2026,
/// with recorded times to match, so that "as known at" questions have real answers: a target change,
/// a reallocation, a rescheduled and a missed milestone, a cancelled one, a withdrawn allocation and a
/// retroactive correction.
public enum DefaultLedger {
    /// The programme streams.
    public static let nationalProgramme = "programme/NP-CHILDREN-KZ-2026-2030"
    public static let countryProgramme = "programme/CP-KAZ-UNICEF-2026-2030"

    /// The published total funding of the National Programme.
    public static let nationalProgrammeTotal = Money(ExactDecimal(significand: 1_300_000_000_000_00, scale: 2), .kzt)

    /// The history, in order, each event stamped with its position and recorded time.
    public static var events: [ProposedEvent] { build().events }

    static let illustrative = "illustrative"

    /// National Programme directions: code, title, accountable ministry, share of the KZT 1.3 trillion in percent.
    static let directions: [(String, String, String, Int)] = [
        ("NP-D1-SAFETY", "Safety", "organisation/MVD-KZ", 20),
        ("NP-D2-EDUCATION", "Education", "organisation/MOE-KZ", 35),
        ("NP-D3-HEALTH", "Health", "organisation/MOH-KZ", 25),
        ("NP-D4-FAMILY", "Family and social protection", "organisation/MLSP-KZ", 20),
    ]

    /// Share of each direction's funding per year, in percent (illustrative).
    static let yearShares: [(Int, Int)] = [(2026, 15), (2027, 18), (2028, 20), (2029, 22), (2030, 25)]

    /// Indicators: code, direction, name, unit, measure, higher is better, baseline (2025), targets 2026–2030.
    static let indicators: [(String, String, String, String, IndicatorMeasure, Bool, String, [String])] = [
        ("IND-01", "NP-D2-EDUCATION", "Share of general-education schools offering a weekly psychologist hour", "percent", .percentage, true, "35", ["50", "65", "80", "90", "100"]),
        ("IND-02", "NP-D1-SAFETY", "Support rooms for child victims of violence in operation", "rooms", .unit, true, "0", ["10", "20", "30", "35", "40"]),
        ("IND-03", "NP-D1-SAFETY", "Registered offences against children per 100,000 children", "offences per 100,000 children", .unit, false, "62.0", ["60.0", "57.0", "54.0", "51.0", "48.0"]),
        ("IND-04", "NP-D3-HEALTH", "Share of pupils screened on the unified digital platform for psychological diagnostics", "percent", .percentage, true, "0", ["10", "35", "60", "80", "95"]),
        ("IND-05", "NP-D3-HEALTH", "Psychological-medical-pedagogical consultations in operation", "consultations", .unit, true, "80", ["90", "100", "110", "120", "130"]),
        ("IND-06", "NP-D4-FAMILY", "Licensed providers of special psycho-pedagogical support", "providers", .unit, true, "0", ["20", "60", "120", "200", "300"]),
        ("IND-07", "NP-D2-EDUCATION", "Share of children with special educational needs in inclusive education", "percent", .percentage, true, "62.0", ["65.0", "70.0", "75.0", "80.0", "85.0"]),
        ("IND-08", "NP-D3-HEALTH", "Suicides among adolescents aged 15–17 per 100,000", "deaths per 100,000 aged 15–17", .unit, false, "11.0", ["10.5", "10.0", "9.5", "9.0", "8.5"]),
        ("IND-09", "NP-D4-FAMILY", "Children in residential care per 100,000 children", "children per 100,000", .unit, false, "95", ["90", "85", "80", "75", "70"]),
        ("IND-10", "NP-D4-FAMILY", "Share of families with children in difficult life situations receiving social support services", "percent", .percentage, true, "40", ["45", "50", "55", "60", "65"]),
    ]

    static func build() -> HistoryBuilder {
        var h = HistoryBuilder(namespace: "pledger/default-ledger/1")
        structure(&h)
        funding(&h)
        targetsAndMilestones(&h)
        laterHistory(&h)
        return h
    }

    // MARK: - Organisations, programmes, decisions, components (January–February 2026)

    static func structure(_ h: inout HistoryBuilder) {
        h.at("2026-01-28T09:00:00Z", actor: "pledger default ledger (data entry)")
        let orgs: [(String, String, [String], String?, String?, String)] = [
            ("GOV-KZ", "Government of the Republic of Kazakhstan", ["funder", "accountable"], nil, "10", "inform.kz; zakon.kz 6505826"),
            ("MOE-KZ", "Ministry of Enlightenment of the Republic of Kazakhstan", ["accountable", "implementing"], nil, "10", "inform.kz; zakon.kz 6497008; kaz.zakon.kz 6075495"),
            ("MOH-KZ", "Ministry of Health of the Republic of Kazakhstan", ["accountable", "implementing"], nil, "10", "kaz.zakon.kz 6075495"),
            ("MVD-KZ", "Ministry of Internal Affairs of the Republic of Kazakhstan", ["accountable", "implementing"], nil, "10", "kaz.zakon.kz 6075495"),
            ("MLSP-KZ", "Ministry of Labour and Social Protection of the Population of the Republic of Kazakhstan", ["accountable", "implementing"], nil, "10", "kaz.zakon.kz 6075495"),
            ("MFA-KZ", "Ministry of Foreign Affairs of the Republic of Kazakhstan", ["accountable"], nil, "10", "seeds/000_2aad692998ecbdba.txt; astanatimes.com, December 2024"),
            ("UNICEF", "United Nations Children's Fund (UNICEF)", ["funder", "implementing"], "XM-DAC-41122", "40", "seeds/000_2aad692998ecbdba.txt; IATI code lists"),
        ]
        for (code, name, roles, iati, type, source) in orgs {
            h.add(OrganisationDefined.self, "organisation/\(code)",
                  .members([("name", .string(name)), ("roles", .array(roles.map(JSONValue.string))),
                            ("iatiIdentifier", iati.map(JSONValue.string)), ("iatiType", type.map(JSONValue.string))]),
                  effective: "2026-01-27", rationale: "takes part in the programmes", source: source)
        }

        h.add(ProgrammeDefined.self, nationalProgramme, [
            "title": "National Programme «Children of Kazakhstan» 2026–2030",
            "description": "Child well-being, child protection systems, violence prevention and equal opportunities for every child; about 7 million children (34% of the population); 4 directions, 10 indicators, 158 measures, KZT 1.3 trillion.",
            "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV-KZ",
        ], effective: "2026-01-27",
              rationale: "approved by the Government on 27 January 2026 (government texts call it a concept)",
              source: "seeds/003_a93391f2c566bb25.txt; inform.kz; kazpravda.kz; zakon.kz 6505826; dknews.kz 382803")
        h.add(ProgrammeDefined.self, countryProgramme, [
            "title": "Country Programme of Cooperation between the Government of Kazakhstan and UNICEF 2026–2030",
            "description": "Inclusive education; mental health support for adolescents; digital safety; modernised social services for vulnerable families.",
            "start": "2026-01-01", "end": "2030-12-31", "owner": "organisation/GOV-KZ",
        ], effective: "2026-01-01", rationale: "the Country Programme's period is 2026–2030",
              source: "seeds/000_2aad692998ecbdba.txt; qazinform.com, May 2025")

        let decisions: [(String, String, String, String, String, String, String, String?, String, String)] = [
            ("CP-BCA-1994", "Basic Cooperation Agreement between the Government of Kazakhstan and UNICEF", "agreement", "organisation/GOV-KZ",
             "signed 25 November 1994; ratified by Law No. 176 of 10 April 2001", "1994-11-25",
             "cooperation between the Government and UNICEF: the legal basis of every country programme", countryProgramme,
             "the legal basis of the Country Programme", "zakonpravo.kz"),
            ("CP-STEERING-2024-12-06", "Country Programme steering committee", "review", "organisation/MFA-KZ",
             "meeting of 6 December 2024, co-chaired by the First Deputy Minister of Foreign Affairs and the UNICEF Representative", "2024-12-06",
             "preparation of the 2026–2030 Country Programme", countryProgramme, "steering committee of the Country Programme", "astanatimes.com, December 2024"),
            ("NP-REVIEW-2025-11-07", "Draft National Programme reviewed", "review", "organisation/GOV-KZ",
             "meeting of 7 November 2025 chaired by the Deputy Prime Minister", "2025-11-07",
             "finalising the draft prepared by the Ministry of Enlightenment with the Children's Rights Ombudsperson, members of parliament and civil society",
             nationalProgramme, "the draft was reviewed before approval", "inform.kz; zakon.kz 6497008"),
            ("NP-APPROVAL-2026-01-27", "National Programme «Children of Kazakhstan» 2026–2030 approved", "approval", "organisation/GOV-KZ",
             "Government approval of 27 January 2026 (the sources give no decree number)", "2026-01-27",
             "the programme: 4 directions, 10 indicators, 158 measures, KZT 1.3 trillion over 2026–2030", nationalProgramme,
             "the programme's approval", "inform.kz; zakon.kz 6505826; zakon.kz 6505794"),
        ]
        for (code, title, kind, authority, reference, decided, authorises, programme, rationale, source) in decisions {
            h.add(DecisionRecorded.self, "decision/\(code)",
                  .members([("title", .string(title)), ("kind", .string(kind)), ("authority", .string(authority)),
                            ("reference", .string(reference)), ("decidedOn", .string(decided)), ("authorises", .string(authorises)),
                            ("programme", programme.map(JSONValue.string))]),
                  effective: decided, rationale: rationale, source: source)
        }
        h.add(DecisionRecorded.self, "decision/CP-HIGH-LEVEL-2026", [
            "title": "High-level meeting: deepen the partnership and mark UNICEF's 80th anniversary",
            "kind": "amendment", "authority": "organisation/MFA-KZ",
            "reference": "meeting of First Deputy Minister of Foreign Affairs Y. Ashikbayev and UNICEF Representative Rashed Sarwar",
            "decidedOn": "2026-01-20", "authorises": "joint events in 2026 marking the 80th anniversary of UNICEF (founded 1946)",
            "programme": .string(countryProgramme),
        ], effective: "2026-01-20",
              rationale: "the meeting is in the source; its date is not, and 2026-01-20 is illustrative",
              source: "seeds/000_2aad692998ecbdba.txt")

        h.at("2026-02-02T10:00:00Z", actor: "pledger default ledger (data entry)")
        for (code, title, accountable, _) in directions {
            h.add(ComponentDefined.self, "component/\(code)", [
                "programme": .string(nationalProgramme), "level": "direction", "title": .string(title), "accountable": .string(accountable),
            ], effective: "2026-01-27", rationale: "one of the programme's 4 directions", source: "inform.kz; kazpravda.kz; kaz.zakon.kz 6075495")
        }
        let outputs: [(String, String, String)] = [
            ("NP-D1-O1", "NP-D1-SAFETY", "40 support rooms for child victims of violence"),
            ("NP-D2-O1", "NP-D2-EDUCATION", "A psychologist hour in schools"),
            ("NP-D3-O1", "NP-D3-HEALTH", "A unified digital platform for psychological diagnostics"),
            ("NP-D3-O2", "NP-D3-HEALTH", "More psychological-medical-pedagogical consultations"),
            ("NP-D4-O1", "NP-D4-FAMILY", "Licensing of providers of special psycho-pedagogical support"),
        ]
        for (code, parent, title) in outputs {
            h.add(ComponentDefined.self, "component/\(code)", [
                "programme": .string(nationalProgramme), "level": "output", "parent": .string("component/\(parent)"), "title": .string(title),
            ], effective: "2026-01-27", rationale: "a planned measure named in the sources; its place under this direction is illustrative",
                  source: "kazpravda.kz; gazeta.kg 163160")
        }
        let outcomes: [(String, String, String)] = [
            ("CP-O1-EDUCATION", "Inclusive education", "seeds/000_2aad692998ecbdba.txt"),
            ("CP-O2-MENTAL-HEALTH", "Mental health support for adolescents", "seeds/000_2aad692998ecbdba.txt"),
            ("CP-O3-DIGITAL-SAFETY", "Digital safety frameworks", "seeds/000_2aad692998ecbdba.txt"),
            ("CP-O4-SOCIAL-SERVICES", "Modernised social services for vulnerable families", "seeds/000_2aad692998ecbdba.txt"),
        ]
        for (code, title, source) in outcomes {
            h.add(ComponentDefined.self, "component/\(code)", [
                "programme": .string(countryProgramme), "level": "outcome", "title": .string(title), "accountable": "organisation/MFA-KZ",
            ], effective: "2026-01-01", rationale: "a focus area of the Country Programme", source: source)
        }
        h.add(ComponentDefined.self, "component/CP-O5-PARTNERSHIP", [
            "programme": .string(countryProgramme), "level": "outcome", "title": "Programme coordination and partnership", "accountable": "organisation/MFA-KZ",
        ], effective: "2026-01-01", rationale: "illustrative component holding the partnership milestones", source: illustrative)

        for (code, direction, name, unit, measure, higher, baseline, _) in indicators {
            h.add(IndicatorDefined.self, "indicator/\(code)", [
                "component": .string("component/\(direction)"), "name": .string(name), "unit": .string(unit),
                "measure": .string(measure.rawValue), "higherIsBetter": .bool(higher),
                "baseline": ["value": .string(baseline), "year": 2025],
            ], effective: "2026-01-27",
                  rationale: "the programme has 10 indicators (inform.kz; kazpravda.kz); this name, unit and baseline are illustrative",
                  source: illustrative)
        }
    }

    // MARK: - Funding: KZT 1.3 trillion split by direction and year; UNICEF resources (February 2026)

    static func funding(_ h: inout HistoryBuilder) {
        h.at("2026-02-09T09:00:00Z", actor: "illustrative: programme office, Ministry of Enlightenment")
        h.add(DecisionRecorded.self, "decision/NP-BUDGET-2026-02", [
            "title": "Yearly split of the programme's KZT 1.3 trillion by direction", "kind": "budget", "authority": "organisation/GOV-KZ",
            "reference": "illustrative: no yearly split is published", "decidedOn": "2026-02-06",
            "authorises": "allocations per direction and fiscal year 2026–2030 adding up to KZT 1,300,000,000,000.00",
            "programme": .string(nationalProgramme),
        ], effective: "2026-02-06", rationale: "the total is published; the split is illustrative", source: illustrative)
        for (code, _, _, share) in directions {
            let directionTotal = 1_300_000_000_000 * share / 100
            for (year, yearShare) in yearShares {
                let amount = directionTotal * yearShare / 100
                h.add(FundingAllocated.self, "allocation/\(code)-\(year)", [
                    "component": .string("component/\(code)"), "amount": .string("\(amount).00"), "currency": "KZT",
                    "fiscalYear": .integer(Int64(year)), "source": "state-budget", "funder": "organisation/GOV-KZ",
                    "decision": "decision/NP-BUDGET-2026-02",
                ], effective: "2026-02-06",
                      rationale: "illustrative share (\(share)% of the total to this direction, \(yearShare)% of it in \(year)) of the published KZT 1.3 trillion",
                      source: "total: inform.kz; dknews.kz 382803; split: illustrative")
            }
        }
        h.at("2026-02-16T09:00:00Z", actor: "illustrative: UNICEF Kazakhstan country office")
        h.add(DecisionRecorded.self, "decision/CP-BUDGET-2026", [
            "title": "Country Programme resources for 2026", "kind": "budget", "authority": "organisation/UNICEF",
            "reference": "illustrative: the split between regular and other resources is not published", "decidedOn": "2026-02-13",
            "authorises": "UNICEF regular and other resources for the 2026 workplan", "programme": .string(countryProgramme),
        ], effective: "2026-02-13", rationale: "illustrative budget decision", source: illustrative)
        let cp: [(String, String, String, String)] = [
            ("CP-O1-EDUCATION", "650000.00", "unicef-regular-resources", "organisation/UNICEF"),
            ("CP-O2-MENTAL-HEALTH", "480000.00", "unicef-regular-resources", "organisation/UNICEF"),
            ("CP-O3-DIGITAL-SAFETY", "300000.00", "unicef-other-resources", "organisation/UNICEF"),
            ("CP-O4-SOCIAL-SERVICES", "520000.00", "unicef-regular-resources", "organisation/UNICEF"),
            ("CP-O4-SOCIAL-SERVICES", "1500000000.00", "state-budget", "organisation/GOV-KZ"),
        ]
        for (i, (component, amount, source, funder)) in cp.enumerated() {
            let currency = funder == "organisation/UNICEF" ? "USD" : "KZT"
            h.add(FundingAllocated.self, "allocation/\(component)-2026-\(i + 1)", [
                "component": .string("component/\(component)"), "amount": .string(amount), "currency": .string(currency),
                "fiscalYear": 2026, "source": .string(source), "funder": .string(funder), "decision": "decision/CP-BUDGET-2026",
            ], effective: "2026-02-13", rationale: "illustrative 2026 allocation", source: illustrative)
        }
    }

    // MARK: - Targets and milestones (February–March 2026)

    static func targetsAndMilestones(_ h: inout HistoryBuilder) {
        h.at("2026-02-20T09:00:00Z", actor: "illustrative: programme office, Ministry of Enlightenment")
        h.add(DecisionRecorded.self, "decision/NP-TARGETS-2026-02", [
            "title": "Yearly targets for the programme's 10 indicators", "kind": "target", "authority": "organisation/MOE-KZ",
            "reference": "illustrative: targets are not published", "decidedOn": "2026-02-18",
            "authorises": "targets for 2026–2030", "programme": .string(nationalProgramme),
        ], effective: "2026-02-18", rationale: "illustrative target decision", source: illustrative)
        for (code, _, _, _, _, _, _, targets) in indicators {
            for (year, value) in zip(2026...2030, targets) {
                h.add(TargetSet.self, "indicator/\(code)", ["year": .integer(Int64(year)), "value": .string(value), "decision": "decision/NP-TARGETS-2026-02"],
                      effective: "2026-02-18", rationale: "illustrative target", source: illustrative)
            }
        }
        h.at("2026-03-02T09:00:00Z", actor: "illustrative: programme office, Ministry of Enlightenment")
        let milestones: [(String, String, String, String, String)] = [
            ("NP-M01", "NP-D1-O1", "First 10 support rooms for child victims of violence open", "2026-09-01", illustrative),
            ("NP-M02", "NP-D1-O1", "40 support rooms for child victims of violence open", "2028-12-31", "40 rooms: kazpravda.kz; gazeta.kg 163160; date: illustrative"),
            ("NP-M03", "NP-D2-O1", "Weekly psychologist hour introduced in all general-education schools", "2026-09-01", "measure: kazpravda.kz; date: illustrative"),
            ("NP-M04", "NP-D3-O1", "Unified digital platform for psychological diagnostics launched", "2026-06-30", "measure: kazpravda.kz; date: illustrative"),
            ("NP-M05", "NP-D4-O1", "Licensing rules for providers of special psycho-pedagogical support adopted", "2026-12-31", "measure: gazeta.kg 163160; date: illustrative"),
            ("NP-M06", "NP-D1-O1", "Regional pilot of mobile support rooms", "2026-10-01", illustrative),
            ("CP-M01", "CP-O5-PARTNERSHIP", "Joint events marking UNICEF's 80th anniversary", "2026-12-11", "events: seeds/000_2aad692998ecbdba.txt; date: illustrative (UNICEF was founded on 11 December 1946)"),
            ("CP-M02", "CP-O5-PARTNERSHIP", "Country Programme mid-term review", "2028-06-30", illustrative),
        ]
        for (code, component, title, planned, source) in milestones {
            h.add(MilestoneScheduled.self, "milestone/\(code)", [
                "component": .string("component/\(component)"), "title": .string(title), "plannedDate": .string(planned),
            ], effective: "2026-03-02", rationale: "planned milestone", source: source)
        }
    }

    // MARK: - What happened since (April–November 2026)

    static func laterHistory(_ h: inout HistoryBuilder) {
        let office = "illustrative: programme office, Ministry of Enlightenment"
        h.at("2026-04-16T09:00:00Z", actor: "illustrative: Treasury Committee, Ministry of Finance")
        for (code, amount) in [("NP-D1-SAFETY", "12500000000.00"), ("NP-D2-EDUCATION", "20000000000.00"), ("NP-D4-FAMILY", "9000000000.00")] {
            h.add(DisbursementRecorded.self, "allocation/\(code)-2026", ["amount": .string(amount), "currency": "KZT", "reference": "illustrative: first-quarter transfer"],
                  effective: "2026-04-15", rationale: "illustrative first-quarter disbursement", source: illustrative)
        }
        h.at("2026-05-22T09:00:00Z", actor: "illustrative: Treasury Committee, Ministry of Finance")
        h.add(DisbursementRecorded.self, "allocation/NP-D3-HEALTH-2026",
              ["amount": "15000000000.00", "currency": "KZT", "reference": "illustrative: payment order 2026-05-20"],
              effective: "2026-05-20", rationale: "illustrative disbursement", source: illustrative, label: "mistyped-disbursement")

        h.at("2026-06-18T09:00:00Z", actor: office)
        h.add(DecisionRecorded.self, "decision/NP-TARGET-REVISION-2026-06", [
            "title": "2026 target for support rooms lowered", "kind": "target", "authority": "organisation/MOE-KZ",
            "reference": "illustrative: order of 15 June 2026", "decidedOn": "2026-06-15",
            "authorises": "8 instead of 10 support rooms in 2026, the other 2 moved to 2027", "programme": .string(nationalProgramme),
        ], effective: "2026-06-15", rationale: "premises for two rooms were not ready", source: illustrative)
        h.add(TargetChanged.self, "indicator/IND-02", [
            "year": 2026, "value": "8", "previousValue": "10", "reason": "premises for two rooms were not ready", "decision": "decision/NP-TARGET-REVISION-2026-06",
        ], effective: "2026-06-15", rationale: "illustrative target change", source: illustrative)

        h.at("2026-07-03T09:00:00Z", actor: office)
        h.add(MilestoneMissed.self, "milestone/NP-M04", [:], effective: "2026-06-30",
              rationale: "illustrative: the platform was not launched by 30 June 2026", source: illustrative)
        h.at("2026-07-10T09:00:00Z", actor: office)
        h.add(DecisionRecorded.self, "decision/NP-SCHEDULE-2026-07", [
            "title": "Launch of the diagnostics platform moved", "kind": "schedule", "authority": "organisation/MOH-KZ",
            "reference": "illustrative: protocol of 8 July 2026", "decidedOn": "2026-07-08",
            "authorises": "launch by 31 March 2027; the 2027 screening target lowered to 30%", "programme": .string(nationalProgramme),
        ], effective: "2026-07-08", rationale: "procurement of the platform was delayed", source: illustrative)
        h.add(MilestoneRescheduled.self, "milestone/NP-M04", [
            "plannedDate": "2027-03-31", "previousDate": "2026-06-30", "decision": "decision/NP-SCHEDULE-2026-07",
        ], effective: "2026-07-08", rationale: "illustrative reschedule after the missed launch", source: illustrative)
        h.add(TargetChanged.self, "indicator/IND-04", [
            "year": 2027, "value": "30", "previousValue": "35", "reason": "the platform launches in March 2027, not June 2026",
            "decision": "decision/NP-SCHEDULE-2026-07",
        ], effective: "2026-07-08", rationale: "illustrative target change", source: illustrative)

        h.at("2026-08-20T09:00:00Z", actor: office)
        h.add(DecisionRecorded.self, "decision/NP-SCHEDULE-2026-08", [
            "title": "Support rooms: first ten later; mobile pilot dropped", "kind": "schedule", "authority": "organisation/MVD-KZ",
            "reference": "illustrative: protocol of 18 August 2026", "decidedOn": "2026-08-18",
            "authorises": "the first 10 rooms by 15 December 2026; no mobile pilot", "programme": .string(nationalProgramme),
        ], effective: "2026-08-18", rationale: "fit-out of the rooms takes longer than planned", source: illustrative)
        h.add(MilestoneRescheduled.self, "milestone/NP-M01", [
            "plannedDate": "2026-12-15", "previousDate": "2026-09-01", "decision": "decision/NP-SCHEDULE-2026-08",
        ], effective: "2026-08-18", rationale: "illustrative reschedule", source: illustrative)
        h.add(MilestoneCancelled.self, "milestone/NP-M06", ["decision": "decision/NP-SCHEDULE-2026-08"], effective: "2026-08-18",
              rationale: "illustrative: superseded by the permanent support rooms", source: illustrative)

        h.at("2026-09-05T09:00:00Z", actor: office)
        h.add(MilestoneAchieved.self, "milestone/NP-M03", [
            "achievedOn": "2026-09-01", "evidence": "illustrative: start-of-school-year report of the Ministry of Enlightenment",
        ], effective: "2026-09-01", rationale: "illustrative achievement", source: illustrative)

        h.at("2026-09-24T09:00:00Z", actor: office)
        h.add(DecisionRecorded.self, "decision/NP-REALLOCATION-2026-09", [
            "title": "KZT 5 billion of 2027 funding moved from education to safety", "kind": "budget", "authority": "organisation/GOV-KZ",
            "reference": "illustrative: resolution of 22 September 2026", "decidedOn": "2026-09-22",
            "authorises": "2027 education allocation −5,000,000,000.00; 2027 safety allocation +5,000,000,000.00",
            "programme": .string(nationalProgramme),
        ], effective: "2026-09-22", rationale: "support rooms need more capital funding", source: illustrative)
        h.add(FundingRevised.self, "allocation/NP-D2-EDUCATION-2027", [
            "amount": "76900000000.00", "previousAmount": "81900000000.00", "currency": "KZT", "decision": "decision/NP-REALLOCATION-2026-09",
        ], effective: "2027-01-01", rationale: "illustrative reallocation, out of education", source: illustrative, correlation: "reallocation-2026-09")
        h.add(FundingRevised.self, "allocation/NP-D1-SAFETY-2027", [
            "amount": "51800000000.00", "previousAmount": "46800000000.00", "currency": "KZT", "decision": "decision/NP-REALLOCATION-2026-09",
        ], effective: "2027-01-01", rationale: "illustrative reallocation, into safety", source: illustrative, correlation: "reallocation-2026-09")

        h.at("2026-10-05T09:00:00Z", actor: "illustrative: Treasury Committee, Ministry of Finance")
        h.add(EventCorrected.self, "allocation/NP-D3-HEALTH-2026", [
            "corrects": .string(h.id("mistyped-disbursement").canonicalString), "action": "replace",
            "replacement": ["amount": "1500000000.00", "currency": "KZT", "reference": "illustrative: payment order 2026-05-20"],
        ], effective: "2026-05-20", rationale: "the amount was keyed with an extra zero: the payment order says KZT 1,500,000,000.00",
              source: "illustrative: reconciliation with the payment order")
        h.add(ExpenditureRecorded.self, "allocation/NP-D2-EDUCATION-2026", [
            "amount": "14250000000.00", "currency": "KZT", "description": "illustrative: psychologists' hours, January–September",
        ], effective: "2026-09-30", rationale: "illustrative expenditure report", source: illustrative)

        h.at("2026-10-12T09:00:00Z", actor: "illustrative: UNICEF Kazakhstan country office")
        h.add(DecisionRecorded.self, "decision/CP-DONOR-2026-10", [
            "title": "Digital safety co-funding not received", "kind": "budget", "authority": "organisation/UNICEF",
            "reference": "illustrative: note of 9 October 2026", "decidedOn": "2026-10-09",
            "authorises": "withdrawal of the 2026 digital safety other-resources allocation", "programme": .string(countryProgramme),
        ], effective: "2026-10-09", rationale: "the donor contribution did not arrive", source: illustrative)
        h.add(FundingWithdrawn.self, "allocation/CP-O3-DIGITAL-SAFETY-2026-3", ["decision": "decision/CP-DONOR-2026-10"],
              effective: "2026-10-09", rationale: "illustrative withdrawal", source: illustrative)
        h.add(DisbursementRecorded.self, "allocation/CP-O1-EDUCATION-2026-1", ["amount": "210000.00", "currency": "USD", "recipient": "organisation/MOE-KZ"],
              effective: "2026-10-10", rationale: "illustrative transfer for inclusive-education training", source: illustrative)

        h.at("2026-11-02T09:00:00Z", actor: "illustrative: Bureau of National Statistics")
        for (code, value) in [("IND-01", "52"), ("IND-02", "6"), ("IND-04", "4"), ("IND-07", "63.5")] {
            h.add(IndicatorMeasured.self, "indicator/\(code)", ["year": 2026, "value": .string(value)], effective: "2026-09-30",
                  rationale: "illustrative nine-month figure", source: illustrative)
        }
    }
}
