import EventLog
import Programme
import Projection

/// One programme as an `iati-activity`.
struct ActivityBuilder {
    let stream: StreamName
    let programme: ProgrammeDefined
    /// In stream-name order.
    let states: EntityStates
    let log: EventLog
    let slice: ResolvedSlice
    let today: CalendarDate
    let countries: [String]
    let lastUpdated: Timestamp
    /// The programme's components, in stream-name order.
    let components: [(StreamName, ComponentDefined)]
    /// The allocations to those components, in stream-name order.
    let allocations: [(StreamName, AllocationState)]
    /// The indicators of each of those components, in stream-name order.
    let indicators: [StreamName: [(StreamName, IndicatorState)]]

    /// The builder of `programme`'s activity; its components, allocations and indicators are found in
    /// `states` here, once.
    ///
    /// Why: they were computed properties, each a walk over every state, and the allocations' walked
    /// every state again for each allocation (to list the components): at 1,000,000 events, 100,904
    /// states, an export took 4.3 s, most of it copying states.
    init(stream: StreamName, programme: ProgrammeDefined, states: EntityStates, log: EventLog, slice: ResolvedSlice,
         today: CalendarDate, countries: [String], lastUpdated: Timestamp) {
        self.stream = stream
        self.programme = programme
        self.states = states
        self.log = log
        self.slice = slice
        self.today = today
        self.countries = countries
        self.lastUpdated = lastUpdated
        var components: [(StreamName, ComponentDefined)] = []
        for (s, state) in states {
            if case .component(let c) = state, c.programme.stream == stream { components.append((s, c)) }
        }
        let componentStreams = Set(components.map(\.0))
        var allocations: [(StreamName, AllocationState)] = []
        var indicators: [StreamName: [(StreamName, IndicatorState)]] = [:]
        for (s, state) in states {
            switch state {
            case .allocation(let a) where componentStreams.contains(a.definition.component.stream):
                allocations.append((s, a))
            case .indicator(let i) where componentStreams.contains(i.definition.component.stream):
                indicators[i.definition.component.stream, default: []].append((s, i))
            default:
                break
            }
        }
        self.components = components
        self.allocations = allocations
        self.indicators = indicators
    }

    var code: String { EntityReference(stream: stream)?.code ?? stream.rawValue }

    func organisation(_ ref: EntityReference) -> OrganisationDefined? {
        if case .organisation(let o)? = states[ref.stream] { return o }
        return nil
    }

    /// The organisation's IATI identifier, or a placeholder `XI-PLEDGER-<code>` that the publisher must
    /// replace with its registered identifier.
    func iatiRef(_ ref: EntityReference) -> String {
        organisation(ref)?.iatiIdentifier ?? "XI-PLEDGER-" + ref.code
    }

    func iatiType(_ ref: EntityReference) -> String { organisation(ref)?.iatiType ?? "10" }

    func xml() throws -> String {
        let reporting = programme.owner
        let identifier = iatiRef(reporting) + "-" + code
        var x = "<iati-activity last-updated-datetime=\"\(XML.dateTime(lastUpdated))\" xml:lang=\"en\" hierarchy=\"1\">\n"
        x += "<iati-identifier>\(XML.escape(identifier))</iati-identifier>\n"
        x += "<reporting-org ref=\"\(XML.escape(iatiRef(reporting)))\" type=\"\(XML.escape(iatiType(reporting)))\">\(XML.narrative(organisation(reporting)?.name ?? reporting.code))</reporting-org>\n"
        x += "<title>\(XML.narrative(programme.title))</title>\n"
        x += "<description type=\"1\">\(XML.narrative(programme.description ?? programme.title))</description>\n"
        let funding = try fundingEvents()
        x += participatingOrgs(recipients: funding.recipients)
        x += "<activity-status code=\"\(activityStatus)\"/>\n"
        x += "<activity-date type=\"1\" iso-date=\"\(programme.start)\"/>\n"
        if programme.start <= min(slice.asOf, today) { x += "<activity-date type=\"2\" iso-date=\"\(programme.start)\"/>\n" }
        x += "<activity-date type=\"3\" iso-date=\"\(programme.end)\"/>\n"
        if programme.end <= min(slice.asOf, today) { x += "<activity-date type=\"4\" iso-date=\"\(programme.end)\"/>\n" }
        // Several countries share 100 % in hundredths; the first takes the remainder so the sum is exact.
        let hundredths = countries.isEmpty ? 0 : 10_000 / countries.count
        for (i, c) in countries.enumerated() {
            let share = hundredths + (i == 0 ? 10_000 - hundredths * countries.count : 0)
            let percentage = countries.count == 1 ? "" : " percentage=\"\(ExactDecimal(significand: Int128(share), scale: 2))\""
            x += "<recipient-country code=\"\(XML.escape(c))\"\(percentage)/>\n"
        }
        x += budgets()
        x += funding.transactions
        x += documentLinks()
        x += results()
        x += "</iati-activity>\n"
        return x
    }

