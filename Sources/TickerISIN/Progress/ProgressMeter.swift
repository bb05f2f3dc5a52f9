/// Counts bytes or rows as they go by and reports at most once per `interval`, plus once at the
/// end, so that a caller can log every report it gets without flooding the log.
///
/// The clock is a closure returning a monotonic reading, so tests drive time by hand. A meter is a
/// value owned by the one task doing the work; the callback may be called from that task.
public struct ProgressMeter: Sendable {
    /// A monotonic reading: only differences between readings mean anything.
    public typealias Clock = @Sendable () -> Duration

    /// `ContinuousClock`, as time since the first reading in this process.
    public static let continuousClock: Clock = { ContinuousClock.now - origin }
    private static let origin = ContinuousClock.now

    public let unit: ProgressReport.Unit
    /// What the count will reach, when known; may be set once it becomes known.
    public var total: Int64?
    public let interval: Duration
    public private(set) var count: Int64 = 0
    public private(set) var isFinished = false

    private let clock: Clock
    private let report: @Sendable (ProgressReport) -> Void
    private let start: Duration
    private var lastReport: Duration

    public init(
        unit: ProgressReport.Unit, total: Int64? = nil, interval: Duration = .seconds(1),
        clock: @escaping Clock = ProgressMeter.continuousClock,
        report: @escaping @Sendable (ProgressReport) -> Void
    ) {
        self.unit = unit
        self.total = total
        self.interval = interval
        self.clock = clock
        self.report = report
        start = clock()
        lastReport = start
    }

    /// Adds `amount` to the count and reports if `interval` has passed since the last report.
    public mutating func add(_ amount: Int64) {
        update(to: count + amount)
    }

    /// Sets the count and reports if `interval` has passed since the last report.
    public mutating func update(to count: Int64) {
        guard !isFinished else { return }
        self.count = count
        let now = clock()
        guard now - lastReport >= interval else { return }
        lastReport = now
        report(ProgressReport(unit: unit, count: count, total: total, elapsed: now - start))
    }

    /// Sends the final report; later calls to any method do nothing.
    public mutating func finish() {
        guard !isFinished else { return }
        isFinished = true
        report(ProgressReport(unit: unit, count: count, total: total, elapsed: clock() - start, isFinal: true))
    }
}
