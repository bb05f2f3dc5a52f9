import ArgumentParser
import Foundation
import TickerVaultClient

/// What this device keeps for the signed-in vault account, in `account.json` of the vault home
/// (`TICKER_VAULT_HOME`, else `$XDG_CONFIG_HOME/ticker/vault`, else `~/.config/ticker/vault`):
/// the server, the e-mail, the Secret Key (a trusted device keeps it, so the user types only the
/// password), the pins and the current session. The file is mode 0600 in a 0700 folder. It
/// holds no password and no key that opens the vault without the password.
struct VaultDevice: Codable {
    struct StoredSession: Codable {
        var prelogin: PreloginResponse
        var session: SessionResponse
        var signedInAt: Date
    }

    var server: String
    var email: String
    var secretKey: String
    var pins: DevicePins
    var session: StoredSession?
    /// The account's public identity, kept for `whoami` when no session is.
    var userID: String?
    var fingerprint: String?

    static var home: URL {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["TICKER_VAULT_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return URL(fileURLWithPath: config).appendingPathComponent("ticker/vault") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/ticker/vault")
    }

    static var file: URL { home.appendingPathComponent("account.json") }

    static func load() throws -> VaultDevice {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ValidationError("no vault account on this device (\(file.path)): run `ticker vault register` or `ticker vault login` first")
        }
        do {
            return try JSONDecoder.vault.decode(VaultDevice.self, from: data)
        } catch {
            throw ValidationError("\(file.path) is not a vault device file: \(error)")
        }
    }

    func save() throws {
        try FileManager.default.createDirectory(at: Self.home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try PrivateFile.write(Array(try JSONEncoder.vault.encode(self)), to: Self.file.path, replacing: true)
    }

    static func forget() throws {
        if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
    }

    var vaultServer: VaultServer { VaultServer(baseURL: server) }
}

extension JSONEncoder {
    static var vault: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    static var vault: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// Files only their owner may read: the device file, the Emergency Kit, exports.
enum PrivateFile {
    /// Writes through a new file of mode 0600 (never widening an existing one's mode first) and,
    /// when `replacing`, renames it over `path`; otherwise refuses an existing `path`.
    static func write(_ bytes: [UInt8], to path: String, replacing: Bool) throws {
        let target = replacing ? path + ".tmp-\(getpid())" : path
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw ValidationError("\(target) exists; move it away or choose another path") }
            throw ValidationError("cannot create \(target): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw ValidationError("cannot write \(target): \(String(cString: strerror(errno)))") }
            written += n
        }
        guard fsync(fd) == 0 else { throw ValidationError("cannot write \(target): \(String(cString: strerror(errno)))") }
        if replacing, rename(target, path) != 0 { throw ValidationError("cannot replace \(path): \(String(cString: strerror(errno)))") }
    }
}

/// Passwords and keys typed by the user: read from a file descriptor (`--password-fd 3`, for
/// scripts) or asked on the terminal without echo. Never from a flag or the environment, which
/// other processes and shell histories can see.
enum SecretInput {
    static func read(_ prompt: String, fd: Int32?) throws -> String {
        if let fd { return try line(from: fd, what: prompt) }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("no terminal to ask '\(prompt)': give it on a file descriptor, for example --password-fd 3 3<file")
        }
        FileHandle.standardError.write(Data("\(prompt): ".utf8))
        var settings = termios()
        tcgetattr(STDIN_FILENO, &settings)
        let saved = settings
        settings.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &settings)
        defer {
            var restore = saved
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &restore)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return try line(from: STDIN_FILENO, what: prompt)
    }

    /// One line, read a byte at a time so that the next secret on the same descriptor stays there.
    private static func line(from fd: Int32, what: String) throws -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(fd, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
            guard bytes.count <= 4096 else { throw ValidationError("\(what) is longer than 4096 bytes") }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw ValidationError("\(what) is empty (nothing could be read)") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
