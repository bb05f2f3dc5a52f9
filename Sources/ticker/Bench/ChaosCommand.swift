import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TickerCore
import TickerStore

/// Several real nodes on one PostgreSQL database, killed at random, and an audit of what they
/// recorded: the proof that no slot is run twice or lost. `scripts/chaos` starts the cluster.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Kill nodes sharing a PostgreSQL database at random, then audit every slot and attempt.",
        discussion: """
            Starts --nodes `ticker serve` processes on --db, with --schedules DAGs firing every 1 to 5
            seconds (one no-op task each) and a tenth as many three-task chains, misfire policy `all`.
            Every 2 to 5 seconds a random node is killed with SIGKILL and started again; halfway,
            --restart-database runs once (scripts/chaos restarts PostgreSQL with it). Then the DAGs are
            paused, the nodes finish what was recorded, and the database is audited: every nominal slot
            must have exactly one run in a final state, and no attempt may have started while an earlier
            attempt of its task still held a valid lease. Exits 1 on any duplicate, loss or overlap.
            """)

    @Option(help: "PostgreSQL server URL; the run makes a database of its own there and drops it afterwards.")
    var db: String
    @Option(help: "Nodes.") var nodes = 3
    @Option(help: "Seconds of chaos before the audit.") var duration = 60
    @Option(help: "Single-task DAGs; a tenth as many chains come on top.") var schedules = 200
    @Option(help: "A shell command run once halfway, e.g. one that restarts PostgreSQL.") var restartDatabase: String?
    @Option(help: "Seed of the random kills, to replay a run.") var seed: UInt64 = 6166
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        var random = SeededGenerator(seed: seed)
        let cluster = try BenchServer(workers: 16, nodes: nodes, postgres: db)
        let dags = Self.dags(schedules: schedules, random: &random)
        for (id, yaml) in dags { try cluster.writeDag(id, yaml) }
        try cluster.start()
        let store = try await cluster.openStore()

        var kills = 0
        var restarted = false
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(duration) {
            try await Task.sleep(for: .milliseconds(Int.random(in: 2000...5000, using: &random)))
            let victim = Int.random(in: 0..<nodes, using: &random)
            cluster.kill9(node: victim)
            try cluster.start(node: victim)
            kills += 1
            if !restarted, let command = restartDatabase, ContinuousClock.now - start >= .seconds(duration / 2) {
                try Self.shell(command)
                restarted = true
            }
        }
        // Quiesce: no new slots; the nodes finish what was recorded (lost attempts come back
        // once their 15 s leases expire).
        for (id, _) in dags { try await store.setPaused(id, true, now: Date()) }
        let settled = try await waitUntilSettled(store, dags: dags.map(\.id), timeout: .seconds(120))
        await cluster.stop()

        var audit = try await ChaosAudit.run(store, dags: dags.map(\.id))
        audit.nodes = nodes
        audit.kills = kills
        audit.databaseRestarted = restarted
        audit.settled = settled
        if json { try printJSON(audit) } else { audit.printText() }
        if !audit.passed { throw ExitCode(1) }
    }

    /// Waits until no run is queued or running.
    private func waitUntilSettled(_ store: any SchedulerStore, dags: [String], timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await store.queueDepth(now: Date()) == QueueDepth(readyTasks: 0, delayedTasks: 0, queuedRuns: 0, runningAttempts: 0),
                try await store.runs(RunFilter(states: [.running, .queued], limit: 1)).isEmpty
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }

    static func dags(schedules: Int, random: inout SeededGenerator) -> [(id: String, yaml: String)] {
        let policy = "misfire: all\nmisfire_cap: 10000\noverlap: allow\nmax_active_runs: 50\n"
        let single = (0..<schedules).map { i in
            (id: String(format: "chaos_%03d", i),
             yaml: "schedule: {every: \(Int.random(in: 1...5, using: &random))s}\n\(policy)tasks:\n  t: {operator: noop}\n")
        }
        let chains = (0..<max(1, schedules / 10)).map { i in
            (id: String(format: "chain_%03d", i),
             yaml: "schedule: {every: 2s}\n\(policy)tasks:\n  a: {operator: noop}\n  b: {operator: noop, depends_on: a}\n  c: {operator: noop, depends_on: b}\n")
        }
        return (single + chains).map { (id: $0.id, yaml: "dag: \($0.id)\n" + $0.yaml) }
    }

    /// Runs `command` with /bin/sh and waits for it. Spawned and reaped directly: Foundation's
    /// `Process.waitUntilExit` was seen to wait forever once the command had started a daemon
    /// (PostgreSQL) that outlived it.
    static func shell(_ command: String) throws {
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { throw ValidationError("cannot run `\(command)`: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw ValidationError("`\(command)` exited with status \(status)") }
    }
}

/// What the database says happened.
struct ChaosAudit: Encodable {
    var nodes = 0
    var kills = 0
    var databaseRestarted = false
    var settled = false
    var slotsExpected = 0
    var slotsRecorded = 0
    var duplicates = 0
    var lost = 0
    var notFinal = 0
    var attempts = 0
    var retried = 0
    var overlapping = 0

    var passed: Bool { duplicates == 0 && lost == 0 && notFinal == 0 && overlapping == 0 && slotsExpected > 0 }

    static func run(_ store: any SchedulerStore, dags: [String]) async throws -> ChaosAudit {
        var audit = ChaosAudit()
        for id in dags {
            guard let dag = try await store.dag(id), let schedule = try dag.definition.schedule?.compile() else { continue }
            let runs = try await store.runs(dagID: id, slotsFrom: .distantPast, through: .distantFuture)
            // From the DAG's creation: a slot lost before the first recorded one counts too.
            guard let created = try await store.events(dagID: id, limit: 1_000_000).last(where: { $0.kind == "created" })?.at,
                let end = dag.nextSlotAt ?? runs.map(\.slotAt).max()?.addingTimeInterval(0.001)
            else { continue }
            let expected = schedule.fireTimes(after: created, through: end.addingTimeInterval(-0.001), limit: 1_000_000)
            let slots = runs.map(\.slotAt)
            audit.slotsExpected += expected.count
            audit.slotsRecorded += slots.count
            audit.duplicates += slots.count - Set(slots).count
            audit.lost += Set(expected).subtracting(slots).count
            audit.notFinal += runs.filter { !$0.state.isFinal }.count
            let attempts = try await store.attempts(dagID: id)
            audit.attempts += attempts.count
            audit.retried += attempts.filter { $0.number > 1 }.count
            audit.overlapping += overlaps(attempts)
            audit.notFinal += attempts.filter { $0.state == .running }.count
        }
        return audit
    }

    /// Attempts that started while the previous attempt of the same task still held a valid
    /// lease: the previous one's validity ends at its end or its lease's expiry, whichever is first.
    static func overlaps(_ attempts: [AttemptRecord]) -> Int {
        let byTask = Dictionary(grouping: attempts) { "\($0.runID)/\($0.taskID)" }
        var count = 0
        for (_, list) in byTask {
            let ordered = list.sorted { $0.number < $1.number }
            for (previous, next) in zip(ordered, ordered.dropFirst()) {
                let validUntil = [previous.endedAt, previous.leaseExpiresAt].compactMap { $0 }.min() ?? .distantFuture
                if next.startedAt < validUntil { count += 1 }
            }
        }
        return count
    }

    func printText() {
        print("nodes \(nodes), kills \(kills), database restarted \(databaseRestarted), settled \(settled)")
        print("slots_expected \(slotsExpected), slots_recorded \(slotsRecorded), duplicates \(duplicates), lost \(lost)")
        print("attempts \(attempts), retried \(retried), overlapping \(overlapping), not_final \(notFinal)")
        print(passed ? "PASS" : "FAIL")
    }
}
