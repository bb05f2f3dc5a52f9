import Foundation
import Testing
import TickerCore
import TickerStore

/// The behaviour every `SchedulerStore` must have, checked on SQLite and on PostgreSQL. Each test
/// takes a fresh store (a new database on the test cluster for PostgreSQL).
@Suite("Scheduler store contract")
struct SchedulerStoreContractTests {
    @Test("a new DAG's watermark is its next fire time; a due slot becomes one running run with ready roots", arguments: StoreKind.available)
    func materialize(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0.5))
            #expect(try await store.nextDueSlot() == minutes(1))
            let report = try await store.materializeDueSlots(now: minutes(1))
            #expect(report.slotsRecorded == 1 && report.runsStarted == 1)
            let again = try await store.materializeDueSlots(now: minutes(1))
            #expect(again.slotsRecorded == 0)
            let runs = try await store.runs(RunFilter(dagID: "m"))
            #expect(runs.map(\.state) == [.running])
            #expect(runs[0].slotAt == minutes(1))
            let detail = try #require(try await store.run(runs[0].id))
            #expect(detail.tasks.map(\.state) == [.ready])
        }
    }

    @Test("claim, succeed, and the run succeeds", arguments: StoreKind.available)
    func happyPath(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            let claims = try await store.claim(owner: "w", limit: 10, lease: .seconds(15), now: minutes(1))
            #expect(claims.count == 1)
            #expect(try await store.claim(owner: "w2", limit: 10, lease: .seconds(15), now: minutes(1)).isEmpty)
            let outcome = try await store.finish([AttemptResult(attemptID: claims[0].attemptID, end: .succeeded(output: .object(["n": .number(1)])))], logs: [], now: minutes(1.1))
            #expect(outcome[claims[0].attemptID] == .recorded(.succeeded))
            let run = try #require(try await store.run(claims[0].run.id))
            #expect(run.run.state == .succeeded)
            #expect(run.tasks[0].output == .object(["n": .number(1)]))
        }
    }

    @Test("a failed attempt is retried after its backoff, then fails for good", arguments: StoreKind.available)
    func retry(_ kind: StoreKind) async throws {
        let task = TaskDefinition(id: "t", operatorName: "noop", retry: RetryPolicy(maxAttempts: 2, backoff: .fixed(delay: .seconds(20)), jitter: false))
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute(tasks: [task])], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            #expect(try await store.queueDepth(now: minutes(1)) == QueueDepth(readyTasks: 1, delayedTasks: 0, queuedRuns: 0, runningAttempts: 0))
            let first = try await store.claim(owner: "w", limit: 1, lease: .seconds(15), now: minutes(1))[0]
            #expect(try await store.queueDepth(now: minutes(1)) == QueueDepth(readyTasks: 0, delayedTasks: 0, queuedRuns: 0, runningAttempts: 1))
            _ = try await store.finish([AttemptResult(attemptID: first.attemptID, end: .failed(error: "boom"))], logs: [], now: minutes(1))
            #expect(try await store.queueDepth(now: minutes(1)) == QueueDepth(readyTasks: 0, delayedTasks: 1, queuedRuns: 0, runningAttempts: 0))
            #expect(try await store.claim(owner: "w", limit: 1, lease: .seconds(15), now: minutes(1).addingTimeInterval(10)).isEmpty)
            let second = try await store.claim(owner: "w", limit: 1, lease: .seconds(15), now: minutes(1).addingTimeInterval(21))
            #expect(second.map(\.number) == [2])
            _ = try await store.finish([AttemptResult(attemptID: second[0].attemptID, end: .failed(error: "boom again"))], logs: [], now: minutes(1.5))
            let detail = try #require(try await store.run(first.run.id))
            #expect(detail.run.state == .failed)
            #expect(detail.tasks[0].error == "boom again")
            #expect(detail.attempts.map(\.state) == [.failed, .failed])
        }
    }

    @Test("an expired lease is lost, the task runs again, and the stale holder cannot write", arguments: StoreKind.available)
    func fencing(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            let stale = try await store.claim(owner: "dead", limit: 1, lease: .seconds(15), now: minutes(1))[0]
            #expect(try await store.expireLeases(now: minutes(1).addingTimeInterval(10)) == 0)
            #expect(try await store.expireLeases(now: minutes(1).addingTimeInterval(16)) == 1)
            let fresh = try await store.claim(owner: "alive", limit: 1, lease: .seconds(15), now: minutes(1.3))
            #expect(fresh.map(\.number) == [2])
            let late = try await store.finish([AttemptResult(attemptID: stale.attemptID, end: .succeeded(output: nil))], logs: [], now: minutes(1.4))
            #expect(late[stale.attemptID] == .stale)
            let lost = try await store.renewLeases(owner: "dead", attemptIDs: [stale.attemptID], lease: .seconds(15), now: minutes(1.4))
            #expect(lost == [stale.attemptID])
            _ = try await store.finish([AttemptResult(attemptID: fresh[0].attemptID, end: .succeeded(output: nil))], logs: [], now: minutes(1.5))
            let detail = try #require(try await store.run(stale.run.id))
            #expect(detail.run.state == .succeeded)
            #expect(detail.attempts.map(\.state) == [.lost, .succeeded])
        }
    }

    @Test("after downtime, latest_once records every missed slot and runs only the newest", arguments: StoreKind.available)
    func misfireLatestOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            let report = try await store.materializeDueSlots(now: minutes(10).addingTimeInterval(45))
            #expect(report.slotsRecorded == 10)
            let runs = try await store.runs(RunFilter(dagID: "m", limit: 100)).reversed()
            #expect(runs.map(\.slotAt) == (1...10).map { minutes(Double($0)) })
            #expect(runs.filter { $0.state == .skippedMisfire }.count == 9)
            #expect(runs.last?.state == .running)
            #expect(try await store.nextDueSlot() == minutes(11))
        }
    }

    @Test("overlap skip records the slot as skipped_overlap while a run is active", arguments: StoreKind.available)
    func overlapSkip(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            _ = try await store.materializeDueSlots(now: minutes(2))
            let runs = try await store.runs(RunFilter(dagID: "m"))
            #expect(runs.map(\.state) == [.skippedOverlap, .running])
        }
    }

    @Test("buffer_one starts the queued run when the active one ends", arguments: StoreKind.available)
    func bufferOne(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute(overlap: .bufferOne)], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            _ = try await store.materializeDueSlots(now: minutes(2))
            _ = try await store.materializeDueSlots(now: minutes(3))
            #expect(try await store.runs(RunFilter(dagID: "m")).map(\.state) == [.skippedOverlap, .queued, .running])
            #expect(try await store.queueDepth(now: minutes(3)).queuedRuns == 1)
            let claim = try await store.claim(owner: "w", limit: 5, lease: .seconds(15), now: minutes(3))
            #expect(claim.count == 1)
            _ = try await store.finish([AttemptResult(attemptID: claim[0].attemptID, end: .succeeded(output: nil))], logs: [], now: minutes(3))
            #expect(try await store.runs(RunFilter(dagID: "m")).map(\.state) == [.skippedOverlap, .running, .succeeded])
        }
    }

    @Test("cancel_other cancels the active run; its worker learns it at the next heartbeat", arguments: StoreKind.available)
    func cancelOther(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute(overlap: .cancelOther)], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            let claim = try await store.claim(owner: "w", limit: 1, lease: .seconds(15), now: minutes(1))[0]
            _ = try await store.materializeDueSlots(now: minutes(2))
            #expect(try await store.runs(RunFilter(dagID: "m")).map(\.state) == [.running, .cancelled])
            let stop = try await store.renewLeases(owner: "w", attemptIDs: [claim.attemptID], lease: .seconds(15), now: minutes(2))
            #expect(stop == [claim.attemptID])
            let outcome = try await store.finish([AttemptResult(attemptID: claim.attemptID, end: .cancelled)], logs: [], now: minutes(2))
            #expect(outcome[claim.attemptID] == .stale)
        }
    }

    @Test("backfill creates runs only for slots without one, and they run one after another", arguments: StoreKind.available)
    func backfill(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            let created = try await store.backfill(dagID: "m", from: minutes(-3), to: minutes(1), now: minutes(1.5))
            #expect(created.map(\.slotAt) == [minutes(-3), minutes(-2), minutes(-1), minutes(0)])
            #expect(created.allSatisfy { $0.state == .queued })
            let again = try await store.backfill(dagID: "m", from: minutes(-3), to: minutes(1), now: minutes(1.5))
            #expect(again.isEmpty)
        }
    }

    @Test("a manual trigger queues behind an active run and starts after it", arguments: StoreKind.available)
    func trigger(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            let first = try await store.trigger(dagID: "m", conf: .object(["k": .string("v")]), now: minutes(0.1))
            #expect(first.state == .running)
            #expect(first.conf == .object(["k": .string("v")]))
            let second = try await store.trigger(dagID: "m", conf: .object([:]), now: minutes(0.2))
            #expect(second.state == .queued)
            await #expect(throws: StoreError.self) { try await store.trigger(dagID: "nope", conf: .null, now: minutes(0)) }
        }
    }

    @Test("a run past its run timeout fails and its tasks are cancelled", arguments: StoreKind.available)
    func runTimeout(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute(runTimeout: .seconds(30))], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            #expect(try await store.timeOutRuns(now: minutes(1.4)) == 0)
            #expect(try await store.timeOutRuns(now: minutes(1.6)) == 1)
            let run = try await store.runs(RunFilter(dagID: "m"))[0]
            #expect(run.state == .failed)
            #expect(run.reason == "run timed out after 30s")
        }
    }

    @Test("a paused DAG has no slots; unpausing resumes from the next fire after now", arguments: StoreKind.available)
    func pause(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            try await store.setPaused("m", true, now: minutes(0.5))
            #expect(try await store.nextDueSlot() == nil)
            _ = try await store.materializeDueSlots(now: minutes(5))
            try await store.setPaused("m", false, now: minutes(5.5))
            #expect(try await store.nextDueSlot() == minutes(6))
            #expect(try await store.runs(RunFilter(dagID: "m")).isEmpty)
            let events = try await store.events(dagID: "m", limit: 10).map(\.kind)
            #expect(events == ["unpaused", "paused", "created"])
        }
    }

    @Test("attempts of a previous process are abandoned as lost and retried", arguments: StoreKind.available)
    func abandon(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            _ = try await store.claim(owner: "before-crash", limit: 1, lease: .seconds(15), now: minutes(1))
            #expect(try await store.abandonAttempts(notOwnedBy: "after-restart", now: minutes(1.1)) == 1)
            let again = try await store.claim(owner: "after-restart", limit: 1, lease: .seconds(15), now: minutes(1.1))
            #expect(again.map(\.number) == [2])
        }
    }

    @Test("a changed definition keeps running runs on their version; removed DAGs are deactivated", arguments: StoreKind.available)
    func versions(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            var changed = everyMinute()
            changed.tasks.append(TaskDefinition(id: "extra", operatorName: "noop", dependsOn: ["t"]))
            let report = try await store.syncDags([changed], deactivateOthers: true, now: minutes(1.2))
            #expect(report.updated == ["m"])
            let claim = try await store.claim(owner: "w", limit: 5, lease: .seconds(15), now: minutes(1.3))
            _ = try await store.finish([AttemptResult(attemptID: claim[0].attemptID, end: .succeeded(output: nil))], logs: [], now: minutes(1.4))
            #expect(try await store.runs(RunFilter(dagID: "m"))[0].state == .succeeded)
            let gone = try await store.syncDags([], deactivateOthers: true, now: minutes(2))
            #expect(gone.deactivated == ["m"])
            #expect(try await store.nextDueSlot() == nil)
        }
    }

    @Test("logs are appended in order and pruned after retention", arguments: StoreKind.available)
    func logs(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            _ = try await store.materializeDueSlots(now: minutes(1))
            let claim = try await store.claim(owner: "w", limit: 1, lease: .seconds(15), now: minutes(1))[0]
            try await store.appendLogs([
                LogChunk(attemptID: claim.attemptID, at: minutes(1), stream: "stdout", text: "one\n"),
                LogChunk(attemptID: claim.attemptID, at: minutes(1), stream: "stderr", text: "two\n"),
            ])
            let chunks = try await store.logs(attemptID: claim.attemptID, afterSequence: 0)
            #expect(chunks.map(\.text) == ["one\n", "two\n"])
            #expect(try await store.logs(attemptID: claim.attemptID, afterSequence: chunks[0].sequence).map(\.text) == ["two\n"])
            _ = try await store.finish([AttemptResult(attemptID: claim.attemptID, end: .succeeded(output: nil))], logs: [], now: minutes(2))
            #expect(try await store.pruneLogs(endedBefore: minutes(1)) == 0)
            #expect(try await store.pruneLogs(endedBefore: minutes(3)) == 2)
        }
    }
}

