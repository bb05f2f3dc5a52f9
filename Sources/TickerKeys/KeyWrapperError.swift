/// Why a key operation failed, worded for the operator who has to fix it.
public struct KeyWrapperError: Error, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// The PKCS#11 module could not be loaded (wrong path, missing library).
        case module
        /// No token with the configured label.
        case tokenNotFound
        /// The PIN was refused, or the token locked it.
        case pin
        /// No KEK of the asked version.
        case keyNotFound
        /// A wrapped key, its AAD or its KEK version was altered, or the wrong KEK was used.
        case integrity
        /// The key file is missing, unreadable, or not private.
        case keyFile
        /// Any other refusal of the token.
        case token
        /// The configuration names no usable keeper.
        case configuration
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
