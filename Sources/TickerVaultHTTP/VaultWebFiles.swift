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
    /// Where the files were looked for, when they were not found.
    let missing: String?

    /// The resource bundle SwiftPM builds next to the executable. It is looked up by hand rather
    /// than through `Bundle.module`, which stops the process when the bundle is missing: a binary
    /// copied without it should still serve the API, and say what is wrong on `/vault/`.
    static let bundleName = "ticker_TickerVaultHTTP.resources"

    init() {
        let bundle = Bundle.main.bundleURL.appendingPathComponent(Self.bundleName)
        let root = bundle.appendingPathComponent("Public/vault")
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("index.html").path) else {
            files = [:]
            missing = bundle.path
            return
        }
        missing = nil
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
        if let missing {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "the browser client is not installed: copy \(Self.bundleName) next to the ticker binary (looked for \(missing))\n")))
        }
        guard let file = files[name] else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "no such file\n")))
        }
        // Short caching: a new release's modules must reach browsers soon.
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "max-age=300"], body: .init(byteBuffer: file.bytes))
    }
}
