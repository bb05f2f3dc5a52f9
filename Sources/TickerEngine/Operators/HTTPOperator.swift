import AsyncHTTPClient
import Foundation
import TickerCore

/// Calls a URL and checks the response status.
///
/// ```yaml
/// operator: http
/// with:
///   url: https://hooks.example.com/refresh
///   method: POST
///   headers: { Authorization: "Bearer s3cr3t" }
///   body: { dataset: sales }        # a mapping or list is sent as JSON
///   expect_status: [200, 202]       # default: any 2xx
///   timeout: 10s                    # default 30s, for the whole exchange
///   max_response_bytes: 65536       # default 1 MiB
/// ```
///
/// The output is `{"status": N, "body": ...}`: the parsed body if the response is JSON of at most
/// 64 KiB, else its text if at most 4 KiB, else no `body` (outputs are stored with the run and
/// handed to downstream tasks, so they stay small).
public struct HTTPOperator: TaskOperator {
    static let allowedKeys = ["url", "method", "headers", "body", "expect_status", "timeout", "max_response_bytes"]
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    static let defaultTimeout: Duration = .seconds(30)
    static let defaultMaxResponseBytes = 1024 * 1024
    /// The response is held in memory while the attempt runs; this keeps one task from taking
    /// the server's memory. Large downloads belong in a shell task.
    static let maxResponseBytesLimit = 64 * 1024 * 1024
    static let maxJSONOutputBytes = 64 * 1024
    static let maxTextOutputBytes = 4 * 1024
    static let maxLoggedBodyBytes = 4 * 1024

    let url: String
    let method: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]?
    let expectedStatus: [Int]?
    let timeout: Duration
    let maxResponseBytes: Int

    public init(params: JSONValue) throws {
        try ParameterCheck.require(Self.validate(params), operator: "http")
        url = params["url"]?.stringValue ?? ""
        method = params["method"]?.stringValue?.uppercased() ?? "GET"
        timeout = params["timeout"].flatMap { try? DurationParameter.parse($0) } ?? Self.defaultTimeout
        maxResponseBytes = params["max_response_bytes"].flatMap(Self.integer) ?? Self.defaultMaxResponseBytes
        expectedStatus = params["expect_status"].map { value in
            (value.arrayValue ?? [value]).compactMap(Self.integer)
        }
        var headers = (params["headers"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
            .compactMap { field in field.value.stringValue.map { (name: field.key, value: $0) } }
        switch params["body"] {
        case .string(let text)?:
            body = Array(text.utf8)
        case let structured? where structured.objectValue != nil || structured.arrayValue != nil:
            body = Array(structured.encodedString().utf8)
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append((name: "Content-Type", value: "application/json"))
            }
        default:
            body = nil
        }
        self.headers = headers
    }

    public func run(_ context: TaskContext) async throws -> JSONValue? {
        try Task.checkCancellation()
        context.log.write("\(method) \(Self.redacted(url))", stream: .system)
        let response = try await exchange()
        log(response, to: context.log)
        try check(response.status, reason: response.reason)
        var output: [String: JSONValue] = ["status": .number(Double(response.status))]
        output["body"] = response.outputBody()
        return .object(output)
    }
}

// MARK: - The exchange

extension HTTPOperator {
    /// What the operator keeps of a response.
    struct Response: Sendable {
        var status: Int
        var reason: String
        var contentType: String?
        var body: [UInt8]
    }

    /// A distinct error for the timeout so it is told apart from the server's own failures.
    private struct Timeout: Error {}

