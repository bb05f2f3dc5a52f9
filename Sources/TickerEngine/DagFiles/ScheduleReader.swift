import Foundation
import TickerCore
internal import Yams

extension NodeReader {
    /// Reads `schedule:`. Returns nil for trigger-only DAGs (key absent or empty) and, after
    /// reporting, when no rule can be made out. Semantic checks (cron syntax, time zone, start
    /// before end) are left to `DagDefinition.validate()` so code-built DAGs get them too.
    mutating func schedule(_ entry: YAMLEntry) -> ScheduleSpec? {
        guard !entry.value.isNull else { return nil }
        let expecting = "a mapping with `cron` or `every`"
        guard let entries = entries(of: entry.value, at: entry.path, allowed: DagFileKeys.schedule, expecting: expecting)
        else { return nil }
        var fields: [String: YAMLEntry] = [:]
        for item in entries { fields[item.key] = item }

        let rule = scheduleRule(fields, at: entry)
        var spec = ScheduleSpec(rule: rule ?? .cron(""))
        if let zone = fields["timezone"] { spec.timeZone = string(zone) ?? spec.timeZone }
        if let start = fields["start"] { spec.start = date(start) }
        if let end = fields["end"] { spec.end = date(end) }
        return rule == nil ? nil : spec
    }

    private mutating func scheduleRule(_ fields: [String: YAMLEntry], at entry: YAMLEntry) -> ScheduleSpec.Rule? {
        let anchor = fields["anchor"].flatMap { date($0) }
        switch (fields["cron"], fields["every"]) {
        case (let cron?, nil):
            if let anchorEntry = fields["anchor"] {
                report("only applies with `every`", field: anchorEntry.path, at: anchorEntry.keyNode.location)
            }
            guard let text = string(cron) else { return missingValue(cron, expected: "a cron expression like \"0 6 * * *\"") }
            return .cron(text)
        case (nil, let every?):
            guard let interval = duration(every) else { return missingValue(every, expected: "a duration like 15m") }
            return .interval(every: interval, anchor: anchor)
        case (_?, let every?):
            report("use either `cron` or `every`, not both", field: every.path, at: every.keyNode.location)
            return nil
        case (nil, nil):
            report("a schedule needs `cron` (like \"0 6 * * *\") or `every` (like 15m); omit `schedule` for a DAG that only runs when triggered",
                   field: entry.path, at: entry.keyNode.location)
            return nil
        }
    }

    /// Reports a required value left empty (a wrong value was reported already); always nil.
    private mutating func missingValue(_ entry: YAMLEntry, expected: String) -> ScheduleSpec.Rule? {
        if entry.value.isNull { reportValue(entry, expected: expected) }
        return nil
    }
}
