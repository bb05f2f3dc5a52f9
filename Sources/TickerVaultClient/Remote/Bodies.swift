/// The JSON bodies of the vault API beyond log-in, as the client sends and reads them.

/// `POST /v1/recovery/start` answers with the User Key wrapped under the Recovery Key.
public struct RecoveryStartResponse: Sendable, Codable, Equatable {
    public var userID: String
    public var vaultID: String
    public var recoveryToken: String
    public var userKeyEpoch: UInt32
    @B64 public var wrappedUserKey: [UInt8]
    public var identity: AccountRequest.Identity

    enum CodingKeys: String, CodingKey {
        case identity
        case userID = "user_id"
        case vaultID = "vault_id"
        case recoveryToken = "recovery_token"
        case userKeyEpoch = "user_key_epoch"
        case wrappedUserKey = "wrapped_user_key"
    }
}

/// A user's public identity (`GET /v1/users/...`), to check before trusting it.
public struct IdentityBody: Sendable, Codable, Equatable {
    public var userID: String
    public var epoch: UInt32
    @B64 public var signPK: [UInt8]
    @B64 public var encPK: [UInt8]
    @B64 public var selfSig: [UInt8]

    public var bundle: IdentityBundle {
        IdentityBundle(userID: userID, epoch: epoch, signingKey: signPK, agreementKey: encPK, selfSignature: selfSig)
    }

    enum CodingKeys: String, CodingKey {
        case epoch
        case userID = "user_id"
        case signPK = "sign_pk"
        case encPK = "enc_pk"
        case selfSig = "self_sig"
    }
}

/// A share as `GET /v1/shares/incoming` lists it.
public struct IncomingShare: Sendable, Codable, Equatable {
    public var shareID: String
    public var senderID: String
    public var ownerID: String
    public var vaultID: String
    public var itemID: String
    @B64 public var header: [UInt8]
    @B64 public var enc: [UInt8]
    @B64 public var ct: [UInt8]
    @B64 public var sig: [UInt8]
    public var createdAt: String

    public var share: Share { Share(header: header, encapsulatedKey: enc, ciphertext: ct, signature: sig) }

    enum CodingKeys: String, CodingKey {
        case header, enc, ct, sig
        case shareID = "share_id"
        case senderID = "sender_id"
        case ownerID = "owner_id"
        case vaultID = "vault_id"
        case itemID = "item_id"
        case createdAt = "created_at"
    }
}

struct PasswordChangeBody: Encodable {
    @B64 var authKey: [UInt8]
    var new: CredentialsBody

    enum CodingKeys: String, CodingKey {
        case new
        case authKey = "auth_key"
    }
}

struct RecoveryCompleteBody: Encodable {
    var recoveryToken: String
    var new: CredentialsBody
    var newRecovery: AccountRequest.Recovery

    enum CodingKeys: String, CodingKey {
        case new
        case recoveryToken = "recovery_token"
        case newRecovery = "new_recovery"
    }
}

/// One write of a commit: an item record without its vault id (the path names the vault).
struct ItemWrite: Encodable {
    var record: ItemRecord

    enum CodingKeys: String, CodingKey {
        case version, content
        case itemID = "item_id"
        case contentType = "content_type"
        case itemKey = "item_key"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(record.itemID, forKey: .itemID)
        try c.encode(record.version, forKey: .version)
        try c.encode(record.contentType, forKey: .contentType)
        try c.encode(Base64URL.encode(record.itemKey), forKey: .itemKey)
        try c.encode(Base64URL.encode(record.content), forKey: .content)
    }
}

struct CommitBody: Encodable {
    struct Delete: Encodable {
        var item_id: String
        var version: UInt64
    }

    var baseCounter: UInt64
    var puts: [ItemWrite]
    var deletes: [Delete]
    var manifest: ManifestBody

    enum CodingKeys: String, CodingKey {
        case puts, deletes, manifest
        case baseCounter = "base_counter"
    }
}

struct CommitAnswer: Decodable {
    var counter: UInt64
    var versions: [String: UInt64]
}

/// `POST /v1/accounts/keys/rotate`.
public struct KeyRotationBody: Sendable, Encodable {
    public struct Vault: Sendable, Encodable {
        public struct ItemKey: Sendable, Encodable {
            var item_id: String
            @B64 var item_key: [UInt8]
        }

        var vaultID: String
        var baseCounter: UInt64
        var itemKeys: [ItemKey]
        var manifest: ManifestBody

        enum CodingKeys: String, CodingKey {
            case manifest
            case vaultID = "vault_id"
            case baseCounter = "base_counter"
            case itemKeys = "item_keys"
        }
    }

    @B64 var authKey: [UInt8]
    @B64 var recoveryAuthKey: [UInt8]
    var newEpoch: UInt32
    @B64 var wrappedUserKey: [UInt8]
    @B64 var recoveryWrappedUserKey: [UInt8]
    var identity: AccountRequest.Identity
    var vaults: [Vault]

    enum CodingKeys: String, CodingKey {
        case identity, vaults
        case authKey = "auth_key"
        case recoveryAuthKey = "recovery_auth_key"
        case newEpoch = "new_epoch"
        case wrappedUserKey = "wrapped_user_key"
        case recoveryWrappedUserKey = "recovery_wrapped_user_key"
    }
}

struct ShareBody: Encodable {
    var share_id: String
    var recipient_id: String
    var vault_id: String
    var item_id: String
    @B64 var header: [UInt8]
    @B64 var enc: [UInt8]
    @B64 var ct: [UInt8]
    @B64 var sig: [UInt8]
}
