import Benchmark
import Foundation
import TickerCore

/// How long one next-fire computation takes, for the expressions people write most and for the
/// DST-sensitive ones.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    let start = Date(timeIntervalSince1970: 1_774_000_000)  // March 2026, near the EU DST change
    let cases: [(String, String, String)] = [
        ("every 15 minutes", "*/15 * * * *", "Europe/Berlin"),
        ("daily 02:30 (DST gap)", "30 2 * * *", "Europe/Berlin"),
        ("weekdays 09:00", "0 9 * * MON-FRI", "America/New_York"),
        ("monthly", "0 0 1 * *", "Pacific/Chatham"),
        ("every second", "* * * * * *", "UTC"),
    ]
    for (name, expression, zone) in cases {
        let cron = try! CronExpression(expression)
        let tz = TimeZone(identifier: zone)!
        _ = cron.nextFire(after: start, in: tz)  // warm the zone's transition cache
        Benchmark("nextFire \(name)") { benchmark in
            var cursor = start
            for _ in benchmark.scaledIterations {
                cursor = cron.nextFire(after: cursor, in: tz) ?? start
            }
            blackHole(cursor)
        }
    }
    Benchmark("parse cron") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? CronExpression("0,15,30,45 8-18/2 * JAN-JUN MON-FRI"))
        }
    }
}
