/// Why a FIRDS file could not be read, and where.
///
/// Every one of these stops the reader, which then throws the same error on every call: a file
/// that is not well-formed XML, or not a FIRDS file at all, has no records that can be trusted after
/// the fault. (A record that merely lacks its ISIN is not an error but a `RowOutcome.problem`.)
///
/// `message` states the problem on its own, for callers that show the place their own way;
/// `description` is `line 12: …`.
public struct FIRDSError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No bytes at all, or nothing but whitespace and a byte order mark.
        case empty
        /// The file starts with a UTF-16 byte order mark, or with `<` as UTF-16; only UTF-8 is read.
        case utf16(bigEndian: Bool)
        /// The XML declaration names an encoding other than UTF-8 (or its ASCII subset).
        case unsupportedEncoding(String)
        /// Bytes that are not UTF-8; `byte` is the first byte of the bad sequence. They are never
        /// replaced: a FIRDS file is UTF-8, so this one is damaged or is not one.
        case invalidUTF8(byte: UInt8)
        /// A control character XML does not allow anywhere (all below 0x20 but tab, LF and CR):
        /// a binary file, or a damaged one.
        case controlCharacter(UInt8)
        /// A `<!DOCTYPE …>`. FIRDS files have none, and a DTD is where entity expansion attacks
        /// and external entities come from, so none is read.
        case doctype
        /// The text is not well-formed XML; the text says how.
        case malformed(String)
        /// `</found>` closes an element that was opened as `<expected>` on line `openedAt`.
        case mismatchedEndTag(expected: String, openedAt: Int, found: String)
        /// The input ends inside an element (`"<RefData>"`) or inside a tag, comment, CDATA section
        /// or reference (`"a tag"`), opened on line `openedAt`: usually a truncated download.
        case endsInside(String, openedAt: Int)
        /// `&name;` other than the five XML predefines; there is no DTD to define more.
        case undefinedEntity(String)
        /// An element name with a prefix that no `xmlns:prefix` in scope declares.
        case undeclaredPrefix(String)
        /// The root element, or the `Document` inside a `BizData` envelope, is not an auth.017
        /// `Document`: `element` as written, `namespace` nil for none.
        case notAuth017(element: String, namespace: String?)
        /// The file is XML, but has no auth.017 `Document` where one belongs.
        case noDocument
        /// A tag, comment, CDATA section or value (`what`) longer than `limit` bytes, refused so that
        /// memory stays bounded whatever the input.
        case tooLong(String, limit: Int)
        /// Elements nested deeper than `limit`, refused for the same reason.
        case tooDeep(limit: Int)
        /// The byte source failed; the text is its error.
        case readFailed(String)
    }

    public var kind: Kind
    /// 1-based line of the problem: where the offending markup or byte is, or for `endsInside` and
    /// `noDocument` where the input ends.
    public var line: Int
    /// 1-based column of the problem on `line`, counted in bytes (the same as characters on an
    /// ASCII line); nil when the problem has no single place, such as the end of the input.
    public var column: Int?

    public init(_ kind: Kind, line: Int, column: Int? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The namespace auth.017 documents are in, with its message version left open.
    public static let auth017Namespace = "urn:iso:std:iso:20022:tech:xsd:auth.017.001.NN"

    public var message: String {
        switch kind {
        case .empty:
            return "the file is empty"
        case let .utf16(bigEndian):
            return "the file is UTF-16 (\(bigEndian ? "big" : "little")-endian); only UTF-8 is read"
        case let .unsupportedEncoding(name):
            return "the XML declaration gives the encoding \"\(name)\"; only UTF-8 is read"
        case let .invalidUTF8(byte):
            return "bytes that are not UTF-8 (\(ByteText.hex(byte))); the file must be UTF-8"
        case let .controlCharacter(byte):
            return "control character \(ByteText.hex(byte)), which XML does not allow; is this a binary file?"
        case .doctype:
            return "the file has a document type declaration (<!DOCTYPE>); FIRDS files have none, "
                + "and DTDs are not read"
        case let .malformed(what):
            return "not well-formed XML: \(what)"
        case let .mismatchedEndTag(expected, openedAt, found):
            return "end tag </\(found)> does not match <\(expected)> opened at line \(openedAt)"
        case let .endsInside(what, openedAt):
            return "the file ends inside \(what) opened at line \(openedAt): truncated?"
        case let .undefinedEntity(name):
            return "undefined entity &\(name);: XML without a DTD has only &lt; &gt; &amp; &apos; "
                + "&quot; and character references"
        case let .undeclaredPrefix(prefix):
            return "namespace prefix \"\(prefix)\" is not declared"
        case let .notAuth017(element, namespace):
            let found = namespace.map { "\"\($0)\"" } ?? "no namespace"
            return "expected an ISO 20022 auth.017 document (namespace \(Self.auth017Namespace)), "
                + "found <\(element)> in \(found)"
        case .noDocument:
            return "no auth.017 Document element found"
        case let .tooLong(what, limit):
            return "\(what) longer than \(limit) bytes"
        case let .tooDeep(limit):
            return "elements nested more than \(limit) deep"
        case let .readFailed(reason):
            return "read failed: \(reason)"
        }
    }

    public var description: String { "line \(line): \(message)" }
}
