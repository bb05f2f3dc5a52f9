import TickerCore

/// The one spelling to suggest when a mapping key or a column title is not found.
///
/// It builds on TickerCore's `ClosestNames` (the edit distance), because header titles need two
/// more kinds of closeness than typos: a part (`Name` for `Instrument Name`) and an abbreviation
/// (`CCY` for `Currency`).
enum ClosestText {
    /// In order of preference: a likely typo (about one edit in three characters, ignoring case),
    /// then a candidate containing `text` or contained in it, then one `text` abbreviates (same first
    /// letter, the rest of its letters in order). Ties go to the earlier candidate. Nil when none.
    static func suggestion(for text: String, among candidates: [String]) -> String? {
        let wanted = Array(text.lowercased())
        guard !wanted.isEmpty else { return nil }
        var typo: (distance: Int, candidate: String)?
        var part: (difference: Int, candidate: String)?
        var abbreviation: String?
        for candidate in candidates where !candidate.isEmpty {
            let other = Array(candidate.lowercased())
            guard other != wanted else { continue }
            let longest = max(wanted.count, other.count)
            let threshold = max(1, min(3, (longest + 2) / 3))
            if abs(other.count - wanted.count) <= threshold {
                let distance = ClosestNames.editDistance(String(wanted), String(other))
                if distance <= threshold, distance < longest, distance < typo?.distance ?? .max {
                    typo = (distance, candidate)
                }
            }
            let shorter = wanted.count < other.count ? wanted : other
            let longer = wanted.count < other.count ? other : wanted
            if shorter.count >= 3, contains(longer, shorter) {
                let difference = longer.count - shorter.count
                if difference < part?.difference ?? .max { part = (difference, candidate) }
            }
            if abbreviation == nil, wanted.count >= 2, wanted.count < other.count,
               wanted.first == other.first, isSubsequence(wanted, of: other) {
                abbreviation = candidate
            }
        }
        return typo?.candidate ?? part?.candidate ?? abbreviation
    }

    private static func contains(_ text: [Character], _ part: [Character]) -> Bool {
        guard part.count <= text.count else { return false }
        return (0...(text.count - part.count)).contains { text[$0..<($0 + part.count)].elementsEqual(part) }
    }

    private static func isSubsequence(_ short: [Character], of long: [Character]) -> Bool {
        var index = long.startIndex
        for character in short {
            guard let found = long[index...].firstIndex(of: character) else { return false }
            index = found + 1
        }
        return true
    }
}
