import ArgumentParser
import Foundation
import TickerCore
import TickerStore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the scheduler end to end (M1-M4) on a temporary data dir and print the results.",
        discussion: """
            M1 tick lateness: 100 schedules firing every second for --duration seconds (start of the
               attempt minus the nominal slot time), with missed and duplicate slots; M1k the same
               with a kill -9 and restart of the server halfway.
            M2 a chain of 20 no-op tasks: wall time / 19 edges, median of 3 runs.
            M3 10,000 no-op jobs: jobs per second from the first start to the last end.
            M4 seconds from a kill -9 of the node running an attempt to the attempt running again
               (one node: restarted at once; several: the killed node stays down).
            M5 with --nodes 2 or more: a node killed and kept down while 20 schedules fire every
               second; how late the survivors record the slots due after the kill, lost, doubled.
            I1 `ticker isin import` of a generated --isin-rows list: wall time and peak RSS, for the
               first import and for a day's update (1% renamed, 0.5% removed, 0.5% added).
            H1 GET /api/v1/isins/{isin} under wrk (-t2, --connections) on 127.0.0.1, public ISIN
               mode, over a 100,000-instrument snapshot: requests/s, p50 and p99, median of 3 runs.
            V1 vault item PUTs then GETs per second over HTTP, --vault-users users at once (32), 10 s each (bodies
               sealed beforehand); V2 opening a 1,000-item vault in the Swift client (fetch, check
               the manifest, decrypt all); V3 a log-in in the Swift client (PBKDF2, 600,000 rounds).
            Each runs the real `ticker serve` as a child process; see docs/benchmarks.md.
            """)

    @Flag(help: "Print JSON.") var json = false
    @Option(help: "M1 duration in seconds.") var duration = 60
    @Option(help: "Comma-separated subset of m1,m1k,m2,m3,m4,m5,i1,h1,v1 (m5 only with --nodes 2 or more; v1 runs V1-V3).")
    var only = "m1,m1k,m2,m3,m4,m5,i1,h1,v1"
    @Option(help: "I1 list size.") var isinRows = 1_000_000
    @Option(help: "Worker slots of the server under test.") var workers = 32
    @Option(help: "H1 concurrent connections.") var connections = 64
    @Option(help: "H1 seconds per wrk run.") var httpSeconds = 15
    @Option(help: "V1 users writing and reading at once (one connection each).") var vaultUsers = 32
    @Option(help: "Run M1-M4 on PostgreSQL: a server URL whose user may create databases (each benchmark makes its own and drops it).")
    var db: String?
    @Option(help: "Nodes sharing the PostgreSQL database in M1-M4 (with --db).") var nodes = 1

    func run() async throws {
        let selected = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        guard nodes == 1 || db != nil else { throw ValidationError("--nodes needs --db: nodes share a PostgreSQL database") }
        let target = BenchTarget(workers: workers, nodes: nodes, postgres: db)
        var report = BenchReport()
        report.store = db == nil ? "sqlite" : "postgres, \(nodes) node(s)"
        if selected.contains("m1") { report.m1 = try await TickLateness(duration: duration, killHalfway: false, target: target).run() }
        if selected.contains("m1k") { report.m1k = try await TickLateness(duration: duration, killHalfway: true, target: target).run() }
        if selected.contains("m2") { report.m2 = try await ChainOverhead(target: target).run() }
        if selected.contains("m3") { report.m3 = try await NoopThroughput(target: target).run() }
        if selected.contains("m4") { report.m4 = try await CrashRecovery(target: target).run() }
        if selected.contains("m5") && nodes >= 2 { report.m5 = try await SchedulerFailover(target: target).run() }
        if selected.contains("i1") { report.i1 = try await ISINImportBench(rows: isinRows).run() }
        if selected.contains("h1") {
            report.h1 = try await HTTPLookupBench(rows: 100_000, connections: connections, seconds: httpSeconds, repeats: 3).run()
        }
        if selected.contains("v1") { report.v1 = try await VaultBench(accounts: vaultUsers).run() }
        if json { return try printJSON(report) }
        report.printText()
    }
}

/// What M1-M4 run on: one node on SQLite, or nodes sharing a PostgreSQL database.
struct BenchTarget {
    var workers: Int
    var nodes = 1
    var postgres: String?

    func server() throws -> BenchServer { try BenchServer(workers: workers, nodes: nodes, postgres: postgres) }
}

