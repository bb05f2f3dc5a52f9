import Foundation
import Logging
import NIOHTTP1
import Testing
import TickerAudit
import TickerStore
import TickerVaultClient
import TickerVaultHTTP

/// `VaultItemLane` answers item reads and writes without the OpenAPI layer. It must answer
/// exactly as the generated server does: two servers over one store, one with the lane and one
/// without, get the same requests and must give the same status, content type and body.
@Suite("Vault item lane")
struct VaultItemLaneTests {
    static let plan = Array(#"{"type":"plan","name":"Lane","goal":1}"#.utf8)

    @Test("reads and refused writes answer byte for byte as the generated server does")
    func sameAnswers() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-lane-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DataDirectory(path: folder.path).openStore()
        try await withVaultServer(on: store, itemLane: true) { lane in
            try await withVaultServer(on: store, itemLane: false) { full in
                let (alice, _) = try await VaultSession.register(on: lane, email: "lane@example.org", password: "lane password")
                let (bob, _) = try await VaultSession.register(on: full, email: "bob@example.org", password: "bob password")
                let (itemID, _) = try await alice.put(json: Self.plan)
                let vaultID = await alice.account.vaultID
                let path = "/v1/vaults/\(vaultID)/items/\(itemID)"
                let record = try await lane.item(itemID, in: vaultID, token: alice.token)
                let put = Self.body(version: 1, record)
                let mac = Base64URL.encode([UInt8](repeating: 0, count: 32))
                let probes: [(HTTPMethod, String, String?, String?, [(String, String)])] = [
                    (.GET, path, nil, alice.token, []),
                    (.GET, path, nil, alice.token, [("Accept", "application/json")]),
                    (.GET, path, nil, alice.token, [("Accept", "text/html")]),
                    (.GET, "/v1/vaults/\(vaultID)/items/\(UUID().uuidString.lowercased())", nil, alice.token, []),
                    (.GET, path.uppercased(), nil, alice.token, []),
                    (.GET, path, nil, nil, []),
                    (.GET, path, nil, "not-a-token", []),
                    (.GET, path, nil, bob.token, []),
                    (.GET, path + "?x=1", nil, alice.token, []),
                    (.PUT, path, put, alice.token, []),  // version 1 again: 409
                    (.PUT, path, put, bob.token, []),  // not Bob's vault: 403
                    (.PUT, path, put, nil, []),
                    (.PUT, path, "{not json", alice.token, []),
                    (.PUT, path, #"{"version":2}"#, alice.token, []),
                    (.PUT, path, put.replacingOccurrences(of: #""version":1"#, with: #""version":2"#).replacingOccurrences(of: mac, with: "!!"), alice.token, []),
                    (.PUT, path, put, alice.token, [("Content-Type", "text/plain")]),
                    (.PUT, path, "", alice.token, []),
                ]
                for (method, target, json, token, headers) in probes {
                    let viaLane = try await raw(lane, method, target, json: json, token: token, headers: headers)
                    let viaFull = try await raw(full, method, target, json: json, token: token, headers: headers)
                    let what = "\(method) \(target) \(json?.prefix(30) ?? "") \(headers)"
                    #expect(viaLane.status == viaFull.status, "\(what): \(viaLane.body) / \(viaFull.body)")
                    #expect(viaLane.body == viaFull.body, "\(what)")
                    #expect(viaLane.headers["Content-Type"] == viaFull.headers["Content-Type"], "\(what)")
                }
            }
        }
    }

    @Test("writes through the lane and through the full path answer alike and are audited alike")
    func writesAndAudit() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-lane-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DataDirectory(path: folder.path).openStore()
        let audit = AuditLog(store: store, logger: Logger(label: "lane-test"))
        try await withVaultServer(on: store, audit: audit, itemLane: true) { lane in
            try await withVaultServer(on: store, audit: audit, itemLane: false) { full in
                let (alice, _) = try await VaultSession.register(on: lane, email: "audit@example.org", password: "audit password")
                let (itemID, _) = try await alice.put(json: Self.plan)
                let vaultID = await alice.account.vaultID
                let path = "/v1/vaults/\(vaultID)/items/\(itemID)"
                // The first write was a commit (`vault.commit`); versions 2 and 3 of the item go one
                // through each server.
                let account = await alice.account
                var answers: [(status: Int, body: String)] = []
                for (server, version) in [(lane, UInt64(2)), (full, UInt64(3))] {
                    let sealed = try account.seal(
                        itemID: itemID, version: version, contentType: ContentType.plan, json: Self.plan, itemKey: UnlockedAccount.ItemKey.fresh())
                    let manifest = try ManifestBody(
                        Manifest(owner: account.userID, vaultID: vaultID, counter: version, entries: [try sealed.manifestEntry()]), userKey: account.userKey)
                    let body = try JSONEncoder().encode(
                        ItemPutBody(
                            version: version, content_type: sealed.contentType, item_key: Base64URL.encode(sealed.itemKey),
                            content: Base64URL.encode(sealed.content), manifest: manifest))
                    let answer = try await raw(server, .PUT, path, json: String(decoding: body, as: UTF8.self), token: alice.token)
                    answers.append((answer.status, answer.body))
                }
                #expect(answers.map(\.status) == [200, 200])
                #expect(answers[0].body == answers[1].body.replacingOccurrences(of: "3", with: "2"), "\(answers)")
                #expect(try await alice.items()[itemID]?.json == Self.plan)
                // A refused token, once through each.
                for server in [lane, full] { _ = try await raw(server, .GET, path, token: "forged") }
                let lines = try await store.auditEntries(after: 0, limit: 100)
                let writes = lines.filter { $0.action == "vault.item.write" && $0.target == path }
                #expect(writes.count == 2 && writes.allSatisfy { $0.outcome == "ok" && $0.actor == "user:\(account.userID)" }, "\(lines.map { "\($0.action) \($0.target) \($0.outcome)" })")
                let rejected = lines.filter { $0.action == "vault.session.rejected" && $0.target == path }
                #expect(rejected.count == 2, "\(lines.map(\.action))")
            }
        }
    }

    static func body(version: UInt64, _ record: ItemRecord) -> String {
        let mac = Base64URL.encode([UInt8](repeating: 0, count: 32))
        return """
            {"version":\(version),"content_type":"\(record.contentType)","item_key":"\(Base64URL.encode(record.itemKey))",\
            "content":"\(Base64URL.encode(record.content))","manifest":{"counter":\(version),"entries":[],"mac":"\(mac)"}}
            """
    }
}
