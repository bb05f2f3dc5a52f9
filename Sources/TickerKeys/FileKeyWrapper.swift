import Crypto
import Foundation

/// KEKs kept as files (`kek-v<N>.key`, 32 random bytes, mode 0600) in a folder on the server's own
/// disk. Fine for development; in production it puts the KEK beside the data it protects, which is
/// why `ticker serve` warns loudly when it uses one.
public struct FileKeyWrapper: KeyWrapper {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public var location: String { "key files in \(folder.path)" }
    public var isHardwareBacked: Bool { false }

    public func versions() async throws -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap(Self.version(fromFileName:)).sorted()
    }

    public func create(version: Int) async throws {
        let file = path(version)
        guard !FileManager.default.fileExists(atPath: file.path) else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // Written to a private temporary name, then linked into place: a crash leaves no half key,
        // and two processes creating the same version at once end up with the first one's key.
        let temporary = folder.appendingPathComponent(".kek-v\(version).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: key, attributes: [.posixPermissions: 0o600]) else {
            throw KeyWrapperError(.keyFile, "cannot write a key file in \(folder.path)")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        if link(temporary.path, file.path) != 0, errno != EEXIST {
            throw KeyWrapperError(.keyFile, "cannot create \(file.path): \(String(cString: strerror(errno)))")
        }
    }

    public func destroy(version: Int) async throws {
        try? FileManager.default.removeItem(at: path(version))
    }

    public func wrap(_ key: [UInt8], aad: [UInt8], version: Int) async throws -> WrappedKey {
        let box = try AES.GCM.seal(key, using: try kek(version), nonce: AES.GCM.Nonce(), authenticating: aad)
        return WrappedKey(kekVersion: version, nonce: Array(box.nonce), sealed: Array(box.ciphertext) + Array(box.tag))
    }

    public func unwrap(_ key: WrappedKey, aad: [UInt8]) async throws -> [UInt8] {
        let kek = try kek(key.kekVersion)
        guard key.sealed.count >= 16, let nonce = try? AES.GCM.Nonce(data: key.nonce),
            let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: key.sealed.dropLast(16), tag: key.sealed.suffix(16)),
            let opened = try? AES.GCM.open(box, using: kek, authenticating: aad)
        else { throw KeyWrapperError(.integrity, "a data key sealed by KEK v\(key.kekVersion) failed its integrity check") }
        return Array(opened)
    }

    public func facts(version: Int) async throws -> KEKFacts {
        _ = try kek(version)
        return KEKFacts(version: version, label: path(version).lastPathComponent, extractable: true, sensitive: false, canWrap: true)
    }

    private func path(_ version: Int) -> URL { folder.appendingPathComponent("kek-v\(version).key") }

    static func version(fromFileName name: String) -> Int? {
        guard name.hasPrefix("kek-v"), name.hasSuffix(".key") else { return nil }
        return Int(name.dropFirst(5).dropLast(4)).flatMap { $0 >= 1 ? $0 : nil }
    }

    private func kek(_ version: Int) throws -> SymmetricKey {
        let file = path(version)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path) else {
            throw KeyWrapperError(.keyNotFound, "KEK v\(version) is missing: no file \(file.path)")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw KeyWrapperError(.keyFile, "\(file.path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: file.path), data.count == 32 else {
            throw KeyWrapperError(.keyFile, "\(file.path) must hold exactly 32 bytes")
        }
        return SymmetricKey(data: data)
    }
}
