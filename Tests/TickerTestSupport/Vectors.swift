import Foundation

/// `Tests/Fixtures/vault/vectors.json`: the protocol's known-answer vectors, copied unchanged
/// from the independent implementation that produced them. Shared by the client's and the
/// server's vector tests.
public struct Vectors {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    let root: [String: Any]

    public init() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vault/vectors.json")
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw Missing(description: "\(url.path) is not a JSON object")
        }
        self.root = root
    }

    public subscript(_ path: String) -> Any? {
        var node: Any? = root
        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
        return node
    }

    public func text(_ path: String) throws -> String { try value(path) }
    public func hex(_ path: String) throws -> [UInt8] { try Hex.decode(text(path)) }
    public func int(_ path: String) throws -> Int { try value(path) }
    public func object(_ path: String) throws -> [String: Any] { try value(path) }

    private func value<T>(_ path: String) throws -> T {
        guard let value = self[path] as? T else { throw Missing(description: "the vectors have no \(T.self) at \(path)") }
        return value
    }
}

public enum Hex {
    public static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { throw Vectors.Missing(description: "odd-length hex") }
        return try stride(from: 0, to: chars.count, by: 2).map { i in
            guard let byte = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else {
                throw Vectors.Missing(description: "not hex: \(text.prefix(16))")
            }
            return byte
        }
    }

    public static func encode(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
