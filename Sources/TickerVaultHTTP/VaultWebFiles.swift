import Foundation
import Hummingbird
import TickerHTTP

/// The browser client's files (`Public/vault`), read once at start and served from memory under
/// `/vault/`. The page's scripts are same-origin ES modules, which the server's CSP allows
/// (`script-src 'self'`); nothing inline.
struct VaultWebFiles: Sendable {
    struct File: Sendable {
        var contentType: String
        var bytes: ByteBuffer
    }

    let files: [String: File]

    init() throws {
        guard let root = Bundle.module.url(forResource: "Public", withExtension: nil)?.appendingPathComponent("vault") else {
            throw VaultWebFilesMissing()
        }
        var files: [String: File] = [:]
        let paths = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for url in paths where !url.hasDirectoryPath {
            let relative = url.path.dropFirst(root.path.count + 1)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let type =
                switch url.pathExtension {
                case "js": "text/javascript; charset=utf-8"
                case "html": "text/html; charset=utf-8"
                case "css": "text/css; charset=utf-8"
                default: "application/octet-stream"
                }
            files[String(relative)] = File(contentType: type, bytes: ByteBuffer(data: data))
        }
        self.files = files
    }

    func add(to router: Router<TickerRequestContext>) {
        router.get("/vault/") { _, _ in response("index.html") }
        router.get("/vault/js/:file") { _, context in response("js/" + (context.parameters.get("file") ?? "")) }
    }

    private func response(_ name: String) -> Response {
        guard let file = files[name] else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "no such file\n")))
        }
        // Short caching: a new release's modules must reach browsers soon.
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "max-age=300"], body: .init(byteBuffer: file.bytes))
    }
}

struct VaultWebFilesMissing: Error, CustomStringConvertible {
    var description: String { "the browser client's files (TickerVaultHTTP's Public resources) are missing next to the binary" }
}
