import Foundation
import Testing
@testable import TickerISIN

@Suite("fetch: local files and sources")
struct SourceFetcherFileTests {
    @Test func copiesALocalFileByPathOrFileURL() async throws {
        let content = sampleCSV(bytes: 3_000_000)
        try await withTemporaryDirectory { root in
            let original = root.appendingPathComponent("export.csv")
            try write(content, to: original)
            let destination = root.appendingPathComponent("dest", isDirectory: true)
            try await SourceFetcher.withFetcher { fetcher in
                for text in [original.path, original.absoluteString] {
                    let source = try FetchSource(text)
                    #expect(source == .file(original))
                    let outcome = try await fetcher.fetch(source, into: destination, fileName: "copy.csv")
                    guard case .fetched(let file) = outcome else { Issue.record("got \(outcome)"); return }
                    #expect(file.url == destination.appendingPathComponent("copy.csv"))
                    #expect(try contents(of: file.url) == content)
                    #expect(file.sha256 == sha256Hex(content))
                    #expect(file.byteCount == Int64(content.count))
                    #expect(file.validators == FetchValidators(sha256: sha256Hex(content)))
                    #expect(file.finalURL == original)
                    #expect(try fileNames(in: destination) == ["copy.csv"])
                }
            }
        }
    }

    @Test func sameLocalContentIsUnchanged() async throws {
        let content = sampleCSV(bytes: 10_000)
        try await withTemporaryDirectory { root in
            let original = root.appendingPathComponent("export.csv")
            try write(content, to: original)
            let destination = root.appendingPathComponent("dest", isDirectory: true)
            try await SourceFetcher.withFetcher { fetcher in
                let previous = FetchValidators(sha256: sha256Hex(content))
                let outcome = try await fetcher.fetch(.file(original), into: destination, previous: previous)
                guard case .unchanged(let unchanged) = outcome else { Issue.record("got \(outcome)"); return }
                #expect(unchanged.reason == .sameContent)
                #expect(try fileNames(in: destination).isEmpty)
            }
        }
    }

    @Test func missingLocalFile() async throws {
        try await withTemporaryDirectory { root in
            let missing = root.appendingPathComponent("nowhere.csv")
            try await SourceFetcher.withFetcher { fetcher in
                let error = await #expect(throws: FetchError.self) {
                    try await fetcher.fetch(.file(missing), into: root.appendingPathComponent("dest"))
                }
                #expect(error?.kind == .unreadableFile("No such file or directory"))
                #expect(error?.description == "\(missing.path): cannot read the file: No such file or directory")
            }
        }
    }

    @Test func directoryIsNotASource() async throws {
        try await withTemporaryDirectory { root in
            try await SourceFetcher.withFetcher { fetcher in
                let error = await #expect(throws: FetchError.self) {
                    try await fetcher.fetch(.file(root), into: root.appendingPathComponent("dest"))
                }
                #expect(error?.kind == .unreadableFile("not a regular file"))
            }
        }
    }

    @Test func unwritableDestination() async throws {
        try await withTemporaryDirectory { root in
            let original = root.appendingPathComponent("export.csv")
            try write(sampleCSV(bytes: 100), to: original)
            let blocker = root.appendingPathComponent("blocker")
            try write([1], to: blocker)
            try await SourceFetcher.withFetcher { fetcher in
                let error = await #expect(throws: FetchError.self) {
                    try await fetcher.fetch(.file(original), into: blocker.appendingPathComponent("dest"))
                }
                guard case .writeFailed(let path, let reason)? = error?.kind else {
                    Issue.record("expected writeFailed, got \(String(describing: error))")
                    return
                }
                #expect(path == blocker.path)
                #expect(reason == "Not a directory")
                #expect(error?.message == "cannot write \(blocker.path): Not a directory")
            }
        }
    }

    @Test func localFileOverTheLimit() async throws {
        try await withTemporaryDirectory { root in
            let original = root.appendingPathComponent("export.csv")
            try write(sampleCSV(bytes: 2000), to: original)
            try await SourceFetcher.withFetcher(configuration: FetchConfiguration(maxBytes: 1000)) { fetcher in
                let error = await #expect(throws: FetchError.self) {
                    try await fetcher.fetch(.file(original), into: root.appendingPathComponent("dest"))
                }
                #expect(error?.message == "larger than the 1 kB limit")
            }
        }
    }

    @Test func sourceTexts() throws {
        #expect(try FetchSource("https://example.com/a/isins.csv") == .http(URL(string: "https://example.com/a/isins.csv")!))
        #expect(try FetchSource(" HTTP://example.com/x ") == .http(URL(string: "HTTP://example.com/x")!))
        #expect(try FetchSource("/data/isins.csv") == .file(URL(fileURLWithPath: "/data/isins.csv")))
        #expect(throws: FetchError(.badSource("ftp:// is not supported; use http(s)://, file:// or a path"), source: "ftp://x/y")) {
            try FetchSource("ftp://x/y")
        }
        #expect(throws: FetchError.self) { try FetchSource("") }
        let secret = try FetchSource("https://user:pw@example.com/isins.csv")
        #expect(secret.description == "https://user:***@example.com/isins.csv")
    }

    @Test func fileNamesAreOnePathComponent() {
        #expect(SourceFetcher.safeFileName("../etc/passwd") == ".._etc_passwd")
        #expect(SourceFetcher.safeFileName("") == "download")
        #expect(SourceFetcher.safeFileName("..") == "download")
        #expect(SourceFetcher.safeFileName("/") == "download")
    }
}