    /// IATI ActivityStatus: 1 pipeline, 2 implementation, 4 closed.
    var activityStatus: Int {
        if slice.asOf < programme.start { return 1 }
        if slice.asOf > programme.end { return 4 }
        return 2
    }

    /// IATI OrganisationRole: 1 funding, 2 accountable, 4 implementing.
    func participatingOrgs(recipients: [EntityReference]) -> String {
        var rows: [(Int, EntityReference)] = []
        func add(_ role: Int, _ ref: EntityReference?) {
            guard let ref, !rows.contains(where: { $0.0 == role && $0.1 == ref }) else { return }
            rows.append((role, ref))
        }
        for (_, a) in allocations { add(1, a.definition.funder) }
        add(2, programme.owner)
        for (_, c) in components { add(2, c.accountable) }
        // Implementing: organisations with that role accountable for a component, and recipients of disbursements.
        for (_, c) in components {
            if let a = c.accountable, organisation(a)?.roles.contains(.implementing) == true { add(4, a) }
        }
        for recipient in recipients { add(4, recipient) }
        return rows.sorted { ($0.0, $0.1.stream) < ($1.0, $1.1.stream) }.map { role, ref in
            "<participating-org ref=\"\(XML.escape(iatiRef(ref)))\" type=\"\(XML.escape(iatiType(ref)))\" role=\"\(role)\">\(XML.narrative(organisation(ref)?.name ?? ref.code))</participating-org>\n"
        }.joined()
    }

    /// Budgets per fiscal year and currency: type 1 (original) with every amount first allocated, and type 2
    /// (revised) with the amounts that stand now, when revisions or withdrawals changed them. Status 2 (committed).
    func budgets() -> String {
        struct Key: Hashable, Comparable {
            var year: Int
            var currency: String
            static func < (a: Key, b: Key) -> Bool { (a.year, a.currency) < (b.year, b.currency) }
        }
        var original: [Key: ExactDecimal] = [:], current: [Key: ExactDecimal] = [:]
        for (_, a) in allocations {
            let k = Key(year: a.definition.fiscalYear, currency: a.currency.code)
            original[k, default: .zero] = original[k, default: .zero] + a.definition.money.amount
            current[k, default: .zero] = current[k, default: .zero] + (a.withdrawn ? .zero : a.amount)
        }
        var x = ""
        for k in original.keys.sorted() {
            let start = "\(k.year)-01-01", end = "\(k.year)-12-31"
            let currency = Currency(code: k.currency) ?? .kzt
            func value(_ d: ExactDecimal) -> String {
                "<value currency=\"\(k.currency)\" value-date=\"\(start)\">\(Money(d, currency).amountText)</value>"
            }
            x += "<budget type=\"1\" status=\"2\"><period-start iso-date=\"\(start)\"/><period-end iso-date=\"\(end)\"/>\(value(original[k] ?? .zero))</budget>\n"
            if let now = current[k], now != original[k] {
                x += "<budget type=\"2\" status=\"2\"><period-start iso-date=\"\(start)\"/><period-end iso-date=\"\(end)\"/>\(value(now))</budget>\n"
            }
        }
        return x
    }

