import Foundation

/// Rules every ISIN store applies the same way.
enum ISINPublishRules {
    /// Refuses an empty list always, and a list that lost more than the allowed share of the
    /// current snapshot `previous` (id, instruments) unless forced.
    static func check(count: Int, previous: (id: Int64, valid: Int)?, policy: PublishPolicy) throws {
        guard count > 0 else { throw ISINStoreError.emptyList(previousSnapshot: previous?.id) }
        guard !policy.force, let previous, previous.valid > 0 else { return }
        let lost = Double(previous.valid - count) / Double(previous.valid)
        if lost > policy.maxShrink {
            throw ISINStoreError.shrinkGuard(count: count, previous: previous.valid, previousSnapshot: previous.id, limit: policy.maxShrink)
        }
    }
}

/// The words of an instrument name as full-text search sees them: letters and digits only, case
/// and diacritics folded, so that "nestle" finds "Nestlé S.A.". Names are folded once when
/// staged; queries the same way when searched.
enum ISINSearchWords {
    static func words(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split { !$0.isLetter && !$0.isNumber }
            .joined(separator: " ")
    }
}
