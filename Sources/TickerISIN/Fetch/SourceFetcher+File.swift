import Foundation

extension SourceFetcher {
    /// Copies a local file as if it were downloaded: streamed, hashed, synced and renamed.
    func copyFile(
        _ url: URL, directory: URL, fileName: String, previous: FetchValidators?,
        progress: (@Sendable (ProgressReport) -> Void)?
    ) throws(FetchError) -> FetchOutcome {
        let source = url.path
        let size: Int64
        do {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values.isRegularFile == true else { throw FetchError(.unreadableFile("not a regular file"), source: source) }
            size = Int64(values.fileSize ?? 0)
        } catch let error as FetchError {
            throw error
        } catch {
            throw FetchError(.unreadableFile(SystemError.reason(error)), source: source)
        }
        guard size <= configuration.maxBytes else {
            throw FetchError(.tooLarge(limit: configuration.maxBytes, contentLength: nil), source: source)
        }
        let reader: FileHandle
        do {
            reader = try FileHandle(forReadingFrom: url)
        } catch {
            throw FetchError(.unreadableFile(SystemError.reason(error)), source: source)
        }
        defer { try? reader.close() }

        let staging: StagingFile
        do {
            staging = try StagingFile(directory: directory, fileName: fileName)
        } catch {
            throw FetchError(error, source: source)
        }
        var meter = progress.map {
            ProgressMeter(unit: .bytes, total: size, interval: configuration.progressInterval, report: $0)
        }
        while true {
            if Task.isCancelled { throw FetchError(.cancelled, source: source) }
            let chunk: Data
            do {
                guard let data = try reader.read(upToCount: 1 << 20), !data.isEmpty else { break }
                chunk = data
            } catch {
                throw FetchError(.unreadableFile(SystemError.reason(error)), source: source)
            }
            // The file may have grown since its size was read.
            guard staging.byteCount + Int64(chunk.count) <= configuration.maxBytes else {
                throw FetchError(.tooLarge(limit: configuration.maxBytes, contentLength: nil), source: source)
            }
            do {
                try staging.write(chunk)
            } catch {
                throw FetchError(error, source: source)
            }
            meter?.update(to: staging.byteCount)
        }
        let sha256 = staging.sha256
        let validators = FetchValidators(sha256: sha256)
        if sha256 == previous?.sha256 {
            meter?.finish()
            return .unchanged(FetchUnchanged(reason: .sameContent, validators: validators))
        }
        do {
            try staging.commit()
        } catch {
            throw FetchError(error, source: source)
        }
        meter?.finish()
        return .fetched(FetchedFile(
            url: staging.finalURL, byteCount: staging.byteCount, sha256: sha256,
            validators: validators, contentType: nil, finalURL: url
        ))
    }
}
