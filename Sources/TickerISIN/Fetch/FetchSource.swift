import Foundation

/// Where an ISIN list comes from: a web address, or a file on this machine (a path or a
/// `file://` URL), which is copied all the same so that an import reads a stable copy.
public enum FetchSource: Sendable, Hashable, CustomStringConvertible {
    case http(URL)
    case file(URL)

    /// Reads what a configuration file holds: `https://…`, `http://…`, `file:///…`, or a path
    /// (relative paths are taken from the current directory).
    public init(_ text: String) throws(FetchError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw FetchError(.badSource("the source is empty"), source: text) }
        if let scheme = trimmed.range(of: "://").map({ trimmed[..<$0.lowerBound].lowercased() }) {
            switch scheme {
            case "http", "https":
                guard let url = URL(string: trimmed), let host = url.host, !host.isEmpty else {
                    throw FetchError(.badSource("not a valid web address"), source: trimmed)
                }
                self = .http(url)
            case "file":
                guard let url = URL(string: trimmed), url.isFileURL, !url.path.isEmpty else {
                    throw FetchError(.badSource("not a valid file:// URL"), source: trimmed)
                }
                self = .file(url)
            default:
                throw FetchError(.badSource("\(scheme):// is not supported; use http(s)://, file:// or a path"), source: trimmed)
            }
        } else {
            self = .file(URL(fileURLWithPath: trimmed))
        }
    }

    /// The source as errors and logs show it: the URL without a password, or the path.
    public var description: String {
        switch self {
        case .http(let url): return Self.redacted(url)
        case .file(let url): return url.path
        }
    }

    /// The last part of the URL or path, for naming the downloaded copy.
    var suggestedFileName: String {
        let url: URL = switch self {
        case .http(let url), .file(let url): url
        }
        return url.lastPathComponent
    }

    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false), components.password != nil else {
            return url.absoluteString
        }
        components.password = "***"
        return components.string ?? url.absoluteString
    }
}
