import Foundation
#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
#endif
import Synchronization
import Testing
@testable import TickerISIN

/// Runs `body` with a fixture server serving a directory that holds `isins.csv` (`content`), a
/// destination directory, and a fetcher with short timeouts; everything is stopped afterwards.
private func withHTTPFixture(
    content: [UInt8] = sampleCSV(bytes: 200_000),
    configuration: FetchConfiguration = FetchConfiguration(connectTimeout: .seconds(5), readTimeout: .seconds(30), deadline: .seconds(60)),
    _ body: (FixtureServer, SourceFetcher, URL) async throws -> Void
) async throws {
    try await withTemporaryDirectory { root in
        let served = root.appendingPathComponent("served", isDirectory: true)
        let destination = root.appendingPathComponent("dest", isDirectory: true)
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try write(content, to: served.appendingPathComponent("isins.csv"))
        try await withFixtureServer(directory: served) { server in
            try await SourceFetcher.withFetcher(configuration: configuration) { fetcher in
                try await body(server, fetcher, destination)
            }
        }
    }
}

/// The error a fetch threw; a test failure if it succeeded.
private func fetchError(
    _ fetcher: SourceFetcher, _ url: URL, into directory: URL, fileName: String = "isins.csv",
    previous: FetchValidators? = nil
) async -> FetchError? {
    do {
        let outcome = try await fetcher.fetch(.http(url), into: directory, fileName: fileName, previous: previous)
        Issue.record("expected the fetch of \(url) to fail, got \(outcome)")
        return nil
    } catch {
        return error
    }
}

private func fetched(_ outcome: FetchOutcome) throws -> FetchedFile {
    guard case .fetched(let file) = outcome else {
        Issue.record("expected a fetched file, got \(outcome)")
        throw CancellationError()
    }
    return file
}

@Suite("fetch: HTTP")
struct SourceFetcherHTTPTests {
    @Test func downloadsTheFileWithItsHashAndValidators() async throws {
        let content = sampleCSV(bytes: 300_000)
        try await withHTTPFixture(content: content) { server, fetcher, destination in
            let file = try fetched(try await fetcher.fetch(.http(server.url("/isins.csv")), into: destination))
            #expect(file.url == destination.appendingPathComponent("isins.csv"))
            #expect(try contents(of: file.url) == content)
            #expect(file.byteCount == Int64(content.count))
            #expect(file.sha256 == sha256Hex(content))
            #expect(file.validators.sha256 == file.sha256)
            #expect(file.validators.etag?.hasPrefix("\"") == true)
            #expect(file.validators.lastModified?.hasSuffix("GMT") == true)
            #expect(file.contentType == "application/octet-stream")
            #expect(file.finalURL == server.url("/isins.csv"))
            #expect(try fileNames(in: destination) == ["isins.csv"])
        }
    }

