import EventLog

extension EntityState {
    /// `CanonicalJSON.encode(json)`, written member by member (``CanonicalJSON/ObjectWriter``) without
    /// a value tree: what a snapshot stores of a new entity's definition (``EntitySnapshot/definitionBytes(of:)``).
    /// `EntityStateCanonicalJSONTests` holds the two equal.
    public var canonicalJSON: [UInt8] {
        // Room for a whole definition at once: grown from empty, the bytes were copied to a larger
        // buffer about eight times on the way (a member's name and its string cost 325 and 367
        // instructions, 200 and 305 with room reserved; callgrind, Round 39 in docs/BENCHMARKS.md).
        var w = CanonicalJSON.ObjectWriter(reservingCapacity: Self.canonicalJSONCapacity)
        switch self {
        case .programme(let p): Self.write(p.writeMembers, kind: "programme", into: &w)
        case .component(let c): Self.write(c.writeMembers, kind: "component", into: &w)
        case .organisation(let o): Self.write(o.writeMembers, kind: "organisation", into: &w)
        case .decision(let d): Self.write(d.writeMembers, kind: "decision", into: &w)
        case .indicator(let s):
            Self.write(s.definition.writeMembers, kind: "indicator", into: &w)
            Self.yearMap("measurements", s.measurements, into: &w)
            Self.yearMap("targets", s.targets, into: &w)
        case .allocation(let a):
            w.string("amount", a.amount.description)
            w.object("definition", a.definition.writeMembers)
            w.string("disbursed", a.disbursed.description)
            w.string("kind", "allocation")
            w.string("spent", a.spent.description)
            w.bool("withdrawn", a.withdrawn)
        case .milestone(let m):
            Self.write(m.definition.writeMembers, kind: "milestone", into: &w)
            w.string("plannedDate", m.plannedDate.description)
            w.integer("reschedules", Int64(m.reschedules))
            w.string("status", m.status.name)
            w.string("statusDate", m.status.date?.description)
        }
        return w.finish()
    }

    /// ``canonicalJSON`` of the decision that a `DecisionRecorded` event defines, from the event's
    /// payload's bytes as stored (``EventCodec/StoredHeader/payload``), read in place at its current
    /// schema (``ProgrammeEvent/decodeInPlace(_:_:)``): `{"definition":` + the payload + `,"kind":"decision"}`.
    ///
    /// Why: a tenth of a programme's events are decisions, each an entity of its own, and making each
    /// one's definition member by member was about 8,500 instructions of a replay's reading thread
    /// (callgrind, Round 39 in docs/BENCHMARKS.md). The payload read in place is already what
    /// `DecisionRecorded.writeMembers` writes: canonical JSON of the same members (unknown members are
    /// refused, nulls too), each value a plain ASCII string (no escapes, which would not be read in
    /// place) that the decoding keeps as it is. Debug builds check that it is, decision by decision.
    public static func decisionDefinitionBytes(payload: UnsafeRawBufferPointer) -> [UInt8] {
        var w = CanonicalJSON.ObjectWriter(reservingCapacity: payload.count + 32)
        w.canonical("definition", payload)
        w.string("kind", "decision")
        return w.finish()
    }

    /// The bytes reserved for ``canonicalJSON`` at the start: more than most definitions take (a
    /// decision's about 200 bytes in the bench's history, by `mdb_dump` of `state-entities`), so that
    /// one allocation holds them.
    static let canonicalJSONCapacity = 512

    /// `"definition":{…},"kind":"…"`: the two members every kind begins with.
    private static func write(_ definition: (inout CanonicalJSON.ObjectWriter) -> Void, kind: String, into w: inout CanonicalJSON.ObjectWriter) {
        w.object("definition", definition)
        w.string("kind", kind)
    }

    /// A year map (``yearMap(_:)``): its names are the years' digits, in canonical order when every
    /// year has four (years are ascending); any other map goes through the tree.
    private static func yearMap(_ name: StaticString, _ m: YearValues, into w: inout CanonicalJSON.ObjectWriter) {
        guard m.allSatisfy({ (1000...9999).contains($0.year) }) else { return w.value(name, yearMap(m)) }
        w.object(name) { years in
            for e in m { years.string(named: String(e.year), e.value.description) }
        }
    }
}

extension ProgrammeDefined {
    /// The members of ``json``, in canonical order.
    func writeMembers(into w: inout CanonicalJSON.ObjectWriter) {
        w.string("description", description)
        w.string("end", end.description)
        w.string("owner", owner.stream.rawValue)
        w.string("start", start.description)
        w.string("title", title)
    }
}

extension ComponentDefined {
    /// The members of ``json``, in canonical order.
    func writeMembers(into w: inout CanonicalJSON.ObjectWriter) {
        w.string("accountable", accountable?.stream.rawValue)
        w.string("level", level.rawValue)
        w.string("parent", parent?.stream.rawValue)
        w.string("programme", programme.stream.rawValue)
        w.string("title", title)
    }
}

extension IndicatorDefined {
    /// The members of ``json``, in canonical order.
    func writeMembers(into w: inout CanonicalJSON.ObjectWriter) {
        if let baseline {
            w.object("baseline") { b in
                b.string("value", baseline.value.description)
                b.integer("year", Int64(baseline.year))
            }
        }
        w.string("component", component.stream.rawValue)
        w.bool("higherIsBetter", higherIsBetter)
        w.string("measure", measure.rawValue)
        w.string("name", name)
        w.string("unit", unit)
    }
}

extension OrganisationDefined {
    /// The members of ``json``, in canonical order.
    func writeMembers(into w: inout CanonicalJSON.ObjectWriter) {
        w.string("iatiIdentifier", iatiIdentifier)
        w.string("iatiType", iatiType)
        w.string("name", name)
        w.strings("roles", roles.map(\.rawValue))
    }
}

extension DecisionRecorded {
    /// The members of ``json``, in canonical order.
    func writeMembers(into w: inout CanonicalJSON.ObjectWriter) {
        w.string("authorises", authorises)
        w.string("authority", authority.stream.rawValue)
        w.string("decidedOn", decidedOn.description)
        w.string("kind", kind.rawValue)
        w.string("programme", programme?.stream.rawValue)
        w.string("reference", reference)
        w.string("title", title)
    }
}

extension FundingAllocated {
    /// The members of ``json``, in canonical order.
    func writeMembers(into w: inout CanonicalJSON.ObjectWriter) {
        w.string("amount", money.amountText)
        w.string("component", component.stream.rawValue)
        w.string("currency", money.currency.code)
        w.string("decision", decision.stream.rawValue)
        w.integer("fiscalYear", Int64(fiscalYear))
        w.string("funder", funder.stream.rawValue)
        w.string("source", source.rawValue)
    }
}

extension MilestoneScheduled {
    /// The members of ``json``, in canonical order.
    func writeMembers(into w: inout CanonicalJSON.ObjectWriter) {
        w.string("component", component.stream.rawValue)
        w.string("decision", decision?.stream.rawValue)
        w.string("plannedDate", plannedDate.description)
        w.string("title", title)
    }
}