struct BenchReport: Encodable {
    var machine = Machine()
    var store = "sqlite"
    var m1: TickLateness.Result?
    var m1k: TickLateness.Result?
    var m2: ChainOverhead.Result?
    var m3: NoopThroughput.Result?
    var m4: CrashRecovery.Result?
    var m5: SchedulerFailover.Result?
    var i1: ISINImportBench.Result?
    var h1: HTTPLookupBench.Result?
    var v1: VaultBench.Result?

    struct Machine: Encodable {
        var cores = ProcessInfo.processInfo.activeProcessorCount
        var memoryGiB = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        var os = ProcessInfo.processInfo.operatingSystemVersionString
    }

    func printText() {
        print("machine: \(machine.cores) cores, \(String(format: "%.1f", machine.memoryGiB)) GiB, \(machine.os); store: \(store)")
        for (name, m) in [("M1 ", m1), ("M1k", m1k)] {
            guard let m else { continue }
            print("\(name) tick lateness ms: p50 \(fmt(m.latenessMs.p50)) p99 \(fmt(m.latenessMs.p99)) max \(fmt(m.latenessMs.max)); slots expected \(m.slotsExpected), recorded \(m.slotsRecorded), missed \(m.missed), duplicates \(m.duplicates), not run \(m.notRun)")
        }
        if let m2 { print("M2  per-edge overhead: \(fmt(m2.perEdgeMs)) ms (runs: \(m2.runsMs.map(fmt).joined(separator: ", ")) ms)") }
        if let m3 { print("M3  \(m3.jobs) no-op jobs in \(fmt(m3.seconds)) s: \(fmt(m3.jobsPerSecond)) jobs/s") }
        if let m4 { print("M4  retry after kill -9: \(fmt(m4.seconds)) s, by \(m4.recoveredBy)") }
        if let m5 {
            print("M5  scheduler failover, one node killed and kept down: \(m5.slotsAfterKill) slots in the next 10 s recorded "
                + "\(fmt(m5.p99RecordingDelayMs)) ms (p99) / \(fmt(m5.worstRecordingDelayMs)) ms (worst) after their nominal time; "
                + "lost \(m5.lost), duplicates \(m5.duplicates)")
        }
        if let i1 {
            print("I1  import of \(i1.rows) rows (\(fmt(i1.fileMB)) MB): \(fmt(i1.firstSeconds)) s, peak RSS \(fmt(i1.firstPeakRSSMB)) MB, \(fmt(i1.rowsPerSecond)) rows/s; "
                + "update: \(fmt(i1.updateSeconds)) s, peak RSS \(fmt(i1.updatePeakRSSMB)) MB")
        }
        if let h1 {
            print("H1  GET /api/v1/isins/{isin}, \(h1.connections) connections: \(fmt(h1.requestsPerSecond)) req/s, p50 \(fmt(h1.p50Ms)) ms, p99 \(fmt(h1.p99Ms)) ms "
                + "(runs: \(h1.runs.map { fmt($0.requestsPerSecond) }.joined(separator: ", ")) req/s)")
        }
        if let v1 {
            print("V1  vault PUT \(fmt(v1.putsPerSecond))/s (p50 \(fmt(v1.putP50Ms)) ms, p99 \(fmt(v1.putP99Ms)) ms), "
                + "GET \(fmt(v1.getsPerSecond))/s (p50 \(fmt(v1.getP50Ms)) ms, p99 \(fmt(v1.getP99Ms)) ms), \(v1.accounts) users")
            if let put = v1.putCPUMicroseconds, let get = v1.getCPUMicroseconds {
                print("V1  server CPU per request: PUT \(fmt(put)) µs, GET \(fmt(get)) µs")
            }
            print("V2  open a \(v1.openItems)-item vault: \(fmt(v1.openMs)) ms;  V3  log-in: \(fmt(v1.logInMs)) ms")
        }
    }

    private func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// M1: many every-second schedules; how late does each slot's attempt start, and is any slot
/// missed or doubled?
struct TickLateness {
    let duration: Int
    let killHalfway: Bool
    let target: BenchTarget

    struct Result: Encodable {
        var schedules: Int
        var seconds: Int
        var latenessMs: Distribution
        var slotsExpected: Int
        var slotsRecorded: Int
        var missed: Int
        var duplicates: Int
        var notRun: Int
    }

