import TickerCore

/// Places problems found after reading (by `DagDefinition.validate()`) in the file.
struct ProblemPlacement {
    let origin: String
    let locations: FieldLocations
    let definition: DagDefinition

    func place(_ problem: DagProblem) -> DagFileProblem {
        let path = problem.fieldPath
        if let inherited = inheritedSetting(path) {
            return located(problem.message, field: inherited, at: locations[inherited]?.key)
        }
        if path == ["schedule", "cron"], let location = cronTokenLocation() {
            return located(problem.message, field: path, at: location)
        }
        let place = locations.nearest(path)
        return located(problem.message, field: path, at: place?.entry.key ?? place?.entry.value)
    }

    /// `tasks.x.retries` for a task that took `retries` from `defaults` is a problem with
    /// `defaults.retries`; reported there once rather than once per task.
    private func inheritedSetting(_ path: [String]) -> [String]? {
        guard path.count == 3, path[0] == "tasks", locations[path] == nil,
              DagFileKeys.taskSettings.contains(path[2]), locations[["defaults", path[2]]] != nil else { return nil }
        return ["defaults", path[2]]
    }

    /// The column of the offending token inside a one-line cron expression, found by parsing
    /// it again: the validation message names the token but cannot know the file's columns.
    private func cronTokenLocation() -> SourceLocation? {
        guard case .cron(let text)? = definition.schedule?.rule,
              var start = locations[["schedule", "cron"]]?.textStart else { return nil }
        do {
            _ = try CronExpression(text)
            return nil
        } catch {
            start.column += max(error.column - 1, 0)
            return start
        }
    }

    private func located(_ message: String, field: [String], at location: SourceLocation?) -> DagFileProblem {
        DagFileProblem(
            file: origin, line: location?.line, column: location?.column,
            field: field.isEmpty ? nil : field.joined(separator: "."), message: message)
    }
}
