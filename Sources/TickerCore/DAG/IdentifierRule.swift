/// The rule for DAG and task ids: 1 to 100 of `A-Z a-z 0-9 _ . -`.
///
/// Ids appear in URLs, file names, log paths and CLI arguments; this alphabet is safe in all of
/// them without quoting.
public enum IdentifierRule {
    public static let maxLength = 100

    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.unicodeScalars.count <= maxLength && id.unicodeScalars.allSatisfy(isAllowed)
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "-": return true
        default: return false
        }
    }

    /// Problems with `id`, worded for `what` ("DAG id", "task id").
    static func check(_ id: String, field: String, what: String, taskID: String? = nil) -> [DagProblem] {
        let rule = "use 1 to \(maxLength) letters, digits, `_`, `.` or `-`"
        let message: String
        if id.isEmpty {
            message = "the \(what) must not be empty"
        } else if id.unicodeScalars.count > maxLength {
            message = "the \(what) is \(id.unicodeScalars.count) characters long; \(rule)"
        } else if let bad = id.unicodeScalars.first(where: { !isAllowed($0) }) {
            message = "the \(what) `\(id)` contains \(describe(bad)), which is not allowed; \(rule)"
        } else {
            return []
        }
        return [DagProblem(field: field, message: message, taskID: taskID)]
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": return "a space"
        case "\t": return "a tab"
        default:
            return scalar.properties.generalCategory == .control ? "a control character" : "`\(scalar)`"
        }
    }
}