    func run() async throws -> Result {
        let server = try target.server()
        let ids = (0..<100).map { String(format: "tick_%03d", $0) }
        for id in ids {
            try server.writeDag(id, "dag: \(id)\nschedule: {every: 1s}\nmisfire: all\nmisfire_cap: 1000\noverlap: allow\nmax_active_runs: 100\ntasks:\n  t: {operator: noop}\n")
        }
        try server.start()
        let half = Duration.seconds(duration) / 2
        try await Task.sleep(for: half)
        if killHalfway {
            server.kill9()
            try server.start(node: 0)
        }
        try await Task.sleep(for: half)
        await server.stop()
        let store = try await server.openStore()
        var lateness: [Double] = []
        var expected = 0, recorded = 0, missed = 0, duplicates = 0, notRun = 0
        for id in ids {
            let runs = try await store.runs(RunFilter(dagID: id, limit: 1000))
            let next = try await store.dag(id)?.nextSlotAt
            let slots = runs.map { Int64($0.slotAt.timeIntervalSince1970) }
            guard let first = slots.min(), let next else { continue }
            let nominal = Set(first..<Int64(next.timeIntervalSince1970))
            expected += nominal.count
            recorded += slots.count
            duplicates += slots.count - Set(slots).count
            missed += nominal.subtracting(slots).count
            notRun += runs.filter { $0.state != .succeeded }.count
            let firstStart = Dictionary(
                try await store.attempts(dagID: id).map { ($0.runID, $0.startedAt) }, uniquingKeysWith: min)
            for run in runs {
                if let start = firstStart[run.id] { lateness.append(start.timeIntervalSince(run.slotAt) * 1000) }
            }
        }
        return Result(
            schedules: ids.count, seconds: duration, latenessMs: Distribution(lateness), slotsExpected: expected,
            slotsRecorded: recorded, missed: missed, duplicates: duplicates, notRun: notRun)
    }
}

/// M2: a chain of 20 no-op tasks; the wall time of the chain divided by its 19 edges.
struct ChainOverhead {
    let target: BenchTarget

    struct Result: Encodable {
        var tasks: Int
        var runsMs: [Double]
        var perEdgeMs: Double
    }

    func run() async throws -> Result {
        let server = try target.server()
        var yaml = "dag: chain\ntasks:\n"
        for i in 0..<20 {
            yaml += "  t\(i):\n    operator: noop\n" + (i > 0 ? "    depends_on: [t\(i - 1)]\n" : "")
        }
        try server.writeDag("chain", yaml)
        try server.start()
        let store = try await server.openStore()
        _ = try await server.wait(timeout: .seconds(30)) { try await store.dag("chain") != nil }
        var walls: [Double] = []
        for _ in 0..<3 {
            let run = try await store.trigger(dagID: "chain", conf: .object([:]), now: Date())
            _ = try await server.wait(timeout: .seconds(60)) { try await store.run(run.id)?.run.state.isFinal == true }
            let attempts = try await store.run(run.id)?.attempts ?? []
            guard let start = attempts.map(\.startedAt).min(), let end = attempts.compactMap(\.endedAt).max() else {
                throw ValidationError("the chain run \(run.id) did not finish")
            }
            walls.append(end.timeIntervalSince(start) * 1000)
        }
        await server.stop()
        return Result(tasks: 20, runsMs: walls, perEdgeMs: median(walls) / 19)
    }
}

/// M3: 10,000 no-op jobs queued at once; jobs per second from the first start to the last end.
struct NoopThroughput {
    let target: BenchTarget

    struct Result: Encodable {
        var jobs: Int
        var seconds: Double
        var jobsPerSecond: Double
    }

