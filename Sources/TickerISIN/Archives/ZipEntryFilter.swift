/// Which files of a zip are the payload, by extension (case-insensitive). Directories, macOS
/// resource forks (`__MACOSX/`, `._name`) and `.DS_Store` never are.
public struct ZipEntryFilter: Sendable, Hashable, CustomStringConvertible {
    /// Lowercase, without the dot; empty means any file.
    public var extensions: Set<String>

    public init(extensions: some Sequence<String>) {
        self.extensions = Set(extensions.map { ($0.hasPrefix(".") ? String($0.dropFirst()) : $0).lowercased() })
    }

    /// Delimited text: `.csv`, `.txt`, `.tsv`.
    public static let delimitedText = ZipEntryFilter(extensions: ["csv", "txt", "tsv"])
    /// FIRDS and other XML exports.
    public static let xml = ZipEntryFilter(extensions: ["xml"])
    /// Every file.
    public static let anyFile = ZipEntryFilter(extensions: [String]())

    /// Whether the entry at `path` is a file to extract.
    public func matches(_ path: String) -> Bool {
        guard Self.isOrdinaryFile(path) else { return false }
        return extensions.isEmpty || extensions.contains(Self.fileExtension(path))
    }

    /// `.csv, .txt or .tsv`, for messages.
    public var description: String {
        let names = extensions.sorted().map { "." + $0 }
        guard names.count > 1 else { return names.first ?? "matching" }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    /// Not a directory, nor the clutter archivers on macOS add.
    static func isOrdinaryFile(_ path: String) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = components.last, !path.hasSuffix("/") else { return false }
        return !components.contains("__MACOSX") && !last.hasPrefix("._") && last != ".DS_Store"
    }

    /// `csv` for `data/ISINS.CSV`; empty when there is none.
    static func fileExtension(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return last[last.index(after: dot)...].lowercased()
    }
}
