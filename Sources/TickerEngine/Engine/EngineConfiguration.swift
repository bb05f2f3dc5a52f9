/// How the engine of one `ticker serve` process behaves.
public struct EngineConfiguration: Sendable {
    /// Whether this process materializes slots and runs maintenance (lease expiry, run timeouts).
    public var runsScheduler = true
    /// Whether this process claims and runs attempts.
    public var runsWorker = true
    /// Attempts that may run at once in this process.
    public var workerSlots = 32
    /// How long a claimed attempt stays ours without a heartbeat.
    public var lease: Duration = .seconds(15)
    /// How often running attempts renew their leases.
    public var heartbeat: Duration = .seconds(5)
    /// The longest any loop sleeps without checking the store (work created by other processes).
    public var pollInterval: Duration = .seconds(1)
    /// On SIGTERM: how long running attempts may finish before they are interrupted.
    public var drainTimeout: Duration = .seconds(30)
    /// Logs of attempts that ended longer ago than this are deleted.
    public var logRetention: Duration = .seconds(30 * 86_400)
    /// A log beyond this many bytes is cut, with a note saying so.
    public var maxLogBytesPerAttempt = 10 * 1024 * 1024
    /// The store belongs to this process alone (SQLite): at start, every attempt still marked
    /// running is an orphan of a crashed predecessor and is retried at once.
    public var exclusiveStore = true
    /// Beats after every scheduling pass that reached the store; `/readyz` watches it.
    public var schedulerBeat = Heartbeat()

    public init() {}
}
