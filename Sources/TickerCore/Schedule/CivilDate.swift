/// A date in the proleptic Gregorian calendar, with day numbers counted from 1970-01-01.
///
/// Schedule searches run in tight loops; `Calendar` is far too slow there and brings locale
/// concerns a cron search does not have. The conversions below are exact integer arithmetic
/// over 400-year eras (146 097 days each), with years counted from March so that the leap day
/// falls at the end of the counted year.
struct CivilDate: Hashable, Sendable {
    var year: Int
    /// 1 ... 12
    var month: Int
    /// 1 ... 31
    var day: Int

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date that is `days` days after 1970-01-01 (negative for earlier dates).
    init(daysSinceEpoch days: Int) {
        let shifted = days + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153  // 0 = March ... 11 = February
        day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days from 1970-01-01 to this date.
    var daysSinceEpoch: Int {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let marchMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * marchMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The longest a month can be in any year (February counts 29).
    static func maximumDays(inMonth month: Int) -> Int {
        month == 2 ? 29 : daysInMonth(month, of: 2001)
    }

    /// Day of the week with 0 = Sunday, as cron counts; 1970-01-01 was a Thursday.
    static func weekday(daysSinceEpoch days: Int) -> Int {
        ((days + 4) % 7 + 7) % 7
    }
}

/// Integer division rounding towards negative infinity, for splitting epoch seconds into days.
@inline(__always)
func floorDivide(_ value: Int, _ divisor: Int) -> Int {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}