    @Test func notModifiedByETag() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            let first = try fetched(try await fetcher.fetch(.http(server.url("/isins.csv")), into: destination))
            let previous = FetchValidators(etag: first.validators.etag)
            let second = try await fetcher.fetch(.http(server.url("/isins.csv")), into: destination, previous: previous)
            guard case .unchanged(let unchanged) = second else { Issue.record("got \(second)"); return }
            #expect(unchanged.reason == .notModified)
            #expect(unchanged.validators.etag == first.validators.etag)
        }
    }

    @Test func notModifiedByLastModified() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            let first = try fetched(try await fetcher.fetch(.http(server.url("/isins.csv")), into: destination))
            let previous = FetchValidators(lastModified: first.validators.lastModified)
            let second = try await fetcher.fetch(.http(server.url("/isins.csv")), into: destination, previous: previous)
            guard case .unchanged(let unchanged) = second else { Issue.record("got \(second)"); return }
            #expect(unchanged.reason == .notModified)
        }
    }

    @Test func sameContentIsUnchangedWhenTheServerHasNoValidators() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            let url = server.url("/novalidators/isins.csv")
            let first = try fetched(try await fetcher.fetch(.http(url), into: destination, fileName: "isins.csv"))
            #expect(first.validators.etag == nil && first.validators.lastModified == nil)
            // Marks the copy, to show the second fetch does not write it.
            try write(Array("marker".utf8), to: first.url)
            let second = try await fetcher.fetch(.http(url), into: destination, fileName: "isins.csv", previous: first.validators)
            guard case .unchanged(let unchanged) = second else { Issue.record("got \(second)"); return }
            #expect(unchanged.reason == .sameContent)
            #expect(unchanged.validators.sha256 == first.sha256)
            #expect(try contents(of: first.url) == Array("marker".utf8))
            #expect(try fileNames(in: destination) == ["isins.csv"])
        }
    }

    @Test func notFoundNamesTheURLAndLeavesTheOldCopy() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
            try write(Array("old copy".utf8), to: destination.appendingPathComponent("isins.csv"))
            let url = server.url("/status/404")
            let error = try #require(await fetchError(fetcher, url, into: destination))
            #expect(error.kind == .httpStatus(code: 404, reason: "Not Found"))
            #expect(error.description == "\(url.absoluteString): HTTP 404 Not Found")
            #expect(try contents(of: destination.appendingPathComponent("isins.csv")) == Array("old copy".utf8))
            #expect(try fileNames(in: destination) == ["isins.csv"])
        }
    }

    @Test func serverError() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            let error = try #require(await fetchError(fetcher, server.url("/status/500"), into: destination))
            #expect(error.kind == .httpStatus(code: 500, reason: "Internal Server Error"))
        }
    }

    @Test func silentServerFailsOnTheReadTimeout() async throws {
        let configuration = FetchConfiguration(connectTimeout: .seconds(5), readTimeout: .seconds(1), deadline: .seconds(60))
        try await withHTTPFixture(configuration: configuration) { server, fetcher, destination in
            try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
            try write(Array("old copy".utf8), to: destination.appendingPathComponent("isins.csv"))
            let start = ContinuousClock.now
            let error = try #require(await fetchError(fetcher, server.url("/hang/body?bytes=12345"), into: destination))
            #expect(error.kind == .readTimeout(.seconds(1), bytes: 12_345))
            #expect(error.message == "no data for 1 s after 12,345 bytes")
            #expect(ContinuousClock.now - start < .seconds(45), "well before the 60 s deadline")
            #expect(try contents(of: destination.appendingPathComponent("isins.csv")) == Array("old copy".utf8))
            #expect(try fileNames(in: destination) == ["isins.csv"])
        }
    }

    @Test func serverThatNeverAnswersFailsOnTheReadTimeout() async throws {
        let configuration = FetchConfiguration(connectTimeout: .seconds(5), readTimeout: .seconds(1), deadline: .seconds(60))
        try await withHTTPFixture(configuration: configuration) { server, fetcher, destination in
            let start = ContinuousClock.now
            let error = try #require(await fetchError(fetcher, server.url("/hang"), into: destination))
            #expect(error.kind == .readTimeout(.seconds(1), bytes: 0))
            #expect(ContinuousClock.now - start < .seconds(45), "well before the 60 s deadline")
        }
    }

    @Test func contentLengthOverTheLimitIsRefusedAtOnce() async throws {
        let configuration = FetchConfiguration(maxBytes: 100_000)
        try await withHTTPFixture(content: sampleCSV(bytes: 250_000), configuration: configuration) { server, fetcher, destination in
            let error = try #require(await fetchError(fetcher, server.url("/isins.csv"), into: destination))
            #expect(error.kind == .tooLarge(limit: 100_000, contentLength: 250_000))
            #expect(error.message == "larger than the 100 kB limit (the server announces 250.0 kB)")
            #expect(try fileNames(in: destination).isEmpty)
        }
    }

    @Test func bodyOverTheLimitIsAbortedWhileStreaming() async throws {
        let configuration = FetchConfiguration(maxBytes: 100_000)
        try await withHTTPFixture(content: sampleCSV(bytes: 250_000), configuration: configuration) { server, fetcher, destination in
            for path in ["/nolength/isins.csv", "/chunked/isins.csv"] {
                let error = try #require(await fetchError(fetcher, server.url(path), into: destination))
                #expect(error.kind == .tooLarge(limit: 100_000, contentLength: nil))
                #expect(error.message == "larger than the 100 kB limit")
                #expect(try fileNames(in: destination).isEmpty)
            }
        }
    }

    @Test func bodiesWithoutContentLengthAreComplete() async throws {
        let content = sampleCSV(bytes: 150_000)
        try await withHTTPFixture(content: content) { server, fetcher, destination in
            for path in ["/nolength/isins.csv", "/chunked/isins.csv"] {
                let file = try fetched(try await fetcher.fetch(.http(server.url(path)), into: destination))
                #expect(try contents(of: file.url) == content)
                #expect(file.sha256 == sha256Hex(content))
            }
        }
    }

    @Test func bodyShorterThanContentLengthIsTruncated() async throws {
        try await withHTTPFixture(content: sampleCSV(bytes: 100_000)) { server, fetcher, destination in
            let error = try #require(await fetchError(fetcher, server.url("/truncate/isins.csv"), into: destination))
            // The server sends half; NIO may drop what it buffered when it sees the close.
            guard case .truncated(let expected, let received) = error.kind else {
                Issue.record("expected truncated, got \(error)")
                return
            }
            #expect(expected == 100_000 && received <= 50_000)
            #expect(error.message.hasSuffix(" of 100,000 bytes: truncated download"))
            #expect(try fileNames(in: destination).isEmpty)
        }
    }

    @Test func followsRedirects() async throws {
        let content = sampleCSV(bytes: 10_000)
        try await withHTTPFixture(content: content) { server, fetcher, destination in
            let file = try fetched(try await fetcher.fetch(.http(server.url("/redirect/isins.csv?times=3")), into: destination))
            #expect(try contents(of: file.url) == content)
            #expect(file.finalURL == server.url("/isins.csv"))
            #expect(file.url.lastPathComponent == "isins.csv")
        }
    }

    @Test func tooManyRedirects() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            let error = try #require(await fetchError(fetcher, server.url("/redirect/isins.csv?times=7"), into: destination))
            #expect(error.kind == .tooManyRedirects(5))
        }
    }

    @Test func refusedConnection() async throws {
        let port = try closedPort()
        // A long connect timeout: a refusal must be reported as such, not waited out as a timeout.
        try await SourceFetcher.withFetcher(configuration: FetchConfiguration(connectTimeout: .seconds(120))) { fetcher in
            try await withTemporaryDirectory { destination in
                let url = URL(string: "http://127.0.0.1:\(port)/isins.csv")!
                let error = try #require(await fetchError(fetcher, url, into: destination))
                guard case .cannotConnect(let reason) = error.kind else {
                    Issue.record("expected cannotConnect, got \(error)")
                    return
                }
                #expect(reason.contains("refused"))
                #expect(error.description.hasPrefix("http://127.0.0.1:\(port)/isins.csv: cannot connect: connection refused"))
                #expect(try fileNames(in: destination).isEmpty)
            }
        }
    }

    @Test func overallDeadline() async throws {
        let configuration = FetchConfiguration(readTimeout: .seconds(120), deadline: .milliseconds(1500))
        try await withHTTPFixture(configuration: configuration) { server, fetcher, destination in
            let start = ContinuousClock.now
            let error = try #require(await fetchError(fetcher, server.url("/slow?bytes=10000&delay=0.5"), into: destination))
            guard case .deadlineExceeded(let limit, let bytes) = error.kind else {
                Issue.record("expected deadlineExceeded, got \(error)")
                return
            }
            #expect(limit == .milliseconds(1500))
            #expect(bytes > 0 && bytes < 10_000)
            #expect(ContinuousClock.now - start < .seconds(60), "well before the 120 s read timeout")
            #expect(try fileNames(in: destination).isEmpty)
        }
    }

    @Test func cancellingTheTaskStopsTheFetch() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            let url = server.url("/hang/body?bytes=1000")
            let task = Task { try await fetcher.fetch(.http(url), into: destination, fileName: "isins.csv") }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let start = ContinuousClock.now
            let result = await task.result
            #expect(ContinuousClock.now - start < .seconds(30), "well before the 60 s read timeout")
            guard case .failure(let error as FetchError) = result else {
                Issue.record("expected a FetchError, got \(result)")
                return
            }
            #expect(error.kind == .cancelled)
            #expect(try fileNames(in: destination).isEmpty)
        }
    }

    @Test func sendsUserAgentAndValidators() async throws {
        try await withHTTPFixture { server, fetcher, destination in
            let previous = FetchValidators(etag: "\"abc\"", lastModified: "Mon, 02 Jan 2006 15:04:05 GMT")
            let file = try fetched(try await fetcher.fetch(.http(server.url("/echo")), into: destination, previous: previous))
            let headers = String(decoding: try contents(of: file.url), as: UTF8.self)
            #expect(headers.contains("User-Agent: \(FetchConfiguration.defaultUserAgent)\n"))
            #expect(headers.contains("If-None-Match: \"abc\"\n"))
            #expect(headers.contains("If-Modified-Since: Mon, 02 Jan 2006 15:04:05 GMT\n"))
            #expect(file.url.lastPathComponent == "echo")
        }
    }

    @Test func reportsProgress() async throws {
        let configuration = FetchConfiguration(progressInterval: .zero)
        try await withHTTPFixture(content: sampleCSV(bytes: 500_000), configuration: configuration) { server, fetcher, destination in
            let reports = Mutex<[ProgressReport]>([])
            _ = try await fetcher.fetch(.http(server.url("/isins.csv")), into: destination) { report in
                reports.withLock { $0.append(report) }
            }
            let all = reports.withLock { $0 }
            #expect(all.count >= 2)
            #expect(all.last?.isFinal == true)
            #expect(all.last?.count == 500_000)
            #expect(all.last?.total == 500_000)
            #expect(all.dropLast().allSatisfy { !$0.isFinal })
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on: bound, then closed.
private func closedPort() throws -> Int {
    let socket = socket(AF_INET, streamSocket, 0)
    guard socket >= 0 else { throw CancellationError() }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
        }
    }
    guard bound else { throw CancellationError() }
    return Int(UInt16(bigEndian: address.sin_port))
}
