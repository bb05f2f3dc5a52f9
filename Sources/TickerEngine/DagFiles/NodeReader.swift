import Foundation
import TickerCore
internal import Yams

/// One key of a YAML mapping with its value and the key path it lives at.
struct YAMLEntry {
    let key: String
    let keyNode: YAMLNode
    let value: YAMLNode
    let path: [String]
}

/// Reads YAML nodes into typed values and collects a located problem for everything it cannot use.
///
/// Reading never stops at a problem: the caller gets nil for the bad value, goes on with its
/// default, and the problem list ends up holding everything wrong with the file at once.
struct NodeReader {
    let origin: String
    /// Keys the composer renamed to get past a duplicate key (see `YAMLComposer`).
    let duplicateMarkers: Set<String>
    private(set) var problems: [DagFileProblem] = []
    private(set) var locations = FieldLocations()
    /// For each duplicate marker met while reading: the path of the mapping it was in.
    private(set) var duplicateParents: [String: [String]] = [:]
    /// Merges (`<<`) still allowed. Merges of merges through aliases multiply, so a small file
    /// could otherwise ask for billions of them.
    private var mergesLeft = 10_000

    init(origin: String, duplicateMarkers: Set<String> = []) {
        self.origin = origin
        self.duplicateMarkers = duplicateMarkers
    }

    mutating func report(_ message: String, field path: [String]?, at location: SourceLocation?) {
        let field = path.flatMap { $0.isEmpty ? nil : $0.joined(separator: ".") }
        problems.append(DagFileProblem(
            file: origin, line: location?.line, column: location?.column, field: field, message: message))
    }

    /// Reports a value of the wrong kind at the value's location.
    mutating func reportValue(_ entry: YAMLEntry, expected: String) {
        report("expected \(expected), got \(entry.value.shortDescription)", field: entry.path, at: entry.value.location)
    }

    /// Records where a key and its value were written, for problems found after reading.
    mutating func record(_ path: [String], key: YAMLNode?, value: YAMLNode) {
        locations.record(path, .init(key: key?.location, value: value.location, textStart: value.textStart))
    }

    /// Notes that a renamed duplicate key sat in the mapping at `parent`.
    mutating func noteDuplicate(_ marker: String, parent: [String]) {
        duplicateParents[marker] = parent
    }
}

// MARK: - Mappings

extension NodeReader {
    /// The entries of a mapping in written order, merge keys (`<<`) spliced in; unknown keys are
    /// reported and left out. `allowed` nil accepts any key (task ids, operator parameters).
    /// Returns nil, after reporting, when `node` is not a mapping.
    mutating func entries(
        of node: YAMLNode, at path: [String], allowed: [String]?, expecting: String
    ) -> [YAMLEntry]? {
        guard case .mapping(let mapping) = node else {
            report("expected \(expecting), got \(node.shortDescription)", field: path, at: node.location)
            return nil
        }
        var result: [YAMLEntry] = []
        for (keyNode, value) in flattenedPairs(mapping, at: path) {
            guard let key = keyNode.text else {
                report("keys must be plain names, got \(keyNode.shortDescription)", field: path, at: keyNode.location)
                continue
            }
            let entry = YAMLEntry(key: key, keyNode: keyNode, value: value, path: path + [key])
            if let allowed, !allowed.contains(key) {
                reportUnknownKey(entry, allowed: allowed)
                continue
            }
            record(entry.path, key: keyNode, value: value)
            result.append(entry)
        }
        return result
    }

    /// The pairs of `mapping` with merged mappings spliced in where `<<` stands; keys written in
    /// the mapping itself win over merged ones, as YAML specifies. Duplicate markers are dropped.
    private mutating func flattenedPairs(_ mapping: YAMLNode.Mapping, at path: [String]) -> [(YAMLNode, YAMLNode)] {
        let explicit = Set(mapping.compactMap { $0.key.isMergeKey ? nil : $0.key.text })
        var seen = Set<String>()
        var pairs: [(YAMLNode, YAMLNode)] = []
        for (key, value) in mapping {
            if let text = key.text, duplicateMarkers.contains(text) {
                noteDuplicate(text, parent: path)
            } else if key.isMergeKey {
                for (mergedKey, mergedValue) in mergedPairs(value, at: path) {
                    guard let text = mergedKey.text, !explicit.contains(text), seen.insert(text).inserted else { continue }
                    pairs.append((mergedKey, mergedValue))
                }
            } else {
                if let text = key.text { seen.insert(text) }
                pairs.append((key, value))
            }
        }
        return pairs
    }

    private mutating func mergedPairs(_ value: YAMLNode, at path: [String]) -> [(YAMLNode, YAMLNode)] {
        mergesLeft -= 1
        if mergesLeft == 0 { report("too many merges (`<<`) through aliases", field: path, at: value.location) }
        guard mergesLeft > 0 else { return [] }
        switch value {
        case .mapping(let mapping):
            return flattenedPairs(mapping, at: path)
        case .sequence(let sequence):
            return sequence.flatMap { item -> [(YAMLNode, YAMLNode)] in
                guard case .mapping(let mapping) = item else { return [] }
                return flattenedPairs(mapping, at: path)
            }
        default:
            report("`<<` merges mappings, got \(value.shortDescription)", field: path, at: value.location)
            return []
        }
    }

    private mutating func reportUnknownKey(_ entry: YAMLEntry, allowed: [String]) {
        var message = "unknown key `\(entry.key)`"
        if let hint = ClosestNames.hint(for: entry.key, among: allowed) {
            message += " (\(hint))"
        } else if let hint = Self.placementHint(for: entry.key, allowed: allowed) {
            message += " (\(hint))"
        }
        message += "; allowed keys: \(allowed.joined(separator: ", "))"
        report(message, field: entry.path, at: entry.keyNode.location)
    }

    /// For a key that is valid elsewhere in a DAG file: where it belongs.
    private static func placementHint(for key: String, allowed: [String]) -> String? {
        if DagFileKeys.taskSettings.contains(key) {
            return "`\(key)` is a task setting: write it in a task, or under `defaults:` for all tasks"
        }
        if DagFileKeys.task.contains(key) { return "`\(key)` belongs in a task" }
        if DagFileKeys.schedule.contains(key) { return "`\(key)` belongs under `schedule:`" }
        if DagFileKeys.dag.contains(key) { return "`\(key)` is a top-level key" }
        return nil
    }
}
