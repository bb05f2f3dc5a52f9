import Crypto

/// What the server keeps instead of a key that proves the user (`auth_key`, or the Recovery
/// Key's `auth`): `SHA256("TKVER1" ‖ lp(user_id) ‖ key)`. A fast hash is enough, because the key
/// already depends on the 128-bit Secret Key or the Recovery Key.
public enum Verifier {
    public static func of(userID: String, key: [UInt8]) throws -> [UInt8] {
        var w = ByteWriter("TKVER1")
        try w.lp(userID)
        w.raw(key)
        return Array(SHA256.hash(data: w.bytes))
    }
}
