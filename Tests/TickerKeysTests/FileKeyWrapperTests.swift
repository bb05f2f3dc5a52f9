import Foundation
import Testing
import TickerTestSupport

@testable import TickerKeys

@Suite struct FileKeyWrapperTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-keys-\(UUID().uuidString)")

    @Test func wrapsAndUnwrapsWithTheAADItWasGiven() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrapper = FileKeyWrapper(folder: folder)
        try await wrapper.create(version: 1)
        #expect(try await wrapper.versions() == [1])
        let dek = Array(repeating: UInt8(7), count: 32)
        let aad = DataKeyAAD.bytes(scope: "user:a", kekVersion: 1)
        let wrapped = try await wrapper.wrap(dek, aad: aad, version: 1)
        #expect(wrapped.nonce.count == 12 && wrapped.sealed.count == 48)
        let opened = try await wrapper.unwrap(wrapped, aad: aad)
        #expect(opened == dek)
        await #expect(throws: KeyWrapperError(.integrity, "a data key sealed by KEK v1 failed its integrity check")) {
            _ = try await wrapper.unwrap(wrapped, aad: DataKeyAAD.bytes(scope: "user:b", kekVersion: 1))
        }
    }

    @Test func keepsTheFirstKeyOfAVersionAndRefusesAKeyOthersCanRead() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrapper = FileKeyWrapper(folder: folder)
        try await wrapper.create(version: 2)
        let file = folder.appendingPathComponent("kek-v2.key")
        let first = try Data(contentsOf: file)
        try await wrapper.create(version: 2)
        #expect(try Data(contentsOf: file) == first)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let error = await #expect(throws: KeyWrapperError.self) { _ = try await wrapper.wrap([1], aad: [], version: 2) }
        #expect(error?.kind == .keyFile && error?.message.contains("chmod 600") == true)
        await #expect(throws: KeyWrapperError.self) { _ = try await wrapper.wrap([1], aad: [], version: 3) }
    }

    /// `server_kek.ckm_aes_gcm` of the vectors, opened with the vectors' KEK as a key file.
    @Test func opensTheVectorsWrappedDataKey() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let vectors = try Vectors()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("kek-v1.key")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data(try vectors.hex("server_kek.kek_hex")), attributes: [.posixPermissions: 0o600]))
        let wrapped = WrappedKey(kekVersion: 1, nonce: try vectors.hex("server_kek.ckm_aes_gcm.iv_hex"), sealed: try vectors.hex("server_kek.ckm_aes_gcm.ct_hex"))
        let aad = Array(try vectors.text("server_kek.ckm_aes_gcm.aad_utf8").utf8)
        #expect(aad == DataKeyAAD.bytes(scope: "user:00000000-0000-4000-8000-000000000001", kekVersion: 1))
        let opened = try await FileKeyWrapper(folder: folder).unwrap(wrapped, aad: aad)
        #expect(opened == (try vectors.hex("server_kek.dek_hex")))
    }
}
