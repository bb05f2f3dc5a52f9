import Foundation

/// The canonical form of an e-mail address, which both the salt and the server's look-ups use:
/// NFKC, ASCII letters lower-cased, NFKC again (lower-casing can expose a combining sequence),
/// then Unicode white space trimmed at both ends. Canonicalizing twice changes nothing.
public enum EmailAddress {
    public static func canonical(_ email: String) -> String {
        let lowered = String(String.UnicodeScalarView(email.precomposedStringWithCompatibilityMapping.unicodeScalars.map(lowerASCII)))
        let recomposed = lowered.precomposedStringWithCompatibilityMapping.unicodeScalars
        guard let first = recomposed.firstIndex(where: { !isWhiteSpace($0) }),
            let last = recomposed.lastIndex(where: { !isWhiteSpace($0) })
        else { return "" }
        return String(String.UnicodeScalarView(recomposed[first...last]))
    }

    private static func lowerASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
    }

    /// Exactly the code points with the White_Space property, as the protocol lists them.
    private static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
