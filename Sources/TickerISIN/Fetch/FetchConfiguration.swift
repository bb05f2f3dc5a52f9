/// The limits of a fetch. Connect and read timeouts belong to the HTTP client, which is why a
/// `SourceFetcher` builds its own client from this configuration.
public struct FetchConfiguration: Sendable, Hashable {
    /// Ticker's version as sent in the User-Agent; the CLI may set its own.
    public static let defaultUserAgent = "ticker/0.1"

    /// The largest file accepted: refused at once when Content-Length says more, and aborted as
    /// soon as more arrives when it does not.
    public var maxBytes: Int64
    /// How long to wait for a connection (DNS, TCP and TLS).
    public var connectTimeout: Duration
    /// How long the server may send nothing (before the headers or in the middle of the body)
    /// before the download is abandoned.
    public var readTimeout: Duration
    /// How long the whole fetch may take, however steadily bytes arrive.
    public var deadline: Duration
    /// Redirects followed before giving up (cycles are refused).
    public var maxRedirects: Int
    public var userAgent: String
    /// The least time between two progress reports.
    public var progressInterval: Duration

    public init(
        maxBytes: Int64 = 2_000_000_000, connectTimeout: Duration = .seconds(10),
        readTimeout: Duration = .seconds(60), deadline: Duration = .seconds(3600), maxRedirects: Int = 5,
        userAgent: String = Self.defaultUserAgent, progressInterval: Duration = .seconds(1)
    ) {
        self.maxBytes = maxBytes
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.deadline = deadline
        self.maxRedirects = maxRedirects
        self.userAgent = userAgent
        self.progressInterval = progressInterval
    }
}
