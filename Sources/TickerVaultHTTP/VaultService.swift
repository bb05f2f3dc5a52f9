import Foundation
import TickerHTTP
import TickerStore
import TickerVault
import TickerVaultAPI
import TickerVaultFormat

/// The vault API's handlers: each turns the generated request type into a call of the vault's
/// services, and their answer back. Checks of content live in the services, not here.
struct VaultService: APIProtocol {
    let accounts: VaultAccounts
    let items: VaultItems
    let shares: VaultShares
    let limiters: VaultLimiters
    let isinBuckets: ISINBuckets?
}

/// Decoding of the request's binary fields, with the field's name in the error.
enum Field {
    static func bytes(_ text: String, _ field: String) throws -> [UInt8] {
        do { return try Base64URL.decode(text, field: field) } catch { throw VaultInputError(field, "must be unpadded base64url") }
    }

    static func text(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes) }

    static func kdf(_ k: Components.Schemas.Kdf, _ field: String) throws -> KDFParameters {
        KDFParameters(kdf: k.kdf, iterations: k.iterations, memoryKiB: k.memoryKib, parallelism: k.parallelism, seed: try bytes(k.seed, field + ".seed"))
    }

    static func kdf(_ k: KDFParameters) -> Components.Schemas.Kdf {
        .init(kdf: k.kdf, iterations: k.iterations, memoryKib: k.memoryKiB, parallelism: k.parallelism, seed: text(k.seed))
    }

    static func kdf(_ k: VaultKDFSettings) -> Components.Schemas.Kdf {
        .init(kdf: k.kdf, iterations: k.iterations, memoryKib: k.memoryKiB, parallelism: k.parallelism, seed: text(k.seed))
    }

    static func credentials(_ c: Components.Schemas.Credentials, _ field: String) throws -> NewCredentials {
        NewCredentials(
            kdf: try kdf(c.kdf, field + ".kdf"), kdfMAC: try bytes(c.kdfMac, field + ".kdf_mac"), authKey: try bytes(c.authKey, field + ".auth_key"),
            wrappedUserKey: try bytes(c.wrappedUserKey, field + ".wrapped_user_key"))
    }

    static func identity(_ account: VaultAccountRecord) -> Components.Schemas.Identity {
        let i = account.identity
        return .init(epoch: Int64(i.epoch), signPk: text(i.signPK), encPk: text(i.encPK), selfSig: text(i.selfSig), wrappedPrivate: text(i.wrappedPrivate))
    }

    static func bundle(_ b: IdentityBundle) -> Components.Schemas.IdentityBundle {
        .init(userId: b.userID, epoch: Int64(b.epoch), signPk: text(b.signingKey), encPk: text(b.agreementKey), selfSig: text(b.selfSignature))
    }

    static func epoch(_ value: Int64, _ field: String) throws -> UInt32 {
        guard let epoch = UInt32(exactly: value) else { throw VaultInputError(field, "must be between 0 and \(UInt32.max)") }
        return epoch
    }

    static func manifest(_ m: Components.Schemas.Manifest) -> ManifestInput {
        ManifestInput(counter: m.counter, entries: m.entries.map { .init(itemID: $0.itemId, version: $0.version, digest: $0.digest) }, mac: m.mac)
    }

    static func manifest(_ record: VaultManifestRecord) throws -> Components.Schemas.ManifestOrNull {
        try JSONDecoder().decode(Components.Schemas.ManifestOrNull.self, from: Data(record.body))
    }

    static func item(_ i: VaultItemRecord, vaultID: String) -> Components.Schemas.ItemRecord {
        .init(itemId: i.itemID, vaultId: vaultID, version: i.version, contentType: i.contentType, itemKey: text(i.itemKey), content: text(i.content))
    }

    static func item(_ w: Components.Schemas.ItemWrite, _ field: String) throws -> VaultItemRecord {
        VaultItemRecord(
            itemID: w.itemId, version: w.version, contentType: w.contentType, itemKey: try bytes(w.itemKey, field + ".item_key"),
            content: try bytes(w.content, field + ".content"))
    }
}
