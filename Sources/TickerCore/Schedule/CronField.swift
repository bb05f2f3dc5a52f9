/// The six positions a cron field can take, with the values each accepts.
enum CronFieldKind: Int, Sendable, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    /// The name used in error messages and docs.
    var name: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// Values a user may write. Day-of-week accepts 7 as a second spelling of Sunday.
    var bounds: ClosedRange<Int> {
        switch self {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// What `*` stands for; for day-of-week this leaves out 7 so steps count each day once.
    var starRange: ClosedRange<Int> {
        self == .dayOfWeek ? 0...6 : bounds
    }

    /// Three-letter names accepted in place of numbers, indexed from `starRange.lowerBound`.
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// Whether `?` may stand for `*` (only the two day fields, as in Quartz-style expressions).
    var acceptsQuestionMark: Bool { self == .dayOfMonth || self == .dayOfWeek }

    /// The allowed range as shown in messages, with names where the field has them.
    var rangeText: String {
        let numeric = "\(bounds.lowerBound)-\(bounds.upperBound)"
        guard let first = names.first, let last = names.last else { return numeric }
        return "\(numeric) or \(first)-\(last)"
    }
}

/// A set of small non-negative integers (0 ... 63) kept as a bit mask.
///
/// Every cron field fits, and "smallest allowed value at or after v" becomes a shift and a
/// trailing-zero count, which is what keeps the fire-time search from stepping value by value.
struct CronValueSet: Hashable, Sendable {
    var bits: UInt64

    init(bits: UInt64 = 0) { self.bits = bits }

    init(_ range: ClosedRange<Int>) {
        bits = 0
        for value in range { insert(value) }
    }

    var isEmpty: Bool { bits == 0 }

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    mutating func insert(_ value: Int) {
        bits |= 1 << UInt64(value)
    }

    mutating func remove(_ value: Int) {
        bits &= ~(1 << UInt64(value))
    }

    /// The smallest member that is at least `value`, or nil when there is none.
    @inline(__always)
    func first(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let rest = bits >> UInt64(max(value, 0))
        return rest == 0 ? nil : max(value, 0) + rest.trailingZeroBitCount
    }

    var first: Int? { first(atOrAfter: 0) }

    /// Whether every value of `range` is a member.
    func covers(_ range: ClosedRange<Int>) -> Bool {
        CronValueSet(range).bits & ~bits == 0
    }
}

/// One parsed field: the values it allows, and whether it was written as `*` or `?`.
///
/// Whether the text starts with `*` matters beyond the values: the two day fields combine with
/// OR when both are restricted and with AND otherwise, and "restricted" means "does not start
/// with `*`" (so `*/2` counts as unrestricted, as in Vixie cron).
struct CronField: Hashable, Sendable {
    var kind: CronFieldKind
    var values: CronValueSet
    var startsWithStar: Bool
    /// The field as written, with names upper-cased.
    var text: String
}
