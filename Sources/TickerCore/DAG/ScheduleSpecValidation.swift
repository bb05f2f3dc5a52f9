import Foundation

extension ScheduleSpec {
    /// The problem `compile()` finds, if any, under the DAG-file key it concerns
    /// (`schedule.cron`, `schedule.timezone`, `schedule.every`, `schedule.end`), so a loader can
    /// point at that key's line rather than at `schedule:`.
    func problems() -> [DagProblem] {
        // `compile()` stops at its first problem; a bad time zone and a bad cron expression are
        // both worth knowing at once, so these two are checked separately first.
        let separate = [timeZoneCheck(), cronCheck()].compactMap { $0 }
        guard separate.isEmpty else { return separate }
        do {
            _ = try compile()
            return []
        } catch let error as ScheduleError {
            return [problem(for: error)]
        } catch let error as CronError {
            return [cronProblem(error)]
        } catch {
            return [DagProblem(field: "schedule", message: "\(error)")]
        }
    }

    private func timeZoneCheck() -> DagProblem? {
        TimeZone(identifier: timeZone) == nil ? timeZoneProblem(timeZone) : nil
    }

    private func cronCheck() -> DagProblem? {
        guard case .cron(let text) = rule else { return nil }
        do {
            _ = try CronExpression(text)
            return nil
        } catch {
            return cronProblem(error)
        }
    }

    private func problem(for error: ScheduleError) -> DagProblem {
        if case .invalidCron(let cronError) = error { return cronProblem(cronError) }
        if case .unknownTimeZone(let name) = error { return timeZoneProblem(name) }
        if case .neverFires = error { return DagProblem(field: "schedule.cron", message: error.description) }
        if case .intervalTooShort = error { return DagProblem(field: "schedule.every", message: error.description) }
        if case .endBeforeStart = error { return DagProblem(field: "schedule.end", message: error.description) }
        return DagProblem(field: "schedule", message: error.description)
    }

    /// The cron error's description already names the cron field and column (`hour: "25" is out
    /// of range 0-23 (column 3)`); the expression is added so the message stands on its own.
    private func cronProblem(_ error: CronError) -> DagProblem {
        var expression = ""
        if case .cron(let text) = rule { expression = " `\(text)`" }
        return DagProblem(field: "schedule.cron", message: "invalid cron expression\(expression): \(error.description)")
    }

    private func timeZoneProblem(_ name: String) -> DagProblem {
        var message = "unknown time zone `\(name)`"
        if let hint = ClosestNames.hint(for: name, among: TimeZone.knownTimeZoneIdentifiers) {
            message += " (\(hint))"
        } else {
            message += "; use an IANA name such as `Europe/Berlin` or `UTC`"
        }
        return DagProblem(field: "schedule.timezone", message: message)
    }
}
