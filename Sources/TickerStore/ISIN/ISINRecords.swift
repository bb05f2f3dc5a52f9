import Foundation

/// What a list says about one instrument, beyond its ISIN. Nil when the list does not give it.
public struct InstrumentAttributes: Sendable, Hashable, Codable {
    public var name: String?
    /// ISO 10962 Classification of Financial Instruments code.
    public var cfi: String?
    /// ISO 4217 currency code.
    public var currency: String?
    /// ISO 17442 Legal Entity Identifier of the issuer.
    public var issuerLEI: String?

    public init(name: String? = nil, cfi: String? = nil, currency: String? = nil, issuerLEI: String? = nil) {
        self.name = name
        self.cfi = cfi
        self.currency = currency
        self.issuerLEI = issuerLEI
    }

    /// The attributes that differ from `other`, by their user-facing names.
    public func changedFields(from other: InstrumentAttributes) -> [String] {
        var fields: [String] = []
        if name != other.name { fields.append("name") }
        if cfi != other.cfi { fields.append("cfi") }
        if currency != other.currency { fields.append("currency") }
        if issuerLEI != other.issuerLEI { fields.append("issuer_lei") }
        return fields
    }
}

/// One instrument of a snapshot.
public struct Instrument: Sendable, Hashable {
    /// Normalized and valid.
    public var isin: String
    public var attributes: InstrumentAttributes

    public init(isin: String, attributes: InstrumentAttributes) {
        self.isin = isin
        self.attributes = attributes
    }
}

/// A valid row of an import, with the line it came from (to point at the first of duplicates).
public struct StagedRow: Sendable, Hashable {
    public var line: Int
    public var instrument: Instrument

    public init(line: Int, instrument: Instrument) {
        self.line = line
        self.instrument = instrument
    }
}

/// A row whose ISIN was already in the stage.
public struct DuplicateRow: Sendable, Hashable, Codable {
    public var isin: String
    public var line: Int
    public var firstLine: Int

    public init(isin: String, line: Int, firstLine: Int) {
        self.isin = isin
        self.line = line
        self.firstLine = firstLine
    }
}

/// A line of an import that gave no instrument, and why.
public struct RowProblem: Sendable, Hashable, Codable {
    /// 1-based line in the payload file.
    public var line: Int
    /// The payload file when the source holds several (zip entries); nil otherwise.
    public var file: String?
    /// The text as found (trimmed, cut to a sensible length), when there was one.
    public var input: String?
    public var reason: String

    public init(line: Int, file: String? = nil, input: String? = nil, reason: String) {
        self.line = line
        self.file = file
        self.input = input
        self.reason = reason
    }
}

/// Where an import comes from and what the fetch recorded about it.
public struct StageInfo: Sendable, Hashable {
    /// Identifies the import that stages: a retried attempt of the same run uses the same key.
    public var key: String
    /// The URL or path as configured.
    public var source: String
    public var format: String
    public var fetchedAt: Date
    public var sha256: String?
    public var bytes: Int64?

    public init(key: String, source: String, format: String, fetchedAt: Date, sha256: String?, bytes: Int64?) {
        self.key = key
        self.source = source
        self.format = format
        self.fetchedAt = fetchedAt
        self.sha256 = sha256
        self.bytes = bytes
    }
}

/// The counts of a parsed list. `valid` counts distinct valid ISINs.
public struct StageCounts: Sendable, Hashable, Codable {
    public var valid: Int
    public var invalid: Int
    public var duplicate: Int

    public init(valid: Int = 0, invalid: Int = 0, duplicate: Int = 0) {
        self.valid = valid
        self.invalid = invalid
        self.duplicate = duplicate
    }
}

public struct StageRecord: Sendable, Hashable {
    public var id: StageID
    public var info: StageInfo
    /// Nil until `finishStage`.
    public var counts: StageCounts?
    public var problems: [RowProblem]
    public var begunAt: Date
}

/// When a publish is refused.
public struct PublishPolicy: Sendable, Hashable {
    /// The largest share of the current snapshot's instruments the new list may lack (0.1 = 10%).
    public var maxShrink: Double
    /// Publishes whatever the list holds, except an empty list.
    public var force: Bool

    public static let `default` = PublishPolicy(maxShrink: 0.10, force: false)

    public init(maxShrink: Double, force: Bool = false) {
        self.maxShrink = maxShrink
        self.force = force
    }
}

/// A published list.
public struct SnapshotRecord: Sendable, Hashable {
    public var id: Int64
    public var source: String
    public var format: String
    public var fetchedAt: Date
    public var publishedAt: Date
    public var sha256: String?
    public var bytes: Int64?
    public var counts: StageCounts
    public var added: Int
    public var removed: Int
    public var changed: Int
    /// The capped list of rows that gave no instrument.
    public var problems: [RowProblem]
}

/// One set of attributes an ISIN had, and the snapshots that had it: from `fromSnapshot` until
/// before `untilSnapshot` (nil: still current).
public struct InstrumentVersion: Sendable, Hashable {
    public var isin: String
    public var attributes: InstrumentAttributes
    public var fromSnapshot: Int64
    public var untilSnapshot: Int64?
    /// When `fromSnapshot` was published.
    public var since: Date
}

/// One ISIN that differs between two snapshots.
public struct DiffEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case added, removed, changed
    }

    public var isin: String
    public var kind: Kind
    public var before: InstrumentAttributes?
    public var after: InstrumentAttributes?

    public init(isin: String, kind: Kind, before: InstrumentAttributes?, after: InstrumentAttributes?) {
        self.isin = isin
        self.kind = kind
        self.before = before
        self.after = after
    }
}

/// One fetch of a source and how it ended.
public struct FetchRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        /// A new file was downloaded and waits for its import.
        case fetched
        /// The file's list became a snapshot.
        case published
        /// The file could not be imported or published; `message` says why.
        case rejected
        /// The server answered 304, or the file's SHA-256 is the current list's: nothing to import.
        case unchanged
        /// The download failed; `message` says why.
        case failed
    }

    /// Nil until recorded.
    public var id: Int64?
    public var source: String
    public var at: Date
    public var outcome: Outcome
    public var etag: String?
    public var lastModified: String?
    public var sha256: String?
    public var bytes: Int64?
    /// The error, for failed fetches.
    public var message: String?

    public init(
        id: Int64? = nil, source: String, at: Date, outcome: Outcome, etag: String? = nil, lastModified: String? = nil,
        sha256: String? = nil, bytes: Int64? = nil, message: String? = nil
    ) {
        self.id = id
        self.source = source
        self.at = at
        self.outcome = outcome
        self.etag = etag
        self.lastModified = lastModified
        self.sha256 = sha256
        self.bytes = bytes
        self.message = message
    }
}
