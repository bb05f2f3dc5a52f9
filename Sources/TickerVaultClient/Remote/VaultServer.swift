import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The vault API's answer when it refuses: its status, the stable `error` code, the message, and
/// for a conflict the server's current state.
public struct VaultServerError: Error, Sendable, Equatable, CustomStringConvertible, Decodable {
    public var status: Int
    public var code: String
    public var message: String
    public var itemID: String?
    public var currentVersion: Int64?
    public var currentCounter: Int64?
    public var currentEpoch: Int64?
    /// Seconds to wait, on a 429.
    public var retryAfter: Int?

    public var description: String {
        var text = "\(message) (\(code), HTTP \(status))"
        if let retryAfter { text += "; try again in \(retryAfter) s" }
        return text
    }

    enum CodingKeys: String, CodingKey {
        case code = "error"
        case message
        case itemID = "item_id"
        case currentVersion = "current_version"
        case currentCounter = "current_counter"
        case currentEpoch = "current_epoch"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = 0
        code = try c.decode(String.self, forKey: .code)
        message = try c.decode(String.self, forKey: .message)
        itemID = try c.decodeIfPresent(String.self, forKey: .itemID)
        currentVersion = try c.decodeIfPresent(Int64.self, forKey: .currentVersion)
        currentCounter = try c.decodeIfPresent(Int64.self, forKey: .currentCounter)
        currentEpoch = try c.decodeIfPresent(Int64.self, forKey: .currentEpoch)
    }

    init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

/// A vault server at `baseURL` (for example `https://ticker.example.org`), spoken to over HTTP
/// with JSON bodies. It carries no state besides the address: tokens are passed per call.
public struct VaultServer: Sendable {
    public let baseURL: String
    let client: HTTPClient
    /// The largest answer read: a whole vault of a thousand plans is a few megabytes.
    static let maxAnswerBytes = 64 << 20

    public init(baseURL: String, client: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
    }

    /// Sends `body` (if any) as JSON and decodes the answer; a refusal throws `VaultServerError`.
    func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Empty>.none, token: String? = nil, as: Answer.Type = Answer.self
    ) async throws -> Answer {
        let bytes = try await send(method, path, body: body, token: token)
        return try JSONDecoder().decode(Answer.self, from: Data(bytes))
    }

    /// As `call`, for operations that answer 204.
    func perform(_ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Empty>.none, token: String? = nil) async throws {
        _ = try await send(method, path, body: body, token: token)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: (some Encodable)?, token: String?) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: baseURL + "/v1" + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(body)))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: Self.maxAnswerBytes)
        let bytes = Array(data.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            var error =
                (try? JSONDecoder().decode(VaultServerError.self, from: Data(bytes)))
                ?? VaultServerError(status: 0, code: "http_\(response.status.code)", message: "the server answered \(response.status)")
            error.status = Int(response.status.code)
            error.retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init)
            throw error
        }
        return bytes
    }

    struct Empty: Codable, Sendable {}
}
