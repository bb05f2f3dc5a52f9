/// What identifies the content fetched last time, kept with the fetch and handed back to the
/// next one: the server's ETag and Last-Modified for a conditional GET, and the SHA-256 of the
/// bytes, which also catches unchanged content from a server (or a local file) that has no
/// validators or ignores them.
public struct FetchValidators: Sendable, Hashable, Codable {
    public var etag: String?
    public var lastModified: String?
    /// Lowercase hex.
    public var sha256: String?

    public init(etag: String? = nil, lastModified: String? = nil, sha256: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
        self.sha256 = sha256
    }
}