    func run() async throws -> Result {
        let server = try target.server()
        let jobs = 10_000
        try server.writeDag("noop", "dag: noop\nschedule: {every: 1s}\npaused: true\noverlap: allow\nmax_active_runs: \(jobs)\ntasks:\n  t: {operator: noop}\n")
        try server.start()
        let store = try await server.openStore()
        _ = try await server.wait(timeout: .seconds(30)) { try await store.dag("noop") != nil }
        let now = Date()
        _ = try await store.backfill(dagID: "noop", from: now.addingTimeInterval(-Double(jobs) + 0.5), to: now, now: now)
        _ = try await server.wait(timeout: .seconds(600), every: .milliseconds(200)) {
            try await store.runs(RunFilter(dagID: "noop", states: [.running, .queued], limit: 1)).isEmpty
        }
        await server.stop()
        let attempts = try await store.attempts(dagID: "noop")
        let start = attempts.map(\.startedAt).min() ?? now
        let end = attempts.compactMap(\.endedAt).max() ?? now
        let seconds = end.timeIntervalSince(start)
        return Result(jobs: attempts.count, seconds: seconds, jobsPerSecond: Double(attempts.count) / max(seconds, 1e-9))
    }
}

/// M4: how long after a `kill -9` of the node running an attempt does the attempt run again?
/// One node is restarted at once, as a supervisor would, and retries its predecessor's attempts
/// on start (SQLite) or once their leases expire (PostgreSQL). With several nodes the killed
/// node stays down and another one takes the attempt over when its lease expires.
struct CrashRecovery {
    let target: BenchTarget

    struct Result: Encodable {
        var seconds: Double
        var recoveredBy: String
    }

    func run() async throws -> Result {
        let server = try target.server()
        try server.writeDag("slow", "dag: slow\ntasks:\n  t: {operator: shell, with: {command: \"sleep 3\"}}\n")
        try server.start()
        let store = try await server.openStore()
        _ = try await server.wait(timeout: .seconds(30)) { try await store.dag("slow") != nil }
        let run = try await store.trigger(dagID: "slow", conf: .object([:]), now: Date())
        _ = try await server.wait(timeout: .seconds(30)) { try await store.run(run.id)?.attempts.count == 1 }
        let owner = try await store.run(run.id)?.attempts.first?.owner ?? ""
        let node = try await server.node(owning: owner, in: store)
        let killed = Date()
        server.kill9(node: node)
        if target.nodes == 1 { try server.start(node: node) }
        _ = try await server.wait(timeout: .seconds(120)) { try await store.run(run.id)?.attempts.count == 2 }
        let retried = try await store.run(run.id)?.attempts.last?.startedAt ?? Date()
        await server.stop()
        return Result(
            seconds: retried.timeIntervalSince(killed), recoveredBy: target.nodes == 1 ? "the restarted node" : "another node (the killed one stays down)")
    }
}

/// M5, with several nodes: a node is killed (`kill -9`) and stays down while 20 schedules fire
/// every second. How late are the slots due after the kill recorded, and is any lost or doubled?
/// Every node runs the scheduler, so this measures how long the survivors take to notice nothing.
struct SchedulerFailover {
    let target: BenchTarget

    struct Result: Encodable {
        var slotsAfterKill: Int
        var lost: Int
        var duplicates: Int
        var worstRecordingDelayMs: Double
        var p99RecordingDelayMs: Double
    }

    func run() async throws -> Result {
        guard target.nodes >= 2 else { throw ValidationError("M5 needs --nodes 2 or more: it kills one node and keeps it down") }
        let server = try target.server()
        let ids = (0..<20).map { String(format: "beat_%02d", $0) }
        for id in ids {
            try server.writeDag(id, "dag: \(id)\nschedule: {every: 1s}\noverlap: allow\nmax_active_runs: 10\ntasks:\n  t: {operator: noop}\n")
        }
        try server.start()
        let store = try await server.openStore()
        try await Task.sleep(for: .seconds(8))
        let killed = Date()
        server.kill9(node: 0)
        try await Task.sleep(for: .seconds(12))
        await server.stop()
        var delays: [Double] = []
        var lost = 0
        var duplicates = 0
        let window = (killed.timeIntervalSince1970.rounded(.up), killed.timeIntervalSince1970 + 10)
        for id in ids {
            let runs = try await store.runs(dagID: id, slotsFrom: Date(timeIntervalSince1970: window.0), through: Date(timeIntervalSince1970: window.1))
            let slots = runs.map { Int($0.slotAt.timeIntervalSince1970) }
            duplicates += slots.count - Set(slots).count
            lost += Set(Int(window.0)...Int(window.1)).subtracting(slots).count
            delays += runs.map { $0.createdAt.timeIntervalSince($0.slotAt) * 1000 }
        }
        delays.sort()
        return Result(
            slotsAfterKill: delays.count, lost: lost, duplicates: duplicates, worstRecordingDelayMs: delays.last ?? 0,
            p99RecordingDelayMs: delays.isEmpty ? 0 : delays[min(delays.count - 1, Int(Double(delays.count) * 0.99))])
    }
}
