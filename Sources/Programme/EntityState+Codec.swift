import EventLog

/// The JSON form of an entity's state, as projection snapshots store it.
extension EntityState {
    public var json: JSONValue {
        switch self {
        case .programme(let p): ["kind": "programme", "definition": p.json]
        case .component(let c): ["kind": "component", "definition": c.json]
        case .organisation(let o): ["kind": "organisation", "definition": o.json]
        case .decision(let d): ["kind": "decision", "definition": d.json]
        case .indicator(let s):
            ["kind": "indicator", "definition": s.definition.json, "targets": Self.yearMap(s.targets), "measurements": Self.yearMap(s.measurements)]
        case .allocation(let a):
            ["kind": "allocation", "definition": a.definition.json, "amount": a.amount.json, "withdrawn": .bool(a.withdrawn),
             "disbursed": a.disbursed.json, "spent": a.spent.json]
        case .milestone(let m):
            .members([("kind", "milestone"), ("definition", m.definition.json), ("plannedDate", m.plannedDate.json),
                      ("status", .string(m.status.name)), ("statusDate", m.status.date?.json),
                      ("reschedules", .integer(Int64(m.reschedules)))])
        }
    }

    static func yearMap(_ m: YearValues) -> JSONValue {
        .object(m.map { (String($0.year), $0.value.json) })
    }

    static func readYearMap(_ f: JSONFields, _ key: String) throws(FieldError) -> YearValues {
        let o = try f.object(key)
        var out = YearValues()
        for (k, _) in o.members {
            guard let y = Int(k) else { throw FieldError(field: o.fieldPath(k), "expected a year") }
            out[y] = try o.decimal(k)
        }
        return out
    }

    /// Reads a snapshot written by ``json``.
    public init(json: JSONValue) throws(FieldError) {
        let f = try JSONFields(json)
        let definition = try f.object("definition")
        switch try f.string("kind") {
        case "programme": self = .programme(try ProgrammeDefined(fields: definition))
        case "component": self = .component(try ComponentDefined(fields: definition))
        case "organisation": self = .organisation(try OrganisationDefined(fields: definition))
        case "decision": self = .decision(try DecisionRecorded(fields: definition))
        case "indicator":
            var s = IndicatorState(definition: try IndicatorDefined(fields: definition))
            s.targets = try Self.readYearMap(f, "targets")
            s.measurements = try Self.readYearMap(f, "measurements")
            self = .indicator(s)
        case "allocation":
            var a = AllocationState(definition: try FundingAllocated(fields: definition))
            a.amount = try f.decimal("amount")
            a.withdrawn = try f.bool("withdrawn")
            a.disbursed = try f.decimal("disbursed")
            a.spent = try f.decimal("spent")
            self = .allocation(a)
        case "milestone":
            var m = MilestoneState(definition: try MilestoneScheduled(fields: definition))
            m.plannedDate = try f.date("plannedDate")
            m.reschedules = Int(try f.integer("reschedules"))
            let date = try f.optionalDate("statusDate")
            switch (try f.string("status"), date) {
            case ("scheduled", _): m.status = .scheduled
            case ("achieved", let d?): m.status = .achieved(on: d)
            case ("missed", let d?): m.status = .missed(on: d)
            case ("cancelled", let d?): m.status = .cancelled(on: d)
            default: throw FieldError(field: "status", "unknown milestone status")
            }
            self = .milestone(m)
        case let other:
            throw FieldError(field: "kind", "unknown entity kind \"\(other)\"")
        }
    }

    /// The entity's facts as labelled values, for audit trails: what changed shows as a facet whose
    /// value differs before and after an event.
    public var facets: [(String, String)] {
        switch self {
        case .programme(let p):
            [("title", p.title), ("period", "\(p.start) to \(p.end)"), ("owner", p.owner.description)]
        case .component(let c):
            [("title", c.title), ("level", c.level.rawValue), ("parent", c.parent?.description ?? "—"),
             ("accountable", c.accountable?.description ?? "—")]
        case .organisation(let o):
            [("name", o.name), ("roles", o.roles.map(\.rawValue).joined(separator: ", "))]
        case .decision(let d):
            [("title", d.title), ("reference", d.reference), ("decided on", d.decidedOn.description)]
        case .indicator(let s):
            Self.facets(of: s)
        case .allocation(let a):
            [("amount", Money(a.amount, a.currency).description), ("status", Self.statusText(withdrawn: a.withdrawn)),
             ("disbursed", Money(a.disbursed, a.currency).description), ("spent", Money(a.spent, a.currency).description)]
        case .milestone(let m):
            [("title", m.definition.title), ("planned", m.plannedDate.description),
             ("status", Self.statusText(m.status))]
        }
    }
}

extension EntityState {
    /// An indicator's facets, built into one array: an audit trail makes them for every event of every
    /// indicator, and concatenating three arrays made with string interpolation showed in replays.
    static func facets(of s: IndicatorState) -> [(String, String)] {
        var out: [(String, String)] = []
        out.reserveCapacity(2 + s.targets.count + s.measurements.count)
        out.append(("name", s.definition.name))
        out.append(("baseline", baselineText(s.definition.baseline)))
        for t in s.targets { out.append((yearLabel(targetLabels, "target ", t.year), t.value.description)) }
        for m in s.measurements { out.append((yearLabel(actualLabels, "actual ", m.year), m.value.description)) }
        return out
    }

    /// The first year with a label made in advance; labels of years from here on for two centuries are
    /// looked up, not built: building `"target " + String(year)` was a third of an indicator's facets.
    static let firstLabelledYear = 1900
    static let targetLabels = (0..<200).map { "target " + String(firstLabelledYear + $0) }
    static let actualLabels = (0..<200).map { "actual " + String(firstLabelledYear + $0) }

    static func yearLabel(_ labels: [String], _ prefix: String, _ year: Int) -> String {
        let i = year - firstLabelledYear
        return labels.indices.contains(i) ? labels[i] : prefix + String(year)
    }
}

extension MilestoneStatus {
    /// The day the status took effect; `nil` while scheduled.
    public var date: CalendarDate? {
        switch self {
        case .scheduled: nil
        case .achieved(let d), .missed(let d), .cancelled(let d): d
        }
    }
}
