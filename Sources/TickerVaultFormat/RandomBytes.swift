import Crypto

/// Random bytes from the system generator, through swift-crypto.
package enum RandomBytes {
    package static func make(_ count: Int) -> [UInt8] {
        SymmetricKey(size: .init(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }
}
