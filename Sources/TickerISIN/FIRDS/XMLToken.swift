/// What `XMLScanner.next()` found. Ranges are offsets in `XMLScanner.buffer`, valid until the next
/// call; names are as written, prefix included. Comments, processing instructions and the XML
/// declaration are consumed without a token.
enum XMLToken {
    /// `<name …>`, or `<name …/>` when `selfClosing`; its attributes are `XMLScanner.attributes`.
    case startTag(name: Range<Int>, selfClosing: Bool)
    /// `</name>`.
    case endTag(name: Range<Int>)
    /// Character data as written, line breaks not yet normalized. Text may come in several runs,
    /// cut anywhere, even inside a character or a CRLF.
    case text(Range<Int>)
    /// A character written as a reference: `&amp;`, `&#233;`, `&#xE9;`.
    case character(Unicode.Scalar)
    /// The content of a `<![CDATA[…]]>` section, whole.
    case cdata(Range<Int>)
}

/// One attribute of the last start tag: offsets in `XMLScanner.buffer`, the value without its quotes.
struct XMLAttribute {
    var name: Range<Int>
    var value: Range<Int>
    /// The value has a `&`, so it must be decoded before use.
    var hasReference: Bool
}
