import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Writes `"manifest": null` into the answer of `GET /vaults/{id}` for a vault never written.
///
/// The protocol (rule 11.1) sends an explicit null, which tells a client "this vault is empty"
/// apart from a server that forgot the field; the generated encoder leaves out nil properties.
/// Base64url and JSON escaping keep `"manifest":` from occurring anywhere but as the key.
struct NullManifestMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, metadata)
        guard operationID == "getVault", response.status == .ok, let responseBody else { return (response, responseBody) }
        let bytes = try await [UInt8](collecting: responseBody, upTo: .max)
        guard bytes.first == UInt8(ascii: "{"), !Self.contains(bytes, Self.key) else { return (response, HTTPBody(bytes)) }
        let patched = Array(#"{"manifest":null,"#.utf8) + bytes.dropFirst()
        var headers = response
        headers.headerFields[.contentLength] = String(patched.count)
        return (headers, HTTPBody(patched))
    }

    private static let key = Array(#""manifest":"#.utf8)

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
