/// Why a fetch failed, in one line that names the source: `https://example.com/isins.csv: HTTP
/// 404 Not Found`. After any of these the destination file, if there was one, is as it was and no
/// temporary file is left behind.
public struct FetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. Also an `Error` on its own, thrown inside the module where the source
    /// is not known yet.
    public enum Kind: Error, Sendable, Hashable {
        /// The source text is not an http(s) URL, a file:// URL or a path.
        case badSource(String)
        /// The server answered with an error status (or a redirect that was not followed).
        case httpStatus(code: Int, reason: String)
        /// No connection: refused, unknown host, TLS failure; the text says which.
        case cannotConnect(String)
        case connectTimeout(Duration)
        /// The server sent nothing for this long, after `bytes` of the body.
        case readTimeout(Duration, bytes: Int64)
        /// The fetch as a whole took longer than allowed.
        case deadlineExceeded(Duration, bytes: Int64)
        /// Over `FetchConfiguration.maxBytes`: by the announced Content-Length, or while streaming.
        case tooLarge(limit: Int64, contentLength: Int64?)
        /// The connection ended before the Content-Length was reached.
        case truncated(expected: Int64, received: Int64)
        case tooManyRedirects(Int)
        case redirectCycle
        /// A local source that is missing, unreadable or not a regular file.
        case unreadableFile(String)
        /// The copy could not be written to the destination directory.
        case writeFailed(path: String, reason: String)
        /// Any other transfer failure, as the HTTP client put it.
        case transfer(String)
        case cancelled
    }

    public var kind: Kind
    /// The URL (without password) or path fetched.
    public var source: String

    public init(_ kind: Kind, source: String) {
        self.kind = kind
        self.source = source
    }

    public var message: String {
        switch kind {
        case .badSource(let reason):
            return reason
        case let .httpStatus(code, reason):
            return reason.isEmpty ? "HTTP \(code)" : "HTTP \(code) \(reason)"
        case .cannotConnect(let reason):
            return "cannot connect: \(reason)"
        case .connectTimeout(let timeout):
            return "no connection within \(QuantityText.duration(timeout))"
        case let .readTimeout(timeout, bytes):
            return "no data for \(QuantityText.duration(timeout)) after \(QuantityText.grouped(bytes)) bytes"
        case let .deadlineExceeded(deadline, bytes):
            return "not finished within \(QuantityText.duration(deadline)) (\(QuantityText.grouped(bytes)) bytes received)"
        case let .tooLarge(limit, contentLength?):
            return "larger than the \(QuantityText.roundBytes(limit)) limit "
                + "(the server announces \(QuantityText.bytes(contentLength)))"
        case .tooLarge(let limit, nil):
            return "larger than the \(QuantityText.roundBytes(limit)) limit"
        case let .truncated(expected, received):
            return "the connection closed after \(QuantityText.grouped(received)) of "
                + "\(QuantityText.grouped(expected)) bytes: truncated download"
        case .tooManyRedirects(let limit):
            return "more than \(limit) redirects"
        case .redirectCycle:
            return "the redirects go round in a circle"
        case .unreadableFile(let reason):
            return "cannot read the file: \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        case .transfer(let reason):
            return "download failed: \(reason)"
        case .cancelled:
            return "cancelled"
        }
    }

    public var description: String { "\(source): \(message)" }
}
