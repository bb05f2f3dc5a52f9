import Foundation
import Testing
import TickerVaultClient

/// The client against a server under an attacker's control (a proxy that rewrites answers):
/// every case ends in a refusal that says what happened, and nothing secret goes out first.
@Suite("Vault client against a malicious server")
struct MaliciousServerTests {
    static let plan = Array(#"{"type":"plan","name":"Pension"}"#.utf8)

    /// Alice registered directly; the test then goes through the proxy.
    func withAlice(
        _ body: @Sendable (TamperingProxy, VaultServer, Registration, VaultServer) async throws -> Void
    ) async throws {
        try await withVaultServer { server, _ in
            let (_, registration) = try await VaultSession.register(on: server, email: "alice@example.org", password: "alice password")
            let proxy = TamperingProxy(upstream: server.baseURL)
            try await proxy.run { proxied in try await body(proxy, proxied, registration, server) }
        }
    }

    func logIn(_ server: VaultServer, _ registration: Registration, pins: DevicePins = DevicePins()) async throws -> VaultSession {
        try await VaultSession.logIn(to: server, email: "alice@example.org", password: "alice password", secretKey: registration.secretKey, pins: pins)
    }

    static func refuses(_ kind: (VaultError) -> Bool, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("the client accepted it")
        } catch let error as VaultError {
            #expect(kind(error), "\(error)")
        } catch {
            Issue.record("refused for another reason: \(error)")
        }
    }

    static func unsafe(_ e: VaultError) -> Bool { if case .unsafeParameters = e { true } else { false } }
    static func integrity(_ e: VaultError) -> Bool { if case .integrity = e { true } else { false } }
    static func unsupported(_ e: VaultError) -> Bool { if case .unsupported = e { true } else { false } }

    @Test("weak or forged KDF parameters: the client stops before sending auth_key")
    func parameters() async throws {
        try await withAlice { proxy, proxied, registration, _ in
            for iterations in [1_000, 700_000] {
                proxy.rewrite { method, path, json in
                    guard path == "/v1/prelogin", var body = json as? [String: Any], var kdf = body["kdf"] as? [String: Any] else { return }
                    kdf["iterations"] = iterations
                    body["kdf"] = kdf
                    json = body
                }
                await Self.refuses(Self.unsafe) { _ = try await logIn(proxied, registration) }
            }
            #expect(!proxy.saw("POST", "/v1/sessions"), "auth_key never left the device")
        }
    }

