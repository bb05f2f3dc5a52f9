import ArgumentParser
import Foundation
import Logging
import TickerKeys

/// Which keeper holds the key-encryption keys, from the settings:
///
///     keys.provider            file (default) or pkcs11           TICKER_KEYS_PROVIDER
///     keys.file.dir            default <data dir>/keys             TICKER_KEYS_FILE_DIR
///     keys.pkcs11.module       the module's .so                    TICKER_KEYS_PKCS11_MODULE
///     keys.pkcs11.token        the token's label                   TICKER_KEYS_PKCS11_TOKEN
///     keys.pkcs11.pin          the user PIN (environment only)     TICKER_KEYS_PKCS11_PIN
///     keys.pkcs11.pin_file     or a file holding it                TICKER_KEYS_PKCS11_PIN_FILE
///     keys.pkcs11.label_prefix default ticker-kek-v                TICKER_KEYS_PKCS11_LABEL_PREFIX
///     keys.pkcs11.sessions     default 4                           TICKER_KEYS_PKCS11_SESSIONS
enum KeeperSettings {
    static func keeper(_ settings: Settings) throws -> any KeyWrapper {
        let reader = settings.reader
        switch reader.string(forKey: "keys.provider", default: "file") {
        case "file":
            let folder = reader.string(forKey: "keys.file.dir", default: URL(fileURLWithPath: settings.dataDir).appendingPathComponent("keys").path)
            return FileKeyWrapper(folder: URL(fileURLWithPath: folder))
        case "pkcs11":
            guard let module = reader.string(forKey: "keys.pkcs11.module"), let token = reader.string(forKey: "keys.pkcs11.token") else {
                throw ValidationError("keys.provider is pkcs11: set keys.pkcs11.module (TICKER_KEYS_PKCS11_MODULE) and keys.pkcs11.token (TICKER_KEYS_PKCS11_TOKEN)")
            }
            let sessions = reader.int(forKey: "keys.pkcs11.sessions", default: 4)
            guard (1...64).contains(sessions) else { throw ValidationError("keys.pkcs11.sessions must be 1 to 64, not \(sessions)") }
            return try PKCS11KeyWrapper(
                PKCS11Settings(
                    module: module, token: token, pin: try pin(reader.string(forKey: "keys.pkcs11.pin", isSecret: true), file: reader.string(forKey: "keys.pkcs11.pin_file")),
                    labelPrefix: reader.string(forKey: "keys.pkcs11.label_prefix", default: "ticker-kek-v"), sessions: sessions))
        case let other:
            throw ValidationError("keys.provider '\(other)' is not file or pkcs11")
        }
    }

    /// The PIN from the environment, or the first line of a file (a mounted secret).
    private static func pin(_ value: String?, file: String?) throws -> String {
        if let value, !value.isEmpty { return value }
        guard let file else {
            throw ValidationError("the token's PIN is not set: export TICKER_KEYS_PKCS11_PIN, or name a file holding it with keys.pkcs11.pin_file")
        }
        guard let text = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw ValidationError("cannot read the PIN file \(file)")
        }
        return String(text.prefix { $0 != "\n" && $0 != "\r" })
    }

    /// The warning a key file earns at every start: it sits beside the data it is meant to protect.
    static func warnIfSoft(_ keeper: any KeyWrapper, logger: Logger) {
        guard !keeper.isHardwareBacked else { return }
        logger.warning(
            "KEYS ARE NOT PROTECTED: the key-encryption key is a file on this server's disk. Anyone who copies the disk or a backup gets it. Use keys.provider=pkcs11 with an HSM in production (docs/security.md).",
            metadata: ["keeper": "\(keeper.location)"])
    }
}
