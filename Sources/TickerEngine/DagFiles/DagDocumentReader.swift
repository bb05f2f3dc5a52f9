import TickerCore
internal import Yams

extension NodeReader {
    /// Reads a whole DAG file. Returns nil, after reporting, when the top level is not a mapping;
    /// otherwise a definition built from everything readable, with defaults where values were bad.
    mutating func dag(_ root: YAMLNode, registry: OperatorRegistry) -> DagDefinition? {
        let expecting = "a mapping with at least the keys `dag` and `tasks`"
        guard let entries = entries(of: root, at: [], allowed: DagFileKeys.dag, expecting: expecting) else { return nil }
        var fields: [String: YAMLEntry] = [:]
        for entry in entries { fields[entry.key] = entry }

        var dag = DagDefinition(id: "", tasks: [], origin: origin)
        readHeader(fields, into: &dag)
        readRunPolicies(fields, into: &dag)
        for key in ["dag", "tasks"] where fields[key] == nil {
            report("missing required key `\(key)`", field: [key], at: root.location)
        }
        let defaults = fields["defaults"].map { readDefaults($0) } ?? TaskSettings()
        if let tasks = fields["tasks"] { dag.tasks = self.tasks(tasks, defaults: defaults, registry: registry) }
        return dag
    }

    private mutating func readHeader(_ fields: [String: YAMLEntry], into dag: inout DagDefinition) {
        if let entry = fields["dag"] { dag.id = string(entry) ?? "" }
        if let entry = fields["description"] { dag.description = string(entry) }
        if let entry = fields["tags"] { dag.tags = strings(entry, allowSingle: false) ?? [] }
        if let entry = fields["schedule"] { dag.schedule = schedule(entry) }
        if let entry = fields["paused"] { dag.pausedOnCreate = bool(entry) ?? dag.pausedOnCreate }
    }

    private mutating func readRunPolicies(_ fields: [String: YAMLEntry], into dag: inout DagDefinition) {
        if let entry = fields["misfire_grace"] { dag.misfireGrace = duration(entry) ?? dag.misfireGrace }
        if let entry = fields["overlap"] { dag.overlap = choice(entry, DagFileValues.overlap) ?? dag.overlap }
        if let entry = fields["max_active_runs"] { dag.maxActiveRuns = int(entry) ?? dag.maxActiveRuns }
        if let entry = fields["run_timeout"] { dag.runTimeout = duration(entry) }
        dag.misfire = misfirePolicy(fields)
    }

    /// `misfire` and `misfire_cap` together; a cap next to another policy is reported, since it
    /// would do nothing.
    private mutating func misfirePolicy(_ fields: [String: YAMLEntry]) -> MisfirePolicy {
        let kind = fields["misfire"].flatMap { choice($0, DagFileValues.misfire) }
        let cap = fields["misfire_cap"].flatMap { int($0) }
        let kindKnown = fields["misfire"] == nil || kind != nil
        if let capEntry = fields["misfire_cap"], kindKnown, kind != .all {
            report("only applies with `misfire: all`", field: capEntry.path, at: capEntry.keyNode.location)
        }
        switch kind ?? .latestOnce {
        case .skip: return .skip
        case .latestOnce: return .latestOnce
        case .all: return .all(cap: cap ?? DagFileValues.defaultMisfireCap)
        }
    }

    private mutating func readDefaults(_ entry: YAMLEntry) -> TaskSettings {
        var settings = TaskSettings()
        guard !entry.value.isNull else { return settings }
        let expecting = "a mapping of task settings"
        for field in entries(of: entry.value, at: entry.path, allowed: DagFileKeys.taskSettings, expecting: expecting) ?? [] {
            _ = readSetting(field, into: &settings)
        }
        checkRetryCap(written: settings, effective: settings, at: entry.path)
        return settings
    }
}
