/// The byte between fields. Only these three: they are what spreadsheets and data vendors write,
/// and each is a single ASCII byte, which keeps the reader's scan a byte comparison.
public enum Delimiter: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case comma = 0x2C
    case semicolon = 0x3B
    case tab = 0x09

    /// `','`, `';'` or `tab`, as messages and the configuration spell it.
    public var description: String {
        switch self {
        case .comma: return "','"
        case .semicolon: return "';'"
        case .tab: return "tab"
        }
    }
}

/// The delimiter a file is read with: a fixed one, or `auto` to decide from the header line.
public enum DelimiterSetting: Sendable, Hashable, CustomStringConvertible {
    case fixed(Delimiter)
    /// Whichever of `;`, `,` and tab occurs most often outside quotes in the first non-blank line.
    /// Equal counts are an error rather than a guess; a line with none of them is one column,
    /// read with `,`.
    case auto

    /// The spellings `init?(_:)` accepts, for "expected one of" messages.
    public static let accepted = [",", ";", "\\t", "comma", "semicolon", "tab", "auto"]

    /// Parses a configuration value: `,` `;` a tab character or `\t`, `comma`, `semicolon`, `tab`,
    /// `auto` (names case-insensitively). Nil for anything else.
    public init?(_ text: String) {
        switch text.lowercased() {
        case ",", "comma": self = .fixed(.comma)
        case ";", "semicolon": self = .fixed(.semicolon)
        case "\t", "\\t", "tab": self = .fixed(.tab)
        case "auto": self = .auto
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .fixed(let delimiter): return delimiter.description
        case .auto: return "auto"
        }
    }
}
