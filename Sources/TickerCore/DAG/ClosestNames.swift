/// Spelling suggestions for names people mistype: task ids, keys, enum values, operator names.
///
/// A suggestion turns "unknown task `lod`" into something fixable in one glance, so every
/// "unknown name" message in Ticker goes through here.
public enum ClosestNames {
    /// The candidates close enough to `name` to be a likely typo, closest first (ties keep the
    /// candidates' order), at most `limit` of them; failing those, the ones that start with `name`.
    public static func matches(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let lowered = name.lowercased()
        var typos: [(distance: Int, order: Int, name: String)] = []
        var truncations: [(distance: Int, order: Int, name: String)] = []
        for (order, candidate) in candidates.enumerated() where candidate != name {
            let other = candidate.lowercased()
            // About one edit in three characters still reads as the same word.
            let threshold = max(1, min(3, (max(name.count, candidate.count) + 2) / 3))
            let distance = abs(candidate.count - name.count) <= threshold ? editDistance(lowered, other) : Int.max
            // `distance < longest` keeps one-letter names from "matching" every other short name.
            if distance <= threshold, distance < max(name.count, candidate.count) {
                typos.append((distance, order, candidate))
            } else if name.count >= 3, other.hasPrefix(lowered) {
                truncations.append((candidate.count - name.count, order, candidate))
            }
        }
        // A truncated name (`expo` for `exponential`) only when there is no likely typo.
        let chosen = typos.isEmpty ? truncations : typos
        var seen = Set<String>()
        return chosen.sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }
            .map(\.name).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// "did you mean `load`?" or "did you mean `load` or `lead`?", or nil when nothing is close.
    public static func hint(for name: String, among candidates: [String]) -> String? {
        let found = matches(for: name, among: candidates)
        guard !found.isEmpty else { return nil }
        return "did you mean \(found.map { "`\($0)`" }.joined(separator: " or "))?"
    }

    /// The Levenshtein distance: insertions, deletions and substitutions needed to turn one into the other.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
