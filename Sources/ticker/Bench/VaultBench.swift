import Foundation
import NIOCore
import TickerVaultClient

/// V1-V3: the vault API of a real `ticker serve` on 127.0.0.1.
///
/// V1 item writes and reads per second under wrk: `accounts` users at once, each writing the next
///    version of one item with the vault's next manifest (bodies sealed before the clock starts,
///    so the figure is the server's cost, not the client's crypto), then reading it. Each user's
///    writes go one after the other, so with too few users the figure is the round trip's latency
///    rather than what the server can do: at 16 users the CPUs were still 15% idle.
/// V2 opening a vault of `items` plans in the Swift client: fetch, check against the manifest,
///    decrypt every item. Median of 3.
/// V3 log-in in the Swift client (prelogin, PBKDF2 with the default 600,000 iterations, session,
///    unwrapping). Median of 5.
struct VaultBench {
    var accounts = 32
    var seconds = 10
    var items = 1_000

    struct Result: Encodable {
        var accounts: Int
        var secondsPerPhase: Int
        var putsPerSecond: Double
        var putP50Ms: Double
        var putP99Ms: Double
        var getsPerSecond: Double
        var getP50Ms: Double
        var getP99Ms: Double
        /// The server's CPU time (user and system, all threads) per request, in microseconds.
        var putCPUMicroseconds: Double?
        var getCPUMicroseconds: Double?
        var openItems: Int
        var openMs: Double
        var logInMs: Double
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws -> Result {
        let server = try BenchServer(workers: 2)
        try server.start(arguments: ["--log-level", "info"])
        defer { server.kill9() }
        var address: String?
        _ = try await server.wait(timeout: .seconds(60)) {
            address = try server.log().split(separator: "\n").lazy.compactMap(HTTPLookupBench.listeningAddress).first
            return address != nil
        }
        guard let address else { throw Failed(description: "the server did not report its address") }
        let vault = VaultServer(baseURL: address)
        let sessions = try await withThrowingTaskGroup(of: VaultSession.self) { group in
            for index in 0..<accounts {
                group.addTask { try await Self.register(on: vault, index: index) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let put = try await writes(sessions, server: server, address: address)
        let get = try await reads(sessions, server: server, address: address)
        let (openMs, logInMs) = try await client(vault)
        await server.stop()
        return Result(
            accounts: accounts, secondsPerPhase: seconds, putsPerSecond: put.requestsPerSecond, putP50Ms: put.p50Ms, putP99Ms: put.p99Ms,
            getsPerSecond: get.requestsPerSecond, getP50Ms: get.p50Ms, getP99Ms: get.p99Ms,
            putCPUMicroseconds: put.cpuMicroseconds, getCPUMicroseconds: get.cpuMicroseconds, openItems: items, openMs: openMs, logInMs: logInMs)
    }

    /// Registers user `index`, waiting as told when more users than the per-address rate limit
    /// allows in a burst sign up from 127.0.0.1.
    private static func register(on vault: VaultServer, index: Int) async throws -> VaultSession {
        for _ in 0..<120 {
            do {
                return try await VaultSession.register(on: vault, email: "bench\(index)@example.org", password: "bench password \(index)").0
            } catch let refused as VaultServerError where refused.status == 429 {
                try await Task.sleep(for: .seconds(max(1, refused.retryAfter ?? 1)))
            }
        }
        throw Failed(description: "user \(index) could not register: rate-limited for two minutes")
    }

    /// Enough sealed PUT bodies per account for the phase, made before timing.
    private func bodies(for session: VaultSession, count: Int) async throws -> (path: String, token: String, bodies: [ByteBuffer]) {
        let account = await session.account
        let itemID = Ids.make()
        let plan = Array(#"{"type":"plan","name":"Bench","goal":100000,"monthly":[1,2,3,4,5,6,7,8,9,10,11,12]}"#.utf8)
        let key = UnlockedAccount.ItemKey.fresh()
        var bodies: [ByteBuffer] = []
        for version in 1...UInt64(count) {
            let record = try account.seal(itemID: itemID, version: version, contentType: ContentType.plan, json: plan, itemKey: key)
            let manifest = Manifest(owner: account.userID, vaultID: account.vaultID, counter: version, entries: [try record.manifestEntry()])
            let body = PutBody(
                version: version, content_type: record.contentType, item_key: Base64URL.encode(record.itemKey),
                content: Base64URL.encode(record.content), manifest: try ManifestBody(manifest, userKey: account.userKey))
            bodies.append(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        return ("/v1/vaults/\(account.vaultID)/items/\(itemID)", session.token, bodies)
    }

    private struct PutBody: Encodable {
        var version: UInt64
        var content_type: String
        var item_key: String
        var content: String
        var manifest: ManifestBody
    }

    /// PUTs under wrk: one thread and one connection per user, so that each user's writes go in
    /// order, each carrying the next version and counter.
    private func writes(_ sessions: [VaultSession], server: BenchServer, address: String) async throws -> Phase {
        let folder = server.root.appendingPathComponent("vault-bench")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, session) in sessions.enumerated() {
                group.addTask {
                    let plan = try await bodies(for: session, count: seconds * 600)
                    let lines = [plan.path, plan.token] + plan.bodies.map { String(buffer: $0) }
                    try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("user-\(index).txt"), atomically: true, encoding: .utf8)
                }
            }
            try await group.waitForAll()
        }
        let script = folder.appendingPathComponent("put.lua")
        try """
            local threads = 0
            function setup(thread)
              thread:set("user", threads)
              threads = threads + 1
            end
            function init(args)
              local file = io.open("\(folder.path)/user-" .. user .. ".txt")
              path = file:read("*l")
              token = file:read("*l")
              bodies = {}
              for line in file:lines() do bodies[#bodies + 1] = line end
              file:close()
              written = 0
            end
            -- wrk may build a request more than once before sending it, so the next body is chosen
            -- by how many writes succeeded, never by how many requests were built.
            function request()
              local body = bodies[math.min(written + 1, #bodies)]
              return wrk.format("PUT", path, {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
            end
            function response(status, headers, body)
              if status == 200 then
                written = written + 1
              elseif not told then
                io.stderr:write("PUT " .. (written + 1) .. " answered " .. status .. ": " .. body .. "\\n")
                told = true
              end
            end
            """.write(to: script, atomically: true, encoding: .utf8)
        FileHandle.standardError.write(Data("V1 writing for \(seconds) s\n".utf8))
        return try wrk(address, script: script, threads: sessions.count, server: server)
    }

    /// GETs under wrk, each user reading its own item.
    private func reads(_ sessions: [VaultSession], server: BenchServer, address: String) async throws -> Phase {
        var targets: [String] = []
        for session in sessions {
            let account = await session.account
            let vault = try await session.server.vault(account.vaultID, token: session.token)
            guard let item = vault.items.first else { throw Failed(description: "the write phase left no item") }
            targets.append("{\"/v1/vaults/\(account.vaultID)/items/\(item.itemID)\", \"\(session.token)\"}")
        }
        let script = server.root.appendingPathComponent("vault-bench/get.lua")
        try """
            local targets = {\(targets.joined(separator: ", "))}
            local i = 0
            function request()
              i = i % #targets + 1
              return wrk.format("GET", targets[i][1], {["Authorization"] = "Bearer " .. targets[i][2]})
            end
            """.write(to: script, atomically: true, encoding: .utf8)
        FileHandle.standardError.write(Data("V1 reading for \(seconds) s\n".utf8))
        return try wrk(address, script: script, threads: 2, connections: sessions.count, server: server)
    }

    private struct Phase {
        var requestsPerSecond: Double
        var p50Ms: Double
        var p99Ms: Double
        var cpuMicroseconds: Double?
    }

    private func wrk(_ base: String, script: URL, threads: Int, connections: Int? = nil, server: BenchServer) throws -> Phase {
        let cpuBefore = server.cpuSeconds()
        let run = try HTTPLookupBench.wrk(base, script: script, threads: threads, connections: connections ?? threads, seconds: seconds)
        let cpuAfter = server.cpuSeconds()
        guard run.errors == 0 else { throw Failed(description: "wrk saw \(run.errors) errors or non-2xx answers") }
        let requests = run.requestsPerSecond * Double(seconds)
        var cpu: Double?
        if let cpuBefore, let cpuAfter, requests > 0 { cpu = ((cpuAfter - cpuBefore) * 1e6 / requests).rounded() }
        return Phase(requestsPerSecond: run.requestsPerSecond, p50Ms: run.p50Ms, p99Ms: run.p99Ms, cpuMicroseconds: cpu)
    }

    /// V2 and V3 in the Swift client, in milliseconds.
    private func client(_ vault: VaultServer) async throws -> (open: Double, logIn: Double) {
        let (owner, registration) = try await VaultSession.register(on: vault, email: "big@example.org", password: "bench password")
        let documents = (0..<items).map { index in
            (contentType: ContentType.plan, json: Array(#"{"type":"plan","name":"Plan \#(index)","goal":\#(index * 1000)}"#.utf8))
        }
        _ = try await owner.putAll(documents)
        var opens: [Double] = []
        for _ in 0..<3 {
            let start = ContinuousClock.now
            let opened = try await owner.items()
            opens.append(Self.seconds(since: start) * 1000)
            guard opened.count == items else { throw Failed(description: "opened \(opened.count) of \(items) items") }
        }
        var logIns: [Double] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            _ = try await VaultSession.logIn(
                to: vault, email: "big@example.org", password: "bench password", secretKey: registration.secretKey, pins: DevicePins())
            logIns.append(Self.seconds(since: start) * 1000)
        }
        return (Distribution(opens).p50, Distribution(logIns).p50)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
