/// The JSON bodies of the vault API that carry keys, as the client sends and reads them. Binary
/// fields are unpadded base64url; decoding checks the alphabet and lengths.

/// `POST /v1/accounts`.
public struct AccountRequest: Sendable, Codable, Equatable {
    public var userID: String
    public var email: String
    public var vaultID: String
    public var kdf: KDFParameters
    @B64 public var kdfMAC: [UInt8]
    @B64 public var authKey: [UInt8]
    @B64 public var wrappedUserKey: [UInt8]
    public var userKeyEpoch: UInt32
    public var recovery: Recovery
    public var identity: Identity

    public struct Recovery: Sendable, Codable, Equatable {
        @B64 public var wrappedUserKey: [UInt8]
        @B64 public var authKey: [UInt8]

        public init(wrappedUserKey: [UInt8], authKey: [UInt8]) {
            self.wrappedUserKey = wrappedUserKey
            self.authKey = authKey
        }

        enum CodingKeys: String, CodingKey {
            case wrappedUserKey = "wrapped_user_key"
            case authKey = "auth_key"
        }
    }

    /// An identity as registration and log-in carry it: the public bundle plus the private keys
    /// wrapped under the User Key.
    public struct Identity: Sendable, Codable, Equatable {
        public var epoch: UInt32
        @B64 public var signPK: [UInt8]
        @B64 public var encPK: [UInt8]
        @B64 public var selfSig: [UInt8]
        @B64 public var wrappedPrivate: [UInt8]

        public init(bundle: IdentityBundle, wrappedPrivate: [UInt8]) {
            epoch = bundle.epoch
            signPK = bundle.signingKey
            encPK = bundle.agreementKey
            selfSig = bundle.selfSignature
            self.wrappedPrivate = wrappedPrivate
        }

        public func bundle(userID: String) -> IdentityBundle {
            IdentityBundle(userID: userID, epoch: epoch, signingKey: signPK, agreementKey: encPK, selfSignature: selfSig)
        }

        enum CodingKeys: String, CodingKey {
            case epoch
            case signPK = "sign_pk"
            case encPK = "enc_pk"
            case selfSig = "self_sig"
            case wrappedPrivate = "wrapped_private"
        }
    }

    enum CodingKeys: String, CodingKey {
        case email, kdf, recovery, identity
        case userID = "user_id"
        case vaultID = "vault_id"
        case kdfMAC = "kdf_mac"
        case authKey = "auth_key"
        case wrappedUserKey = "wrapped_user_key"
        case userKeyEpoch = "user_key_epoch"
    }
}

/// `POST /v1/prelogin` answers with the account's id and its parameters, MACed.
public struct PreloginResponse: Sendable, Codable, Equatable {
    public var userID: String
    public var kdf: KDFParameters
    @B64 public var kdfMAC: [UInt8]

    public init(userID: String, kdf: KDFParameters, kdfMAC: [UInt8]) {
        self.userID = userID
        self.kdf = kdf
        self.kdfMAC = kdfMAC
    }

    enum CodingKeys: String, CodingKey {
        case kdf
        case userID = "user_id"
        case kdfMAC = "kdf_mac"
    }
}

/// `POST /v1/sessions` answers, after a good `auth_key`, with what unlocks the account.
public struct SessionResponse: Sendable, Codable, Equatable {
    public var token: String
    public var userID: String
    public var vaultID: String
    public var userKeyEpoch: UInt32
    @B64 public var wrappedUserKey: [UInt8]
    public var identity: AccountRequest.Identity

    public init(token: String, userID: String, vaultID: String, userKeyEpoch: UInt32, wrappedUserKey: [UInt8], identity: AccountRequest.Identity) {
        self.token = token
        self.userID = userID
        self.vaultID = vaultID
        self.userKeyEpoch = userKeyEpoch
        self.wrappedUserKey = wrappedUserKey
        self.identity = identity
    }

    enum CodingKeys: String, CodingKey {
        case token, identity
        case userID = "user_id"
        case vaultID = "vault_id"
        case userKeyEpoch = "user_key_epoch"
        case wrappedUserKey = "wrapped_user_key"
    }
}

/// Bytes as unpadded base64url in JSON, decoded strictly.
@propertyWrapper
public struct B64: Sendable, Codable, Equatable {
    public var wrappedValue: [UInt8]

    public init(wrappedValue: [UInt8]) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let field = decoder.codingPath.last?.stringValue ?? "value"
        wrappedValue = try Base64URL.decode(text, field: field)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Base64URL.encode(wrappedValue))
    }
}
