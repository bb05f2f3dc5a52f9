import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing
import TickerStore
import TickerVaultClient
import TickerVaultHTTP
import TickerHTTP

/// The vault API over real HTTP, driven by the Swift client the CLI uses: what one device writes
/// another reads, the server refuses what the protocol forbids, and its errors say why.
@Suite("Vault API over HTTP")
struct VaultAPITests {
    /// A failed credential makes the account wait a second before the next try.
    static let backoff = Duration.milliseconds(1100)
    static let plan = Array(#"{"type":"plan","name":"House","goal":350000}"#.utf8)

    @Test("register, put, read back on a second device, delete; the empty vault answers manifest null")
    func itemsAcrossDevices() async throws {
        try await withVaultServer { server, _ in
            let (phone, registration) = try await VaultSession.register(on: server, email: "Alice@Example.org", password: "correct horse")
            let empty = try await raw(server, .GET, "/v1/vaults/\(await phone.account.vaultID)", token: phone.token)
            #expect(empty.status == 200 && empty.body.contains(#""manifest":null"#), "rule 11.1: \(empty.body)")

            let (itemID, version) = try await phone.put(json: Self.plan)
            #expect(version == 1)
            let laptop = try await VaultSession.logIn(
                to: server, email: "alice@example.org", password: "correct horse", secretKey: registration.secretKey, pins: DevicePins())
            let items = try await laptop.items()
            #expect(items[itemID]?.json == Self.plan)
            #expect(try await laptop.put(itemID, json: Array(#"{"type":"plan","name":"House","goal":360000}"#.utf8)).version == 2)
            // The phone's next write sees the laptop's and goes on from it.
            #expect(try await phone.put(itemID, json: Self.plan).version == 3)
            try await laptop.delete(itemID)
            #expect(try await phone.items().isEmpty)
            let gone = try await raw(server, .GET, "/v1/vaults/\(await phone.account.vaultID)/items/\(itemID)", token: phone.token)
            #expect(gone.status == 404 && gone.body.contains(#""error":"not_found""#))
        }
    }

    @Test("stale writes get 409 with the current version, counter or epoch")
    func conflicts() async throws {
        try await withVaultServer { server, _ in
            let (alice, _) = try await VaultSession.register(on: server, email: "bea@example.org", password: "pw one two")
            let (itemID, _) = try await alice.put(json: Self.plan)
            let vaultID = await alice.account.vaultID
            let record = try await server.item(itemID, in: vaultID, token: alice.token)
            // A body that reuses version 1 and counter 1, as a device that missed the first write would.
            let body = """
                {"version":1,"content_type":"\(record.contentType)","item_key":"\(Base64URL.encode(record.itemKey))",
                 "content":"\(Base64URL.encode(record.content))","manifest":{"counter":1,"entries":[],"mac":"\(Base64URL.encode(Array(repeating: 0, count: 32)))"}}
                """
            let stale = try await raw(server, .PUT, "/v1/vaults/\(vaultID)/items/\(itemID)", json: body, token: alice.token)
            #expect(stale.status == 409)
            #expect(stale.body.contains(#""error":"version_conflict""#) && stale.body.contains(#""current_version":1"#) && stale.body.contains(itemID))
            let counter = try await raw(
                server, .PUT, "/v1/vaults/\(vaultID)/items/\(itemID)", json: body.replacingOccurrences(of: #""version":1"#, with: #""version":2"#),
                token: alice.token)
            #expect(counter.status == 409 && counter.body.contains(#""error":"counter_conflict""#) && counter.body.contains(#""current_counter":1"#))
            // An item key wrapped under a User Key epoch the account is not at.
            let epoch = try await raw(
                server, .PUT, "/v1/vaults/\(vaultID)/items/\(itemID)",
                json: body.replacingOccurrences(of: #""version":1"#, with: #""version":2"#).replacingOccurrences(
                    of: Base64URL.encode(record.itemKey), with: Base64URL.encode(Array(record.itemKey[0..<2]) + [0, 0, 0, 9] + Array(record.itemKey[6...]))),
                token: alice.token)
            #expect(epoch.status == 409 && epoch.body.contains(#""error":"epoch_conflict""#) && epoch.body.contains(#""current_epoch":1"#), "\(epoch.body)")
        }
    }

    @Test("bad input names the field; no token, a wrong token and another's vault are refused")
    func refusals() async throws {
        try await withVaultServer { server, _ in
            let (alice, _) = try await VaultSession.register(on: server, email: "cat@example.org", password: "pw")
            let (bob, _) = try await VaultSession.register(on: server, email: "dan@example.org", password: "pw")
            let aliceVault = await alice.account.vaultID
            let cases: [(HTTPMethod, String, String?, String?, Int, String)] = [
                (.GET, "/v1/vaults/\(aliceVault)", nil, nil, 401, "unauthorized"),
                (.GET, "/v1/vaults/\(aliceVault)", nil, "not-a-token", 401, "unauthorized"),
                (.GET, "/v1/vaults/\(aliceVault)", nil, bob.token, 403, "forbidden"),
                (.POST, "/v1/sessions", #"{"email":"cat@example.org","auth_key":"AAAA"}"#, nil, 400, "auth_key: must be 32 bytes"),
                (.POST, "/v1/sessions", #"{"email":"cat@example.org","auth_key":"A+=="}"#, nil, 400, "auth_key: must be unpadded base64url"),
                (.POST, "/v1/sessions", #"{"email":"cat@example.org""#, nil, 400, "invalid_request"),
                (.POST, "/v1/prelogin", #"{"mail":"x"}"#, nil, 400, "email"),
                (.PATCH, "/v1/sessions", nil, nil, 405, "method_not_allowed"),
                (.GET, "/v1/no/such/thing", nil, nil, 404, "not_found"),
                (.GET, "/v1/isins/buckets/abcd", nil, bob.token, 404, "no ISIN list has been published yet"),
                (.GET, "/v1/isins/buckets/ABCD", nil, bob.token, 400, "prefix: must be 4 lower-case hex digits"),
                (.GET, "/v1/isins/buckets/abcd", nil, nil, 401, "unauthorized"),
                // Found by schemathesis: a counter of Int64.min once overflowed and stopped the server.
                (.PUT, "/v1/vaults/\(aliceVault)/items/00000000-0000-4000-8000-000000000000",
                 #"{"version":1,"content_type":"a/b","item_key":"","content":"","manifest":{"counter":-9223372036854775808,"entries":[],"mac":""}}"#,
                 alice.token, 400, "manifest.counter: must be 1 or more"),
            ]
            for (method, path, json, token, status, text) in cases {
                let answer = try await raw(server, method, path, json: json, token: token)
                #expect(answer.status == status && answer.body.contains(text), "\(method) \(path): \(answer.status) \(answer.body)")
                #expect(answer.headers.first(name: "Content-Type") == "application/json", "\(method) \(path)")
            }
            let big = try await raw(server, .POST, "/v1/prelogin", json: #"{"email":""# + String(repeating: "a", count: 33 << 20) + #""}"#)
            #expect(big.status == 413 && big.body.contains("body_too_large"))
            // A token replayed after its log-out is refused at once.
            try await bob.logOut()
            let replayed = try await raw(server, .GET, "/v1/vaults/\(await bob.account.vaultID)", token: bob.token)
            #expect(replayed.status == 401 && replayed.body.contains("unauthorized"))
        }
    }

    @Test("a password change ends other sessions; the old password stops working")
    func passwordChange() async throws {
        try await withVaultServer { server, _ in
            let (phone, registration) = try await VaultSession.register(on: server, email: "eve@example.org", password: "old password")
            let laptop = try await VaultSession.logIn(
                to: server, email: "eve@example.org", password: "old password", secretKey: registration.secretKey, pins: DevicePins())
            try await phone.put(json: Self.plan)
            try await phone.changePassword(to: "new password", secretKey: registration.secretKey)
            await #expect(throws: VaultServerError.self) { try await laptop.items() }
            #expect(try await phone.items().count == 1, "the changing session goes on")
            await #expect(throws: VaultServerError.self) {
                try await VaultSession.logIn(to: server, email: "eve@example.org", password: "old password", secretKey: registration.secretKey, pins: DevicePins())
            }
            try await Task.sleep(for: VaultAPITests.backoff)
            let again = try await VaultSession.logIn(
                to: server, email: "eve@example.org", password: "new password", secretKey: registration.secretKey, pins: await phone.pins)
            #expect(try await again.items().count == 1)
        }
    }

    @Test("recovery sets a new password, Secret Key and Recovery Key; the items survive")
    func recovery() async throws {
        try await withVaultServer { server, _ in
            let (phone, registration) = try await VaultSession.register(on: server, email: "fay@example.org", password: "forgotten")
            let (itemID, _) = try await phone.put(json: Self.plan)
            let wrong = try RecoveryKey(bytes: Array(repeating: 7, count: 32))
            await #expect(throws: VaultServerError.self) {
                try await VaultSession.recover(on: server, email: "fay@example.org", recoveryKey: wrong, newPassword: "x")
            }
            try await Task.sleep(for: VaultAPITests.backoff)
            let (secretKey, recoveryKey, pins) = try await VaultSession.recover(
                on: server, email: "fay@example.org", recoveryKey: registration.recoveryKey, newPassword: "remembered")
            #expect(secretKey != registration.secretKey && recoveryKey != registration.recoveryKey)
            await #expect(throws: VaultServerError.self) { try await phone.items() }
            let back = try await VaultSession.logIn(to: server, email: "fay@example.org", password: "remembered", secretKey: secretKey, pins: pins)
            #expect(try await back.items()[itemID]?.json == Self.plan)
            await #expect(throws: (any Error).self) {
                try await VaultSession.logIn(to: server, email: "fay@example.org", password: "remembered", secretKey: registration.secretKey, pins: DevicePins())
            }
        }
    }

    @Test("sharing: the recipient reads the item while the share lasts; a User Key rotation keeps it readable")
    func sharingAndRotation() async throws {
        try await withVaultServer { server, _ in
            let (alice, aliceKeys) = try await VaultSession.register(on: server, email: "gil@example.org", password: "pw a")
            let (bob, _) = try await VaultSession.register(on: server, email: "hal@example.org", password: "pw b")
            let (itemID, _) = try await alice.put(json: Self.plan)
            let (bobBundle, _) = try await alice.lookUp(email: "HAL@example.org")
            let (aliceBundle, aliceFingerprint) = try await bob.lookUp(email: "gil@example.org")
            let shareID = try await alice.share(itemID, with: bobBundle)
            #expect(try await bob.received(from: [:]).isEmpty, "no verified contact, nothing trusted")
            let got = try await bob.received(from: [aliceBundle.userID: aliceFingerprint])
            #expect(got.map(\.item.json) == [Self.plan] && got.first?.shareID == shareID)
            let listing = try await raw(server, .GET, "/v1/vaults/\(await alice.account.vaultID)", token: bob.token)
            #expect(listing.status == 403, "a share gives the item, not the vault")

            let other = try await VaultSession.logIn(
                to: server, email: "gil@example.org", password: "pw a", secretKey: aliceKeys.secretKey, pins: DevicePins())
            await #expect(throws: VaultServerError.self) {
                try await alice.rotateUserKey(recoveryKey: RecoveryKey(bytes: Array(repeating: 1, count: 32)))
            }
            try await Task.sleep(for: VaultAPITests.backoff)
            try await alice.rotateUserKey(recoveryKey: aliceKeys.recoveryKey)
            #expect(await alice.account.userKeyEpoch == 2)
            #expect(try await alice.items()[itemID]?.json == Self.plan)
            await #expect(throws: VaultServerError.self) { try await other.items() }
            let fresh = try await VaultSession.logIn(
                to: server, email: "gil@example.org", password: "pw a", secretKey: aliceKeys.secretKey, pins: await alice.pins)
            #expect(try await fresh.items()[itemID]?.json == Self.plan)
            #expect(try await bob.received(from: [aliceBundle.userID: aliceFingerprint]).count == 1, "the item key did not change")

            try await alice.revokeShare(shareID)
            #expect(try await bob.received(from: [aliceBundle.userID: aliceFingerprint]).isEmpty)
            let after = try await raw(server, .GET, "/v1/vaults/\(await alice.account.vaultID)/items/\(itemID)", token: bob.token)
            #expect(after.status == 403)
            // The recovery wrapping moved to the new key too.
            let (secretKey, _, pins) = try await VaultSession.recover(
                on: server, email: "gil@example.org", recoveryKey: aliceKeys.recoveryKey, newPassword: "pw c")
            let recovered = try await VaultSession.logIn(to: server, email: "gil@example.org", password: "pw c", secretKey: secretKey, pins: pins)
            #expect(try await recovered.items()[itemID]?.json == Self.plan)
        }
    }

    @Test("log-in is rate limited per account (any spelling of the address), with Retry-After")
    func rateLimits() async throws {
        // One try per account, refilled after 1,000 s: the second try is refused however slow the
        // machine. The doubling wait after failures is RateLimiterTests' business.
        var limits = VaultRateLimits()
        limits.logIn = .init(burst: 1, perSecond: 0.001)
        try await withVaultServer(limits: limits) { server, _ in
            let wrongKey = Base64URL.encode(Array(repeating: 1, count: 32))
            let body = #"{"email":"ivy@example.org","auth_key":"\#(wrongKey)"}"#
            let first = try await raw(server, .POST, "/v1/sessions", json: body)
            #expect(first.status == 401 && first.body.contains("bad_credentials"))
            let second = try await raw(server, .POST, "/v1/sessions", json: body)
            #expect(second.status == 429 && second.body.contains("rate_limited"), "\(second.body)")
            #expect((second.headers.first(name: "Retry-After").flatMap(Int.init) ?? 0) >= 1)
            let limited = try await raw(server, .POST, "/v1/sessions", json: body.replacingOccurrences(of: "ivy@", with: " IVY@"))
            #expect(limited.status == 429, "the same account in another spelling")
            #expect(try await raw(server, .POST, "/v1/sessions", json: body.replacingOccurrences(of: "ivy@", with: "joe@")).status == 401)
        }
    }

    @Test("behind a trusted proxy, each client named in X-Forwarded-For has its own per-address limit")
    func trustedProxy() async throws {
        var limits = VaultRateLimits()
        limits.perAddress = .init(burst: 1, perSecond: 0.001)
        try await withVaultServer(limits: limits, trustedProxies: try TrustedProxies(parsing: "127.0.0.1, ::1")) { server, _ in
            func prelogin(_ client: String) async throws -> Int {
                try await raw(server, .POST, "/v1/prelogin", json: #"{"email":"kim@example.org"}"#, headers: [("X-Forwarded-For", client)]).status
            }
            let first = try await prelogin("198.51.100.1"), again = try await prelogin("198.51.100.1")
            let other = try await prelogin("198.51.100.2"), chained = try await prelogin("198.51.100.1, 198.51.100.3")
            #expect(first == 200 && again == 429)
            #expect(other == 200, "another client behind the same proxy")
            #expect(chained == 200, "the right-most hop is the client")
        }
    }
}