@Suite("API token store contract")
struct APITokenStoreContractTests {
    @Test("tokens are found by their secret's hash only, listed oldest first, and revoked once", arguments: StoreKind.available)
    func tokens(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let hash = Array(repeating: UInt8(7), count: 32)
            let made = try await store.createToken(name: "ci", role: .operator, secretHash: hash, now: minutes(0))
            let other = try await store.createToken(name: "admin", role: .admin, secretHash: Array(repeating: 9, count: 32), now: minutes(1))
            #expect(made.id < other.id)
            #expect(try await store.token(secretHash: hash) == made)
            #expect(try await store.token(secretHash: Array(repeating: 8, count: 32)) == nil)
            try await store.touchToken(made.id, now: minutes(2))
            #expect(try await store.revokeToken(made.id, now: minutes(3)))
            #expect(try await store.revokeToken(made.id, now: minutes(4)))
            #expect(try await store.revokeToken(999, now: minutes(4)) == false)
            let listed = try await store.tokens()
            #expect(listed.map(\.name) == ["ci", "admin"])
            #expect(listed[0].lastUsedAt == minutes(2) && listed[0].revokedAt == minutes(3))
        }
    }
}

@Suite("Node store contract")
struct NodeStoreContractTests {
    private func node(_ id: String, beat: Date, roles: Set<NodeRole> = [.scheduler, .worker]) -> NodeRecord {
        NodeRecord(id: id, host: "host-\(id)", pid: 42, roles: roles, version: "1.2.3", startedAt: minutes(0), heartbeatAt: beat)
    }