    /// What the allocations' events in the slice give, each allocation's stream read once: the
    /// recipients of their disbursements (in the order first recorded, allocation by allocation), and
    /// the transactions, corrections applied, none dated after the export: 2 (outgoing commitment)
    /// for an allocation, a revision's change and a withdrawal (negative); 3 (disbursement); 4
    /// (expenditure).
    func fundingEvents() throws -> (recipients: [EntityReference], transactions: String) {
        var recipients: [EntityReference] = []
        var rows: [(CalendarDate, UInt64, String)] = []
        for (allocation, a) in allocations {
            let known = try log.events(in: allocation, through: slice.sequence).filter(slice.includes)
            for event in known where event.type == DisbursementRecorded.typeName {
                if case .disbursementRecorded(let d) = try ProgrammeEvent.decode(event), let r = d.recipient, !recipients.contains(r) { recipients.append(r) }
            }
            let included = known.sorted { ($0.effective, $0.sequence) < ($1.effective, $1.sequence) }
            var amount = ExactDecimal.zero
            for (event, typed) in try EntityState.effectiveEvents(included) where event.effective <= today {
                let currency = a.currency
                func row(_ type: Int, _ value: ExactDecimal, _ text: String, receiver: EntityReference? = nil) {
                    var t = "<transaction ref=\"\(XML.escape(event.id.canonicalString))\"><transaction-type code=\"\(type)\"/>"
                    t += "<transaction-date iso-date=\"\(event.effective)\"/>"
                    t += "<value currency=\"\(currency.code)\" value-date=\"\(event.effective)\">\(Money(value, currency).amountText)</value>"
                    t += "<description>\(XML.narrative(text))</description>"
                    t += "<provider-org ref=\"\(XML.escape(iatiRef(a.definition.funder)))\" type=\"\(XML.escape(iatiType(a.definition.funder)))\">\(XML.narrative(organisation(a.definition.funder)?.name ?? a.definition.funder.code))</provider-org>"
                    if let receiver {
                        t += "<receiver-org ref=\"\(XML.escape(iatiRef(receiver)))\" type=\"\(XML.escape(iatiType(receiver)))\">\(XML.narrative(organisation(receiver)?.name ?? receiver.code))</receiver-org>"
                    }
                    t += "</transaction>\n"
                    rows.append((event.effective, event.sequence, t))
                }
                switch typed {
                case .fundingAllocated(let f):
                    amount = f.money.amount
                    row(2, amount, "allocation \(allocation.rawValue), fiscal year \(f.fiscalYear), \(f.source.rawValue)")
                case .fundingRevised(let r):
                    row(2, r.money.amount - amount, "revision of \(allocation.rawValue): \(amount) → \(r.money.amount)")
                    amount = r.money.amount
                case .fundingWithdrawn:
                    row(2, .zero - amount, "withdrawal of \(allocation.rawValue)")
                    amount = .zero
                case .disbursementRecorded(let d):
                    row(3, d.money.amount, "disbursement from \(allocation.rawValue)" + (d.reference.map { " (\($0))" } ?? ""), receiver: d.recipient)
                case .expenditureRecorded(let e):
                    row(4, e.money.amount, e.description)
                default:
                    break
                }
            }
        }
        return (recipients, rows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2).joined())
    }

    /// Document links for decisions of this programme whose reference is a web address.
    func documentLinks() -> String {
        var x = ""
        for (_, state) in states {
            guard case .decision(let d) = state, d.programme?.stream == stream,
                  let url = d.reference.split(separator: " ").first(where: { $0.hasPrefix("https://") || $0.hasPrefix("http://") }) else { continue }
            x += "<document-link url=\"\(XML.escape(String(url)))\" format=\"text/html\"><title>\(XML.narrative(d.title))</title>"
            x += "<category code=\"\(documentCategory(d.kind))\"/><document-date iso-date=\"\(d.decidedOn)\"/></document-link>\n"
        }
        return x
    }

    /// IATI DocumentCategory: A09 memorandum of understanding for agreements, A05 budget, A08 results
    /// (targets), A02 objectives / purpose for approvals and other decisions.
    func documentCategory(_ kind: DecisionKind) -> String {
        switch kind {
        case .agreement: "A09"
        case .budget: "A05"
        case .target: "A08"
        default: "A02"
        }
    }

    /// One result per component with indicators: type 1 (output) for outputs, 2 (outcome) otherwise.
    func results() -> String {
        var x = ""
        for (componentStream, c) in components {
            guard let indicators = indicators[componentStream], !indicators.isEmpty else { continue }
            x += "<result type=\"\(c.level == .output ? 1 : 2)\"><title>\(XML.narrative(c.title))</title>\n"
            for (_, i) in indicators {
                x += "<indicator measure=\"\(measureCode(i.definition.measure))\" ascending=\"\(i.definition.higherIsBetter ? 1 : 0)\"><title>\(XML.narrative(i.definition.name + " (" + i.definition.unit + ")"))</title>"
                if let b = i.definition.baseline {
                    x += "<baseline year=\"\(b.year)\" iso-date=\"\(b.year)-01-01\" value=\"\(b.value)\"/>"
                }
                for (year, target, actual) in YearValues.aligned(i.targets, i.measurements) {
                    x += "<period><period-start iso-date=\"\(year)-01-01\"/><period-end iso-date=\"\(year)-12-31\"/>"
                    if let t = target { x += "<target value=\"\(t)\"/>" }
                    if let a = actual { x += "<actual value=\"\(a)\"/>" }
                    x += "</period>"
                }
                x += "</indicator>\n"
            }
            x += "</result>\n"
        }
        return x
    }

    /// IATI IndicatorMeasure codes.
    func measureCode(_ m: IndicatorMeasure) -> Int {
        switch m {
        case .unit: 1
        case .percentage: 2
        case .nominal: 3
        case .ordinal: 4
        case .qualitative: 5
        }
    }
}
