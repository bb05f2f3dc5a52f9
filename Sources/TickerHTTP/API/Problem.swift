import Foundation
import HTTPTypes
import OpenAPIRuntime

/// An error as the API reports it: an RFC 9457 problem details document.
///
/// `type` is a stable URN per kind of error, so clients branch on it rather than on `title` or
/// `detail`, whose wording may improve. Details never carry stack traces, SQL or file paths of the
/// server: they say what was wrong with the request.
public struct Problem: Error, Sendable, Hashable, Encodable {
    /// One field of the request that is wrong, and why.
    public struct FieldError: Sendable, Hashable, Encodable {
        public var field: String
        public var message: String
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [FieldError]?

    public init(kind: Kind, detail: String? = nil, errors: [FieldError]? = nil) {
        self.type = "urn:ticker:problem:\(kind.rawValue)"
        self.title = kind.title
        self.status = Int(kind.status.code)
        self.detail = detail
        self.errors = errors
    }

    /// The kinds of problem; the raw value is the last part of `type`.
    public enum Kind: String, Sendable, CaseIterable {
        case invalidRequest = "invalid-request"
        case unauthorized
        case forbidden
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case bodyTooLarge = "body-too-large"
        case unsupportedMediaType = "unsupported-media-type"
        case notAcceptable = "not-acceptable"
        case unprocessable
        case timeout
        case internalError = "internal-error"

        var status: HTTPResponse.Status {
            switch self {
            case .invalidRequest: .badRequest
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .bodyTooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .notAcceptable: .notAcceptable
            case .unprocessable: .unprocessableContent
            case .timeout: .serviceUnavailable
            case .internalError: .internalServerError
            }
        }

        var title: String {
            switch self {
            case .invalidRequest: "The request is malformed"
            case .unauthorized: "Authentication required"
            case .forbidden: "Not allowed for this token's role"
            case .notFound: "Not found"
            case .methodNotAllowed: "Method not allowed"
            case .bodyTooLarge: "Request body too large"
            case .unsupportedMediaType: "Unsupported media type"
            case .notAcceptable: "Not acceptable"
            case .unprocessable: "The request cannot be carried out"
            case .timeout: "The request took too long"
            case .internalError: "Internal error"
            }
        }
    }

    /// One invalid field.
    public static func invalid(_ field: String, _ message: String) -> Problem {
        Problem(kind: .invalidRequest, detail: "\(field): \(message)", errors: [FieldError(field: field, message: message)])
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(kind: .notFound, detail: detail)
    }

    static let mediaType = "application/problem+json"

    /// The document's bytes. Encoding a struct of strings and integers cannot fail.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data(#"{"type":"urn:ticker:problem:internal-error","title":"Internal error","status":500}"#.utf8)
    }
}

extension Problem: HTTPResponseConvertible {
    public var httpStatus: HTTPResponse.Status { HTTPResponse.Status(code: status) }

    public var httpHeaderFields: HTTPFields {
        var fields: HTTPFields = [.contentType: Self.mediaType]
        if status == 401 { fields[.wwwAuthenticate] = #"Bearer realm="ticker""# }
        return fields
    }

    public var httpBody: HTTPBody? { HTTPBody(json) }
}