    @Test("swapped item ids, an old version, an old manifest, a dropped item: the vault is refused")
    func vaultTampering() async throws {
        try await withAlice { proxy, proxied, registration, _ in
            let alice = try await logIn(proxied, registration)
            let (first, _) = try await alice.put(json: Self.plan)
            _ = try await alice.items()
            let old = try #require(proxy.exchanges.last(where: { $0.method == "GET" && $0.path.hasPrefix("/v1/vaults/") })?.response)
            try await alice.put(json: Self.plan)
            try await alice.put(first, json: Array(#"{"type":"plan","name":"Pension v2"}"#.utf8))
            _ = try await alice.items()

            let cases: [(String, TamperingProxy.Rewrite)] = [
                ("swapped ids", { _, path, json in Self.onVault(path, &json) { items in
                    let a = items[0]["item_id"], b = items[1]["item_id"]
                    items[0]["item_id"] = b
                    items[1]["item_id"] = a
                } }),
                ("dropped item", { _, path, json in Self.onVault(path, &json) { items in items.removeLast() } }),
                ("old manifest", { _, path, json in
                    if path.hasPrefix("/v1/vaults/") && !path.contains("/items/") { json = try! JSONSerialization.jsonObject(with: Data(old)) }
                }),
                ("old version of an item", { _, path, json in
                    let oldItems = (try! JSONSerialization.jsonObject(with: Data(old)) as! [String: Any])["items"] as! [[String: Any]]
                    Self.onVault(path, &json) { items in
                        for index in items.indices where items[index]["item_id"] as? String == first { items[index] = oldItems[0] }
                    }
                }),
            ]
            for (_, rule) in cases {
                proxy.rewrite(rule)
                await Self.refuses(Self.integrity) { _ = try await alice.items() }
                proxy.rewrite(nil)
            }
            // With the honest answer again, everything opens.
            #expect(try await alice.items().count == 2)
        }
    }

    @Test("a substituted recipient key, a forged share, an unknown algorithm: refused")
    func sharing() async throws {
        try await withAlice { proxy, proxied, registration, direct in
            let (bob, bobKeys) = try await VaultSession.register(on: direct, email: "bob@example.org", password: "bob password")
            let (mallory, _) = try await VaultSession.register(on: direct, email: "mallory@example.org", password: "mallory password")
            let alice = try await logIn(proxied, registration)
            let (itemID, _) = try await alice.put(json: Self.plan)
            let (_, bobFingerprint) = try await bob.lookUp(email: "bob@example.org")
            let malloryIdentity = try await mallory.server.identity(of: await mallory.account.userID, token: mallory.token)

            // The server answers Mallory's identity for Bob's address.
            proxy.rewrite { _, path, json in
                guard path == "/v1/users/lookup" else { return }
                json = ["user_id": malloryIdentity.userID, "epoch": malloryIdentity.epoch, "sign_pk": Base64URL.encode(malloryIdentity.signPK),
                        "enc_pk": Base64URL.encode(malloryIdentity.encPK), "self_sig": Base64URL.encode(malloryIdentity.selfSig)]
            }
            await Self.refuses(Self.integrity) { _ = try await alice.share(itemID, toContact: "bob@example.org", verified: bobFingerprint) }
            #expect(!proxy.saw("POST", "/v1/shares"))
            proxy.rewrite(nil)
            _ = try await alice.share(itemID, toContact: "bob@example.org", verified: bobFingerprint)

            // Bob reads through the proxy: a forged share and an unknown algorithm byte are refused.
            let bobProxied = try await VaultSession.logIn(
                to: proxied, email: "bob@example.org", password: "bob password", secretKey: bobKeys.secretKey, pins: DevicePins())
            let (aliceBundle, aliceFingerprint) = try await bob.lookUp(email: "alice@example.org")
            let contacts = [aliceBundle.userID: aliceFingerprint]
            proxy.rewrite { _, path, json in
                guard path == "/v1/shares/incoming", var shares = json as? [[String: Any]], let sig = shares.first?["sig"] as? String else { return }
                var bytes = try! Base64URL.decode(sig)
                bytes[0] ^= 1
                shares[0]["sig"] = Base64URL.encode(bytes)
                json = shares
            }
            await Self.refuses(Self.integrity) { _ = try await bobProxied.received(from: contacts) }
            proxy.rewrite { _, path, json in
                guard path.contains("/items/"), var record = json as? [String: Any], let content = record["content"] as? String else { return }
                var bytes = try! Base64URL.decode(content)
                bytes[1] = 0x7f
                record["content"] = Base64URL.encode(bytes)
                json = record
            }
            await Self.refuses(Self.unsupported) { _ = try await bobProxied.received(from: contacts) }
            proxy.rewrite(nil)
            #expect(try await bobProxied.received(from: contacts).map(\.item.json) == [Self.plan])
        }
    }
}

extension MaliciousServerTests {
    /// Applies `change` to the items of a `GET /v1/vaults/{id}` answer.
    static func onVault(_ path: String, _ json: inout Any, _ change: (inout [[String: Any]]) -> Void) {
        guard path.hasPrefix("/v1/vaults/"), !path.contains("/items/"), var body = json as? [String: Any], var items = body["items"] as? [[String: Any]]
        else { return }
        change(&items)
        body["items"] = items
        json = body
    }
}
