import TickerCore
internal import Yams

extension NodeReader {
    /// Reads `tasks:`, a mapping from task id to task, keeping declaration order.
    ///
    /// A task that cannot be read still appears (with its id and defaults), so other tasks that
    /// depend on it do not collect a second, misleading "unknown task" problem.
    mutating func tasks(_ entry: YAMLEntry, defaults: TaskSettings, registry: OperatorRegistry) -> [TaskDefinition] {
        guard !entry.value.isNull else { return [] }
        let expecting = "a mapping from task id to task"
        guard let entries = entries(of: entry.value, at: entry.path, allowed: nil, expecting: expecting) else { return [] }
        return entries.map { task($0, defaults: defaults, registry: registry) }
    }

    private mutating func task(_ entry: YAMLEntry, defaults: TaskSettings, registry: OperatorRegistry) -> TaskDefinition {
        var definition = TaskDefinition(id: entry.key, operatorName: "")
        defaults.apply(to: &definition)
        let expecting = "a task: a mapping with at least `operator`"
        guard let fields = entries(of: entry.value, at: entry.path, allowed: DagFileKeys.task, expecting: expecting)
        else { return definition }

        var own = TaskSettings()
        var operatorEntry: YAMLEntry?
        for field in fields where !readSetting(field, into: &own) {
            switch field.key {
            case "operator": operatorEntry = field
            case "with": definition.params = parameters(field)
            case "depends_on": definition.dependsOn = strings(field, allowSingle: true) ?? []
            default: break
            }
        }
        let effective = own.overriding(defaults)
        checkRetryCap(written: own, effective: effective, at: entry.path)
        effective.apply(to: &definition)
        definition.operatorName = operatorName(operatorEntry, task: entry, registry: registry) ?? ""
        if let factory = registry.factory(named: definition.operatorName) {
            reportParameterProblems(factory.validate(definition.params), task: entry.path)
        }
        return definition
    }

    /// The operator's name if it is registered; otherwise reports and returns nil.
    private mutating func operatorName(_ entry: YAMLEntry?, task: YAMLEntry, registry: OperatorRegistry) -> String? {
        let registered = "registered operators: \(registry.names.joined(separator: ", "))"
        guard let entry else {
            report("missing required key `operator` (\(registered))", field: task.path + ["operator"], at: task.keyNode.location)
            return nil
        }
        guard let name = string(entry) else {
            if entry.value.isNull { reportValue(entry, expected: "an operator name (\(registered))") }
            return nil
        }
        guard registry.factory(named: name) == nil else { return name }
        var message = "unknown operator `\(name)`"
        if let hint = ClosestNames.hint(for: name, among: registry.names) { message += " (\(hint))" }
        report(message + "; \(registered)", field: entry.path, at: entry.value.location)
        return nil
    }

    /// Places each problem at the parameter's key, or at the nearest key written above it (a
    /// missing required parameter lands on `with:`, or on the task if `with:` is missing too).
    private mutating func reportParameterProblems(_ found: [ParameterProblem], task path: [String]) {
        for problem in found {
            let field = path + ["with"] + problem.path
            let place = locations.nearest(field)
            let location = place?.entry.key ?? place?.entry.value
            report(problem.message, field: field, at: location)
        }
    }
}
