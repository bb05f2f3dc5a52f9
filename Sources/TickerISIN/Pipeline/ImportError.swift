/// Why an import stopped: the file (for archives, the entry) and what went wrong, in one line.
/// Nothing is published when it is thrown; the current snapshot stays as it was.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    /// The payload's name (a zip entry or the downloaded file), when known.
    public var file: String?
    public var message: String

    public init(file: String?, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String {
        file.map { "\($0): \(message)" } ?? message
    }
}
