import Foundation

/// What a fetch produced: nothing new, or a new file.
public enum FetchOutcome: Sendable, Hashable {
    /// The content is the one `previous` described; no file was written or replaced.
    case unchanged(FetchUnchanged)
    case fetched(FetchedFile)
}

/// Why a fetch found nothing new, with the validators to keep for the next one.
public struct FetchUnchanged: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// The server answered 304 Not Modified to the conditional GET.
        case notModified
        /// The bytes were fetched but their SHA-256 is the previous one: a local file, or a server
        /// that sent no validators or ignored them.
        case sameContent
    }

    public var reason: Reason
    /// The previous validators, updated with any new ETag or Last-Modified the server sent.
    public var validators: FetchValidators
}

/// A file fetched in full, hashed, synced and renamed into place.
public struct FetchedFile: Sendable, Hashable {
    /// The file in the destination directory.
    public var url: URL
    public var byteCount: Int64
    /// SHA-256 of the bytes, lowercase hex; also in `validators`.
    public var sha256: String
    /// To pass as `previous` to the next fetch of the same source.
    public var validators: FetchValidators
    /// The server's Content-Type, if any (nil for local files).
    public var contentType: String?
    /// Where the bytes came from after redirects; the path for a local file.
    public var finalURL: URL
}
