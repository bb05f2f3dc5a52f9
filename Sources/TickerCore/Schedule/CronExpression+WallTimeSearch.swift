/// Searching wall-clock time for the next time an expression matches, with no time zone involved.
///
/// Wall times are counted as "local seconds": seconds since 1970-01-01 00:00 on a clock that
/// never changes offset. The search jumps field by field (month, then day, hour, minute,
/// second) using the bit sets, so even a yearly expression needs only a handful of steps.
extension CronExpression {
    /// The first wall time at or after `start` that matches, or nil if none does up to `limit`.
    func nextMatchingWallTime(atOrAfter start: Int, notAfter limit: Int) -> Int? {
        guard start <= limit else { return nil }
        var cursor = WallCursor(localSeconds: start)
        let lastDay = floorDivide(limit, 86_400)
        while true {
            guard months.contains(cursor.month) else {
                guard cursor.advanceMonth(to: months), cursor.dayNumber <= lastDay else { return nil }
                continue
            }
            guard let day = allowedDays(year: cursor.year, month: cursor.month).first(atOrAfter: cursor.day) else {
                cursor.moveToNextMonth()
                guard cursor.dayNumber <= lastDay else { return nil }
                continue
            }
            cursor.set(day: day)
            guard let hour = hours.first(atOrAfter: cursor.hour) else {
                cursor.set(day: cursor.day + 1)
                continue
            }
            cursor.set(hour: hour)
            guard let minute = minutes.first(atOrAfter: cursor.minute) else {
                cursor.set(hour: cursor.hour + 1)
                continue
            }
            cursor.set(minute: minute)
            guard let second = seconds.first(atOrAfter: cursor.second) else {
                cursor.set(minute: cursor.minute + 1)
                continue
            }
            cursor.second = second
            let result = cursor.localSeconds
            return result <= limit ? result : nil
        }
    }

    /// Days of the given month that match both day fields, as a bit set (bit d = day d).
    func allowedDays(year: Int, month: Int) -> CronValueSet {
        let length = CivilDate.daysInMonth(month, of: year)
        let existing: UInt64 = ((1 << UInt64(length + 1)) - 1) & ~1
        let firstWeekday = CivilDate.weekday(daysSinceEpoch: CivilDate(year: year, month: month, day: 1).daysSinceEpoch)
        // Rotate the weekday set so bit k means "day k+1 of this month", then repeat it weekly.
        let week = daysOfWeek.bits
        let rotated = ((week >> UInt64(firstWeekday)) | (week << UInt64(7 - firstWeekday))) & 0x7F
        let byWeekday = (rotated | rotated << 7 | rotated << 14 | rotated << 21 | rotated << 28) << 1
        let byDate = daysOfMonth.bits
        let combined = daysCombineWithOr ? byDate | byWeekday : byDate & byWeekday
        return CronValueSet(bits: combined & existing)
    }
}

/// A broken-down wall time that the search moves forward, resetting smaller units as it goes.
///
/// Setters only ever move forward; a unit that runs past its end (hour 24, day 32) is left for
/// the next search step to roll over, because the bit-set lookup then finds nothing and the
/// search moves to the next larger unit.
struct WallCursor {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    init(localSeconds: Int) {
        let dayNumber = floorDivide(localSeconds, 86_400)
        let secondOfDay = localSeconds - dayNumber * 86_400
        let date = CivilDate(daysSinceEpoch: dayNumber)
        year = date.year
        month = date.month
        day = date.day
        hour = secondOfDay / 3_600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
    }

    var dayNumber: Int { CivilDate(year: year, month: month, day: day).daysSinceEpoch }

    var localSeconds: Int { dayNumber * 86_400 + hour * 3_600 + minute * 60 + second }

    mutating func set(day newDay: Int) {
        guard newDay != day else { return }
        day = newDay
        hour = 0; minute = 0; second = 0
    }

    mutating func set(hour newHour: Int) {
        guard newHour != hour else { return }
        hour = newHour
        minute = 0; second = 0
    }

    mutating func set(minute newMinute: Int) {
        guard newMinute != minute else { return }
        minute = newMinute
        second = 0
    }

    mutating func moveToNextMonth() {
        if month == 12 { year += 1; month = 1 } else { month += 1 }
        day = 1; hour = 0; minute = 0; second = 0
    }

    /// Moves to the first day of the next month in `months`; false if the set is empty.
    mutating func advanceMonth(to months: CronValueSet) -> Bool {
        if let next = months.first(atOrAfter: month + 1) {
            month = next
        } else if let first = months.first {
            year += 1
            month = first
        } else {
            return false
        }
        day = 1; hour = 0; minute = 0; second = 0
        return true
    }
}
