import Foundation
import TickerStore
import TickerVault
import TickerVaultAPI

extension VaultService {
    func getVault(_ input: Operations.GetVault.Input) async throws -> Operations.GetVault.Output {
        let (account, _) = try VaultCaller.signedIn()
        let contents = try await items.contents(of: input.path.vaultId, for: account)
        return .ok(
            .init(
                body: .json(
                    .init(
                        manifest: try contents.manifest.map(Field.manifest),
                        items: contents.items.map { Field.item($0, vaultID: input.path.vaultId) }))))
    }

    func getItem(_ input: Operations.GetItem.Input) async throws -> Operations.GetItem.Output {
        let (account, _) = try VaultCaller.signedIn()
        let item = try await items.item(input.path.itemId, in: input.path.vaultId, for: account)
        return .ok(.init(body: .json(Field.item(item, vaultID: input.path.vaultId))))
    }

    func putItem(_ input: Operations.PutItem.Input) async throws -> Operations.PutItem.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let (account, _) = try VaultCaller.signedIn()
        let write = Components.Schemas.ItemWrite(
            itemId: input.path.itemId, version: r.version, contentType: r.contentType, itemKey: r.itemKey, content: r.content)
        let manifest = Field.manifest(r.manifest)
        let change = VaultChange(
            vaultID: input.path.vaultId, baseCounter: try Self.base(of: manifest), puts: [try Field.item(write, "")], deletes: [],
            manifest: Self.placeholder(manifest))
        let versions = try await items.commit(change, manifest: manifest, for: account)
        return .ok(.init(body: .json(.init(version: versions[input.path.itemId] ?? r.version, counter: manifest.counter))))
    }

    func deleteItem(_ input: Operations.DeleteItem.Input) async throws -> Operations.DeleteItem.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let (account, _) = try VaultCaller.signedIn()
        let manifest = Field.manifest(r.manifest)
        let change = VaultChange(
            vaultID: input.path.vaultId, baseCounter: try Self.base(of: manifest), puts: [], deletes: [(input.path.itemId, input.query.version)],
            manifest: Self.placeholder(manifest))
        _ = try await items.commit(change, manifest: manifest, for: account)
        return .noContent(.init())
    }

    /// A single write's base counter: the one before the manifest it carries.
    static func base(of manifest: ManifestInput) throws -> Int64 {
        guard manifest.counter >= 1 else { throw VaultInputError("manifest.counter", "must be 1 or more") }
        return manifest.counter - 1
    }

    /// The change's manifest until `VaultItems` checks the decoded one and makes its record.
    static func placeholder(_ manifest: ManifestInput) -> VaultManifestRecord { VaultManifestRecord(counter: manifest.counter, body: []) }

    func commitVault(_ input: Operations.CommitVault.Input) async throws -> Operations.CommitVault.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let (account, _) = try VaultCaller.signedIn()
        let puts = try r.puts.enumerated().map { index, put in try Field.item(put, "puts[\(index)]") }
        let manifest = Field.manifest(r.manifest)
        let change = VaultChange(
            vaultID: input.path.vaultId, baseCounter: r.baseCounter, puts: puts, deletes: r.deletes.map { ($0.itemId, $0.version) },
            manifest: Self.placeholder(manifest))
        let versions = try await items.commit(change, manifest: manifest, for: account)
        return .ok(.init(body: .json(.init(counter: change.manifest.counter, versions: .init(additionalProperties: versions)))))
    }
}
