import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import TickerHTTP
import TickerStore
import TickerVault
import TickerVaultFormat

/// An error as the vault API answers it: `{"error": "<code>", "message": "..."}`, plus the
/// current state for a conflict, so the client can refetch and retry without guessing.
struct VaultFailure: Error, Sendable, Encodable {
    var status: HTTPResponse.Status
    var error: String
    var message: String
    var itemID: String?
    var currentVersion: Int64?
    var currentCounter: Int64?
    var currentEpoch: Int?
    var retryAfter: Int?

    init(_ status: HTTPResponse.Status, _ error: String, _ message: String) {
        self.status = status
        self.error = error
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case error, message
        case itemID = "item_id"
        case currentVersion = "current_version"
        case currentCounter = "current_counter"
        case currentEpoch = "current_epoch"
    }

    static func tooManyRequests(retryAfter: Int, _ what: String) -> VaultFailure {
        var failure = VaultFailure(.tooManyRequests, "rate_limited", "too many \(what); try again in \(retryAfter) s")
        failure.retryAfter = retryAfter
        return failure
    }

    /// The failure for an error of the vault's own layers; nil for anything else.
    init?(_ error: any Error) {
        switch error {
        case let failure as VaultFailure: self = failure
        case let input as VaultInputError: self.init(.badRequest, "invalid_request", "\(input.field): \(input.message)")
        case let format as VaultError: self.init(.badRequest, "invalid_request", format.description)
        case let auth as VaultAuthError: self.init(auth)
        case let store as VaultStoreError: self.init(store)
        default: return nil
        }
    }

    private init(_ error: VaultAuthError) {
        switch error {
        case .badCredentials: self.init(.unauthorized, "bad_credentials", "the e-mail address or the credentials are wrong")
        case .unauthorized: self.init(.unauthorized, "unauthorized", "sign in: send Authorization: Bearer <token from POST /v1/sessions>")
        case .forbidden: self.init(.forbidden, "forbidden", "this vault or item is not yours, and no active share gives it to you")
        }
    }

    private init(_ error: VaultStoreError) {
        switch error {
        case .accountExists: self.init(.conflict, "account_exists", error.description)
        case .shareExists: self.init(.conflict, "share_exists", error.description)
        case .vaultNotFound, .itemNotFound, .shareNotFound: self.init(.notFound, "not_found", error.description)
        case let .versionConflict(itemID, current):
            self.init(.conflict, "version_conflict", error.description)
            self.itemID = itemID
            currentVersion = current
        case .counterConflict(let current):
            self.init(.conflict, "counter_conflict", error.description)
            currentCounter = current
        case .epochConflict(let current):
            self.init(.conflict, "epoch_conflict", error.description)
            currentEpoch = current
        case .rotationIncomplete: self.init(.badRequest, "invalid_request", error.description)
        }
    }

    /// The same shape for what the operator API reports as a problem (a malformed body, a wrong
    /// media type, a timeout, a failure of ours that was logged under an id).
    init(problem: Problem) {
        let kind = problem.type.split(separator: ":").last.map(String.init) ?? "internal-error"
        self.init(HTTPResponse.Status(code: problem.status), kind.replacingOccurrences(of: "-", with: "_"), problem.detail ?? problem.title)
    }

    var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data(#"{"error":"internal_error","message":"the error could not be encoded"}"#.utf8)
    }

    var headerFields: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if status == .unauthorized { fields[.wwwAuthenticate] = #"Bearer realm="ticker-vault""# }
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        return fields
    }

    /// As a Hummingbird response, for refusals outside the generated code (405, 413).
    var response: Response {
        Response(status: status, headers: headerFields, body: ResponseBody(byteBuffer: ByteBuffer(data: json)))
    }
}
