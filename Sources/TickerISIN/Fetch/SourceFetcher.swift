import AsyncHTTPClient
import Foundation
import NIOCore

/// Fetches an ISIN list source into a directory and tells whether it changed since last time.
///
/// Bytes are streamed to a temporary file beside the final name, hashed with SHA-256 on the way,
/// synced and renamed into place, so memory stays bounded whatever the size and an existing copy
/// is replaced only by a complete new one. On any failure the temporary file is deleted and the
/// existing copy left as it was. A local source is copied the same way, so an import reads a
/// stable copy even if the original is rewritten meanwhile.
///
/// "Unchanged" comes from a 304 to the conditional GET (If-None-Match, If-Modified-Since, sent
/// when `previous` has them), or, for servers without working validators and for local files,
/// from the SHA-256 of what was fetched being the previous one; in both cases no file is written.
///
/// The fetcher owns its `HTTPClient`, built from the configuration, because AsyncHTTPClient takes
/// connect and read timeouts per client, not per request. Call `shutdown()` when done with it, or
/// use `withFetcher`. One fetcher serves any number of fetches, also at once.
public final class SourceFetcher: Sendable {
    public let configuration: FetchConfiguration
    let client: HTTPClient

    public init(configuration: FetchConfiguration = FetchConfiguration()) {
        self.configuration = configuration
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .follow(max: configuration.maxRedirects, allowCycles: false)
        http.timeout = HTTPClient.Configuration.Timeout(
            connect: Self.timeAmount(configuration.connectTimeout), read: Self.timeAmount(configuration.readTimeout)
        )
        // The bytes as the server sends them: their SHA-256 is what "unchanged" compares.
        http.decompression = .disabled
        // A refused connection or an unknown host fails the fetch at once rather than being
        // retried until the connect timeout; the schedule retries the task.
        http.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
    }

    /// Closes the HTTP client's connections; the fetcher cannot be used afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Runs `body` with a new fetcher and shuts it down afterwards, whatever happens.
    public static func withFetcher<Result: Sendable>(
        configuration: FetchConfiguration = FetchConfiguration(),
        _ body: (SourceFetcher) async throws -> Result
    ) async throws -> Result {
        let fetcher = SourceFetcher(configuration: configuration)
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(fetcher))
        } catch {
            result = .failure(error)
        }
        try await fetcher.shutdown()
        return try result.get()
    }

    /// Fetches `source` into `directory` (created if needed) as `fileName`, by default the last
    /// part of the URL or path.
    ///
    /// - Parameters:
    ///   - previous: what the last fetch of this source returned, for the conditional GET and
    ///     the SHA-256 comparison.
    ///   - progress: called at most once per `progressInterval` while bytes arrive, and once at
    ///     the end of a complete transfer.
    public func fetch(
        _ source: FetchSource, into directory: URL, fileName: String? = nil, previous: FetchValidators? = nil,
        progress: (@Sendable (ProgressReport) -> Void)? = nil
    ) async throws(FetchError) -> FetchOutcome {
        let name = Self.safeFileName(fileName ?? source.suggestedFileName)
        switch source {
        case .http(let url):
            return try await fetchHTTP(url, directory: directory, fileName: name, previous: previous, progress: progress)
        case .file(let url):
            return try copyFile(url, directory: directory, fileName: name, previous: previous, progress: progress)
        }
    }

    /// The name as one path component: no separators, never empty, `.` or `..`.
    static func safeFileName(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let cleaned = String(trimmed.map { $0 == "/" || $0 == "\\" || $0 == "\0" ? "_" : $0 })
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "download" : cleaned
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