    /// Sends the request and reads the body, all within `timeout`. AsyncHTTPClient's deadline
    /// covers the request up to the response head (and reports what went wrong, such as a
    /// refused connection it kept retrying); the body, which a server may send as slowly as it
    /// likes, is read in a race against the rest of the time.
    private func exchange() async throws -> Response {
        let deadline = ContinuousClock.now + timeout
        do {
            let response = try await HTTPClient.shared.execute(makeRequest(), timeout: .milliseconds(Self.milliseconds(timeout)))
            let body = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask { try await self.readBody(response.body) }
                group.addTask {
                    try await Task.sleep(until: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let body = try await group.next() ?? nil else { throw Timeout() }
                return body
            }
            return Response(
                status: Int(response.status.code), reason: response.status.reasonPhrase,
                contentType: response.headers.first(name: "Content-Type"), body: body
            )
        } catch {
            throw failure(error)
        }
    }

    private func failure(_ error: any Error) -> any Error {
        if Task.isCancelled { return CancellationError() }
        if error is OperatorError { return error }
        let target = "\(method) \(Self.redacted(url))"
        if error is Timeout || (error as? HTTPClientError) == .deadlineExceeded {
            return OperatorError("\(target) timed out after \(DurationText.format(timeout))")
        }
        return OperatorError("\(target) failed: \(error)")
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    private func makeRequest() -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        request.headers.add(name: "User-Agent", value: "ticker")
        for header in headers {
            if header.name.lowercased() == "user-agent" { request.headers.remove(name: "User-Agent") }
            request.headers.add(name: header.name, value: header.value)
        }
        if let body {
            request.body = .bytes(body)
        }
        return request
    }

    /// Reads chunk by chunk so an oversized response is refused once it passes the limit,
    /// without first holding all of it.
    private func readBody(_ stream: HTTPClientResponse.Body) async throws -> [UInt8] {
        var body: [UInt8] = []
        for try await chunk in stream {
            guard body.count + chunk.readableBytes <= maxResponseBytes else {
                throw OperatorError(
                    "\(method) \(Self.redacted(url)) returned more than max_response_bytes (\(maxResponseBytes) bytes); raise the limit or ask for less"
                )
            }
            body.append(contentsOf: chunk.readableBytesView)
        }
        return body
    }

    private func check(_ status: Int, reason: String) throws {
        let expected = expectedStatus.map(Self.describe) ?? "2xx"
        guard expectedStatus?.contains(status) ?? (200...299).contains(status) else {
            throw OperatorError("\(method) \(Self.redacted(url)): expected status \(expected), got \(status) \(reason)")
        }
    }

    /// `200`, `200 or 201`, `200, 201 or 204`.
    static func describe(_ statuses: [Int]) -> String {
        let texts = statuses.map(String.init)
        guard texts.count > 1 else { return texts.first ?? "" }
        return texts.dropLast().joined(separator: ", ") + " or " + texts[texts.count - 1]
    }

    private func log(_ response: Response, to log: AttemptLog) {
        log.write("HTTP \(response.status) \(response.reason), \(response.body.count) bytes", stream: .system)
        guard !response.body.isEmpty else { return }
        let shown = Array(response.body.prefix(Self.maxLoggedBodyBytes))
        guard let text = String(validating: shown[..<LineSplitter.characterBoundary(in: shown)], as: UTF8.self) else {
            log.write("[the body is binary and not logged]", stream: .stdout)
            return
        }
        let rest = response.body.count - text.utf8.count
        log.write(rest > 0 ? text + "\n[\(rest) more bytes not logged]" : text, stream: .stdout)
    }

    /// The URL as it may appear in logs and errors: without a password.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

extension HTTPOperator.Response {
    var isJSON: Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "application/json" || mediaType.hasSuffix("+json")
    }

    func outputBody() -> JSONValue? {
        if isJSON, body.count <= HTTPOperator.maxJSONOutputBytes,
           let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) {
            return value
        }
        if body.count <= HTTPOperator.maxTextOutputBytes, let text = String(validating: body, as: UTF8.self) {
            return .string(text)
        }
        return nil
    }
}

// MARK: - Parameters

extension HTTPOperator {
    public static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = ParameterCheck.fields(params) else { return [ParameterCheck.notAMapping] }
        return ParameterCheck.unknownKeys(fields, allowed: allowedKeys)
            + urlProblems(fields)
            + methodProblems(fields)
            + headerProblems(fields)
            + bodyProblems(fields)
            + expectStatusProblems(fields)
            + ParameterCheck.duration(fields, "timeout", allowZero: false)
            + maxResponseBytesProblems(fields)
    }

    private static func urlProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        let problems = ParameterCheck.requiredString(fields, "url")
        guard problems.isEmpty, let text = fields["url"]?.stringValue else { return problems }
        guard let components = URLComponents(string: text),
              ["http", "https"].contains(components.scheme?.lowercased()),
              let host = components.host, !host.isEmpty
        else {
            return [ParameterProblem(path: ["url"], "must be an http:// or https:// URL with a host")]
        }
        return []
    }

    private static func methodProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        guard let value = fields["method"] else { return [] }
        guard let method = value.stringValue, methods.contains(method.uppercased()) else {
            return [ParameterProblem(path: ["method"], "must be one of \(methods.joined(separator: ", "))")]
        }
        return []
    }

    /// Content-Length and Transfer-Encoding follow from the body; a wrong one would corrupt the request.
    private static func headerProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        let problems = ParameterCheck.stringMapping(fields, "headers")
        let headers = fields["headers"]?.objectValue ?? [:]
        return problems + headers.keys.sorted().compactMap { name in
            if name.isEmpty || !name.unicodeScalars.allSatisfy(isTokenCharacter) {
                return ParameterProblem(path: ["headers", name], "is not a valid header name")
            }
            if ["content-length", "transfer-encoding"].contains(name.lowercased()) {
                return ParameterProblem(path: ["headers", name], "is set by Ticker from the body and cannot be given")
            }
            if let value = headers[name]?.stringValue, value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                return ParameterProblem(path: ["headers", name], "must not contain a line break")
            }
            return nil
        }
    }

    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
    }

    private static func bodyProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        switch fields["body"] {
        case nil, .string?, .object?, .array?: return []
        default: return [ParameterProblem(path: ["body"], "must be a string, or a mapping or list to send as JSON")]
        }
    }

    private static func expectStatusProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        guard let value = fields["expect_status"] else { return [] }
        let statuses = value.arrayValue ?? [value]
        let valid = !statuses.isEmpty && statuses.allSatisfy { integer($0).map((100...599).contains) ?? false }
        return valid ? [] : [ParameterProblem(path: ["expect_status"], "must be a status code from 100 to 599, or a list of them")]
    }

    private static func maxResponseBytesProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        guard let value = fields["max_response_bytes"] else { return [] }
        guard let bytes = integer(value), (1...maxResponseBytesLimit).contains(bytes) else {
            return [ParameterProblem(path: ["max_response_bytes"], "must be a whole number of bytes from 1 to \(maxResponseBytesLimit) (64 MiB)")]
        }
        return []
    }

    /// A JSON number that is a whole number, as an `Int`.
    static func integer(_ value: JSONValue) -> Int? {
        guard let number = value.numberValue, number.rounded() == number, abs(number) < 1e15 else { return nil }
        return Int(number)
    }
}