    @Test("beats insert then refresh a node; a goodbye marks it stopped; silent nodes are pruned", arguments: StoreKind.available)
    func lifecycle(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.beat(node("a", beat: minutes(1)))
            try await store.beat(node("b", beat: minutes(2), roles: [.worker]))
            try await store.beat(node("a", beat: minutes(3)))
            var nodes = try await store.nodes()
            #expect(nodes.map(\.id) == ["a", "b"])
            #expect(nodes[0].heartbeatAt == minutes(3) && nodes[0].startedAt == minutes(0))
            #expect(nodes[1].roles == [.worker] && nodes[1].host == "host-b" && nodes[1].pid == 42 && nodes[1].version == "1.2.3")
            #expect(nodes[0].status(now: minutes(3).addingTimeInterval(10), lease: .seconds(15)) == .alive)
            #expect(nodes[1].status(now: minutes(3), lease: .seconds(15)) == .missing)

            try await store.leave(nodeID: "a", now: minutes(4))
            nodes = try await store.nodes()
            #expect(nodes[0].stoppedAt == minutes(4))
            #expect(nodes[0].status(now: minutes(4), lease: .seconds(15)) == .stopped)

            #expect(try await store.pruneNodes(heartbeatBefore: minutes(3)) == 1)
            #expect(try await store.nodes().map(\.id) == ["a"])
        }
    }
}

