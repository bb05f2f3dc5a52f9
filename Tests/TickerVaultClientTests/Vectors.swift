import Foundation
import Testing

/// `Tests/Fixtures/vault/vectors.json`: the protocol's known-answer vectors, copied unchanged
/// from the independent implementation that produced them.
struct Vectors {
    let root: [String: Any]

    init() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vault/vectors.json")
        root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    subscript(_ path: String) -> Any? {
        var node: Any? = root
        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
        return node
    }

    func text(_ path: String) throws -> String { try #require(self[path] as? String, "\(path)") }
    func hex(_ path: String) throws -> [UInt8] { try Hex.decode(text(path)) }
    func int(_ path: String) throws -> Int { try #require(self[path] as? Int, "\(path)") }
    func object(_ path: String) throws -> [String: Any] { try #require(self[path] as? [String: Any], "\(path)") }
}

enum Hex {
    static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        try #require(chars.count % 2 == 0)
        return try stride(from: 0, to: chars.count, by: 2).map { i in
            try #require(UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16))
        }
    }

    static func encode(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
