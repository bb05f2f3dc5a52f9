import Foundation

/// Page sizes and cursors. The generated code checks types, not ranges or patterns, so the limits
/// the spec states are enforced here, with the field named.
enum Paging {
    static let defaultLimit = 50
    static let maxLimit = 1000

    static func limit(_ value: Int?) throws -> Int {
        guard let value else { return defaultLimit }
        guard (1...maxLimit).contains(value) else { throw Problem.invalid("limit", "must be 1 to \(maxLimit), got \(value)") }
        return value
    }

    /// A run cursor is the id of the last run of the previous page.
    static func runCursor(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        guard let id = Int64(text), id > 0 else { throw Problem.invalid("cursor", "is not a cursor this listing returned") }
        return id
    }

    /// An ISIN-ordered listing's cursor is the last ISIN of the previous page.
    static func isinCursor(_ text: String?) throws -> String? {
        guard let text else { return nil }
        guard text.count == 12, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }) else {
            throw Problem.invalid("cursor", "is not a cursor this listing returned")
        }
        return text
    }

    /// Checks a value against a range the spec states.
    static func check<T: Comparable>(_ field: String, _ value: T?, in range: ClosedRange<T>) throws {
        guard let value, !range.contains(value) else { return }
        throw Problem.invalid(field, "must be \(range.lowerBound) to \(range.upperBound), got \(value)")
    }
}