@Suite("Opening the store")
struct StoreOpeningTests {
    @Test("a corrupted database file gives a clear error and is left untouched")
    func corrupted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let path = folder.appendingPathComponent("ticker.sqlite")
        try garbage.write(to: path)
        #expect {
            _ = try DataDirectory(path: folder.path).openStore()
        } throws: { error in
            "\(error)".contains("is not a Ticker database or is corrupted")
        }
        #expect(try Data(contentsOf: path) == garbage)
    }

    @Test("a data directory that cannot be created is reported by path")
    func cannotCreate() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            _ = try DataDirectory(path: file.appendingPathComponent("data").path).openStore()
        } throws: { error in
            "\(error)".contains(file.path) && "\(error)".contains("cannot create the data directory")
        }
    }

    @Test("a data directory without write permission is reported by path")
    func readOnly() throws {
        guard getuid() != 0 else { return }  // mode bits do not bind root; `cannotCreate` covers root
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.path)
        #expect(throws: StoreError.self) { try DataDirectory(path: folder.appendingPathComponent("data").path).openStore() }
    }

    @Test("a second serving process is refused")
    func lock() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = DataDirectory(path: folder.path)
        try directory.prepare()
        let held = try directory.lockForServing()
        // flock locks belong to open file descriptions, so a second open in this process conflicts too.
        #expect(throws: StoreError.self) { _ = try directory.lockForServing() }
        withExtendedLifetime(held) {}
    }
}
