import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

extension SourceFetcher {
    /// The download, raced against the overall deadline. AsyncHTTPClient's own deadline stops at
    /// the response head, and its read timeout only catches silence; a server trickling a byte a
    /// second is caught here.
    func fetchHTTP(
        _ url: URL, directory: URL, fileName: String, previous: FetchValidators?,
        progress: (@Sendable (ProgressReport) -> Void)?
    ) async throws(FetchError) -> FetchOutcome {
        let source = FetchSource.redacted(url)
        let received = ReceivedBytes()
        let deadline = configuration.deadline
        do {
            return try await withThrowingTaskGroup(of: FetchOutcome?.self) { group in
                group.addTask {
                    try await self.download(
                        url, directory: directory, fileName: fileName, previous: previous,
                        received: received, progress: progress
                    )
                }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let outcome = try await group.next() ?? nil else {
                    throw FetchError.Kind.deadlineExceeded(deadline, bytes: received.value)
                }
                return outcome
            }
        } catch let kind as FetchError.Kind {
            throw FetchError(kind, source: source)
        } catch {
            throw FetchError(httpFailure(error, received: received), source: source)
        }
    }

    private func download(
        _ url: URL, directory: URL, fileName: String, previous: FetchValidators?,
        received: ReceivedBytes, progress: (@Sendable (ProgressReport) -> Void)?
    ) async throws -> FetchOutcome {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let etag = previous?.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified = previous?.lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }

        let response = try await client.execute(request, deadline: .now() + Self.timeAmount(configuration.deadline))
        let etag = response.headers.first(name: "ETag")
        let lastModified = response.headers.first(name: "Last-Modified")
        let status = Int(response.status.code)
        if status == 304 {
            var validators = previous ?? FetchValidators()
            validators.etag = etag ?? validators.etag
            validators.lastModified = lastModified ?? validators.lastModified
            return .unchanged(FetchUnchanged(reason: .notModified, validators: validators))
        }
        guard (200...299).contains(status) else {
            throw FetchError.Kind.httpStatus(code: status, reason: response.status.reasonPhrase)
        }
        let contentLength = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        received.expected = contentLength
        if let contentLength, contentLength > configuration.maxBytes {
            throw FetchError.Kind.tooLarge(limit: configuration.maxBytes, contentLength: contentLength)
        }

        let staging = try StagingFile(directory: directory, fileName: fileName)
        var meter = progress.map {
            ProgressMeter(unit: .bytes, total: contentLength, interval: configuration.progressInterval, report: $0)
        }
        for try await buffer in response.body {
            // The deadline cancels this task; stop at the next chunk rather than read on.
            try Task.checkCancellation()
            guard staging.byteCount + Int64(buffer.readableBytes) <= configuration.maxBytes else {
                throw FetchError.Kind.tooLarge(limit: configuration.maxBytes, contentLength: nil)
            }
            try staging.write(buffer)
            received.value = staging.byteCount
            meter?.update(to: staging.byteCount)
        }
        // A cancelled body ends like a complete one.
        try Task.checkCancellation()
        if let contentLength, staging.byteCount < contentLength {
            throw FetchError.Kind.truncated(expected: contentLength, received: staging.byteCount)
        }

        let sha256 = staging.sha256
        let validators = FetchValidators(etag: etag, lastModified: lastModified, sha256: sha256)
        if sha256 == previous?.sha256 {
            meter?.finish()
            return .unchanged(FetchUnchanged(reason: .sameContent, validators: validators))
        }
        try staging.commit()
        meter?.finish()
        return .fetched(FetchedFile(
            url: staging.finalURL, byteCount: staging.byteCount, sha256: sha256, validators: validators,
            contentType: response.headers.first(name: "Content-Type"), finalURL: response.url ?? url
        ))
    }

    /// What AsyncHTTPClient and NIO threw, as an operator reads it.
    func httpFailure(_ error: any Error, received: ReceivedBytes) -> FetchError.Kind {
        if let kind = error as? FetchError.Kind { return kind }
        if error is CancellationError { return .cancelled }
        let bytes = received.value
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout: return .readTimeout(configuration.readTimeout, bytes: bytes)
            case .connectTimeout: return .connectTimeout(configuration.connectTimeout)
            case .deadlineExceeded: return .deadlineExceeded(configuration.deadline, bytes: bytes)
            case .redirectLimitReached: return .tooManyRedirects(configuration.maxRedirects)
            case .redirectCycleDetected: return .redirectCycle
            case .cancelled: return .cancelled
            case .remoteConnectionClosed:
                if let expected = received.expected { return .truncated(expected: expected, received: bytes) }
                return .transfer("the server closed the connection")
            default: break
            }
        }
        if let connection = ConnectionFailure(error) { return .cannotConnect(connection.reason) }
        // The connection closed inside a body of announced length.
        if let error = error as? HTTPParserError, error == .invalidEOFState, let expected = received.expected {
            return .truncated(expected: expected, received: bytes)
        }
        return .transfer("\(error)")
    }
}

/// The bytes received so far and the Content-Length, shared with the task that reports a
/// deadline or maps an error.
final class ReceivedBytes: Sendable {
    private let state = Mutex<(value: Int64, expected: Int64?)>((0, nil))

    var value: Int64 {
        get { state.withLock { $0.value } }
        set { state.withLock { $0.value = newValue } }
    }

    var expected: Int64? {
        get { state.withLock { $0.expected } }
        set { state.withLock { $0.expected = newValue } }
    }
}
