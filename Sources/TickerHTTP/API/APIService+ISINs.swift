import Foundation
import TickerAPI
import TickerISIN
import TickerStore

extension APIService {
    static let maxValidateItems = 10_000

    func getIsin(_ input: Operations.GetIsin.Input) async throws -> Operations.GetIsin.Output {
        let isin = input.path.isin
        switch ISIN.validate(isin) {
        case .success(let valid) where valid.description == isin: break
        case .success(let valid): throw Problem.invalid("isin", "write it as \(valid) (capitals, no spaces)")
        case .failure(let error): throw Problem.invalid("isin", error.description)
        }
        let versions = try await isins.history(isin: isin)
        guard !versions.isEmpty else { throw Problem.notFound("\(isin) is a valid ISIN but no snapshot lists it") }
        let current = versions.first { $0.untilSnapshot == nil }
        let history = versions.sorted { $0.fromSnapshot > $1.fromSnapshot }.map { version in
            Components.Schemas.InstrumentVersion(
                name: version.attributes.name, cfi: version.attributes.cfi, currency: version.attributes.currency,
                issuerLei: version.attributes.issuerLEI, fromSnapshot: version.fromSnapshot, untilSnapshot: version.untilSnapshot,
                since: version.since)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        isin: isin, listed: current != nil, current: current.map { .init(isin: isin, $0.attributes) },
                        history: history))))
    }

    func searchIsins(_ input: Operations.SearchIsins.Input) async throws -> Operations.SearchIsins.Output {
        let limit = try Paging.limit(input.query.limit)
        let cursor = try Paging.isinCursor(input.query.cursor)
        let snapshot = try await isins.currentSnapshot()?.id
        guard let snapshot else { return .ok(.init(body: .json(.init(instruments: [])))) }
        guard let query = input.query.q else {
            let page = try await isins.instruments(snapshot: snapshot, after: cursor, limit: limit)
            let next = page.count == limit ? page.last?.isin : nil
            return .ok(.init(body: .json(.init(snapshotId: snapshot, instruments: page.map(Self.instrument), nextCursor: next))))
        }
        guard (1...200).contains(query.count) else { throw Problem.invalid("q", "must be 1 to 200 characters") }
        var found = try await isinsStartingWith(query, snapshot: snapshot, limit: limit)
        let seen = Set(found.map(\.isin))
        found += try await isins.search(query, limit: limit).filter { !seen.contains($0.isin) }
        return .ok(.init(body: .json(.init(snapshotId: snapshot, instruments: found.prefix(limit).map(Self.instrument)))))
    }

    /// Instruments whose ISIN starts with `text`, when it can be the start of one (two letters,
    /// then letters and digits). Every ISIN with that prefix sorts after the prefix itself.
    private func isinsStartingWith(_ text: String, snapshot: Int64, limit: Int) async throws -> [Instrument] {
        let prefix = text.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard (2...11).contains(prefix.count), prefix.prefix(2).allSatisfy({ $0.isASCII && $0.isLetter }),
            prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return [] }
        return try await isins.instruments(snapshot: snapshot, after: prefix, limit: limit).filter { $0.isin.hasPrefix(prefix) }
    }

    static func instrument(_ instrument: Instrument) -> Components.Schemas.Instrument {
        .init(isin: instrument.isin, instrument.attributes)
    }

    func validateIsins(_ input: Operations.ValidateIsins.Input) async throws -> Operations.ValidateIsins.Output {
        guard case .json(let body) = input.body else { throw Problem(kind: .unsupportedMediaType) }
        guard body.isins.count <= Self.maxValidateItems else {
            throw Problem.invalid("isins", "at most \(Self.maxValidateItems) codes per request, got \(body.isins.count)")
        }
        if let index = body.isins.firstIndex(where: { $0.count > 100 }) {
            throw Problem.invalid("isins[\(index)]", "at most 100 characters")
        }
        var valid = 0
        let results = body.isins.map { text -> Components.Schemas.ValidationOutcome in
            switch ISIN.validate(text) {
            case .success(let isin):
                valid += 1
                return .init(input: text, valid: true, isin: isin.description)
            case .failure(let error):
                return .init(input: text, valid: false, error: error.description)
            }
        }
        return .ok(.init(body: .json(.init(valid: valid, invalid: results.count - valid, results: results))))
    }

    func getIsinBucket(_ input: Operations.GetIsinBucket.Input) async throws -> Operations.GetIsinBucket.Output {
        let prefix = input.path.prefix
        guard (2...5).contains(prefix.count), prefix.allSatisfy(\.isHexDigit) else {
            throw Problem.invalid("prefix", "must be 2 to 5 hex digits of the ISIN's SHA-256")
        }
        guard let bucket = try await buckets.bucket(prefix: prefix) else {
            throw Problem.notFound("no ISIN snapshot has been published yet")
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        prefix: prefix.lowercased(), snapshotId: bucket.snapshot,
                        entries: bucket.entries.map { .init(sha256: $0.sha256, isin: $0.isin) }))))
    }

    func listSnapshots(_ input: Operations.ListSnapshots.Input) async throws -> Operations.ListSnapshots.Output {
        let snapshots = try await isins.snapshots(limit: try Paging.limit(input.query.limit))
        return .ok(.init(body: .json(.init(snapshots: snapshots.map(Components.Schemas.Snapshot.init)))))
    }

    func getSnapshot(_ input: Operations.GetSnapshot.Input) async throws -> Operations.GetSnapshot.Output {
        let snapshot = try await requireSnapshot(input.path.snapshotId)
        let problems = snapshot.problems.map {
            Components.Schemas.SnapshotDetail.ProblemsPayloadPayload(line: $0.line, file: $0.file, input: $0.input, reason: $0.reason)
        }
        return .ok(.init(body: .json(.init(snapshot: .init(snapshot), problems: problems))))
    }

    func diffSnapshot(_ input: Operations.DiffSnapshot.Input) async throws -> Operations.DiffSnapshot.Output {
        let to = try await requireSnapshot(input.path.snapshotId).id
        try Paging.check("from", input.query.from, in: 0...Int64.max)
        let from: Int64
        if let given = input.query.from { from = given } else { from = try await previousSnapshot(before: to) }
        if from != 0 { _ = try await requireSnapshot(from) }
        guard from <= to else { throw Problem(kind: .unprocessable, detail: "`from` (#\(from)) is newer than snapshot #\(to)") }
        let limit = try Paging.limit(input.query.limit)
        let entries = try await isins.diff(from: from, to: to, after: try Paging.isinCursor(input.query.cursor), limit: limit)
        let next = entries.count == limit ? entries.last?.isin : nil
        let body = entries.map { entry in
            Components.Schemas.DiffEntry(
                isin: entry.isin, kind: .init(rawValue: entry.kind.rawValue) ?? .changed,
                before: entry.before.map { .init(isin: entry.isin, $0) }, after: entry.after.map { .init(isin: entry.isin, $0) })
        }
        return .ok(.init(body: .json(.init(from: from, to: to, entries: body, nextCursor: next))))
    }

    private func requireSnapshot(_ id: Int64) async throws -> SnapshotRecord {
        guard let snapshot = try await isins.snapshot(id) else { throw Problem.notFound("no snapshot #\(id)") }
        return snapshot
    }

    /// The snapshot published before `id`, or 0 (the empty list) for the first.
    private func previousSnapshot(before id: Int64) async throws -> Int64 {
        var previous: Int64 = 0
        for snapshot in try await isins.snapshots(limit: 1000) where snapshot.id < id {
            previous = max(previous, snapshot.id)
        }
        return previous
    }
}
