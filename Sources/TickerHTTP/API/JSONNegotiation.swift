import Foundation

/// The plain cases of content negotiation, for routes that answer without the generated server:
/// they take only these and leave anything else to the full path, which negotiates.
package enum JSONNegotiation {
    /// Whether a JSON answer is acceptable.
    package static func acceptsJSON(_ accept: String?) -> Bool {
        // The common spellings first: parsing costs as much as a hot route's other checks.
        guard let accept, accept != "*/*", accept != "application/json" else { return true }
        return accept.split(separator: ",").contains { range in
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first, ["*/*", "application/*", "application/json"].contains(type) else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
    }

    /// Whether a body is `application/json`, with at most a UTF-8 charset.
    package static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        if contentType == "application/json" || contentType == "application/json; charset=utf-8" { return true }
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        return parts.first == "application/json" && parts.dropFirst().allSatisfy { $0 == "charset=utf-8" }
    }
}
