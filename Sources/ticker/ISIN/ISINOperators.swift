import Foundation
import TickerCore
import TickerEngine
import TickerISIN
import TickerStore

/// The operators of the built-in ISIN DAG: `isin.download`, `isin.parse`, `isin.publish` and
/// `isin.report`. They share one `ISINPipeline`, and the tasks of one run share the key
/// `run-<id>`, which names the run's work folder and its stage.
///
/// Each step hands the download's description on in its output, so any step can mark the fetch
/// published or rejected without depending on the task ids the DAG file chose.
enum ISINOperators {
    static func register(in registry: inout OperatorRegistry, pipeline: ISINPipeline) {
        registry.register(OperatorFactory(validate: DownloadStep.validate, make: { try DownloadStep(params: $0, pipeline: pipeline) }), as: "isin.download")
        registry.register(OperatorFactory(validate: ParseStep.validate, make: { try ParseStep(params: $0, pipeline: pipeline) }), as: "isin.parse")
        registry.register(OperatorFactory(validate: PublishStep.validate, make: { try PublishStep(params: $0, pipeline: pipeline) }), as: "isin.publish")
        registry.register(OperatorFactory(validate: ReportStep.validate, make: { try ReportStep(params: $0, pipeline: pipeline) }), as: "isin.report")
    }

    static func key(_ context: TaskContext) -> String { "run-\(context.runID)" }

    /// The download an upstream step described, or nil when none did (it failed or was skipped).
    static func download(_ context: TaskContext) -> ISINPipeline.Download? {
        for (_, output) in context.upstreamOutputs.sorted(by: { $0.key < $1.key }) {
            if let nested = output["download"]?.decoded(as: ISINPipeline.Download.self) { return nested }
            if let direct = output.decoded(as: ISINPipeline.Download.self) { return direct }
        }
        return nil
    }

    static func requireDownload(_ context: TaskContext) throws -> ISINPipeline.Download {
        guard let download = download(context) else {
            throw OperatorError("no upstream isin.download output: this task must depend on the download task (or on a task after it)")
        }
        return download
    }

    static func log(_ context: TaskContext) -> @Sendable (String) -> Void {
        let log = context.log
        return { log.write($0) }
    }
}

/// `isin.download`: fetch the source into the run's work folder, conditionally.
struct DownloadStep: TaskRunner {
    static let keys = ["source", "max_size", "connect_timeout", "read_timeout", "deadline"]

    let source: String
    var configuration = FetchConfiguration()
    let pipeline: ISINPipeline

    static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = ParameterCheck.fields(params) else { return [ParameterCheck.notAMapping] }
        var problems = ParameterCheck.unknownKeys(fields, allowed: keys) + ParameterCheck.requiredString(fields, "source")
        if let text = fields["source"]?.stringValue, !text.isEmpty {
            do { _ = try FetchSource(text) } catch { problems.append(ParameterProblem(path: ["source"], error.description)) }
        }
        if let size = fields["max_size"], ISINParameters.byteCount(size) == nil {
            problems.append(ParameterProblem(path: ["max_size"], "must be a size such as 500MB, 2GB or a number of bytes"))
        }
        for key in ["connect_timeout", "read_timeout", "deadline"] {
            problems += ParameterCheck.duration(fields, key, allowZero: false)
        }
        return problems
    }

    init(params: JSONValue, pipeline: ISINPipeline) throws {
        try ParameterCheck.require(Self.validate(params), operator: "isin.download")
        source = params["source"]?.stringValue ?? ""
        if let size = params["max_size"].flatMap(ISINParameters.byteCount) { configuration.maxBytes = size }
        if let value = params["connect_timeout"] { configuration.connectTimeout = try DurationParameter.parse(value) }
        if let value = params["read_timeout"] { configuration.readTimeout = try DurationParameter.parse(value) }
        if let value = params["deadline"] { configuration.deadline = try DurationParameter.parse(value) }
        self.pipeline = pipeline
    }

    func run(_ context: TaskContext) async throws -> JSONValue? {
        let force = context.conf["force"]?.boolValue ?? false
        let download = try await pipeline.download(
            source, key: ISINOperators.key(context), configuration: configuration, force: force, log: ISINOperators.log(context))
        return try JSONValue(encoding: download)
    }
}

/// `isin.parse`: read, validate and stage the downloaded list.
struct ParseStep: TaskRunner {
    let format: ListFormat
    let pipeline: ISINPipeline

    static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = ParameterCheck.fields(params) else { return [ParameterCheck.notAMapping] }
        let unknown = ParameterCheck.unknownKeys(fields, allowed: ["format", "delimiter", "columns"])
        if case .failure(let found) = ISINParameters.format(fields) { return unknown + found.problems }
        return unknown
    }

    init(params: JSONValue, pipeline: ISINPipeline) throws {
        try ParameterCheck.require(Self.validate(params), operator: "isin.parse")
        format = try ISINParameters.format(ParameterCheck.fields(params) ?? [:]).get()
        self.pipeline = pipeline
    }

    func run(_ context: TaskContext) async throws -> JSONValue? {
        let download = try ISINOperators.requireDownload(context)
        guard download.changed else {
            context.log.write("source unchanged (\(download.reason ?? "")); nothing to parse")
            return .object(["download": try JSONValue(encoding: download)])
        }
        let staged = try await pipeline.stage(download, format: format, key: ISINOperators.key(context), log: ISINOperators.log(context))
        return .object([
            "download": try JSONValue(encoding: download),
            "valid": .number(Double(staged.counts.valid)),
            "invalid": .number(Double(staged.counts.invalid)),
            "duplicate": .number(Double(staged.counts.duplicate)),
        ])
    }
}

/// `isin.publish`: make the staged list the current snapshot, unless it shrank too much.
struct PublishStep: TaskRunner {
    let policy: PublishPolicy
    let pipeline: ISINPipeline

    static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = ParameterCheck.fields(params) else { return [ParameterCheck.notAMapping] }
        var problems = ParameterCheck.unknownKeys(fields, allowed: ["max_shrink"])
        if let share = fields["max_shrink"], ISINParameters.share(share) == nil {
            problems.append(ParameterProblem(path: ["max_shrink"], "must be a share between 0 and 1, such as 0.1 or \"10%\""))
        }
        return problems
    }

    init(params: JSONValue, pipeline: ISINPipeline) throws {
        try ParameterCheck.require(Self.validate(params), operator: "isin.publish")
        policy = PublishPolicy(maxShrink: params["max_shrink"].flatMap(ISINParameters.share) ?? PublishPolicy.default.maxShrink)
        self.pipeline = pipeline
    }

    func run(_ context: TaskContext) async throws -> JSONValue? {
        let download = try ISINOperators.requireDownload(context)
        guard download.changed else {
            context.log.write("source unchanged; the current snapshot stays")
            return .object(["download": try JSONValue(encoding: download)])
        }
        var policy = policy
        policy.force = context.conf["force"]?.boolValue ?? false
        let snapshot = try await pipeline.publish(download, key: ISINOperators.key(context), policy: policy, log: ISINOperators.log(context))
        return .object([
            "download": try JSONValue(encoding: download),
            "snapshot": .number(Double(snapshot.id)),
            "added": .number(Double(snapshot.added)),
            "removed": .number(Double(snapshot.removed)),
            "changed": .number(Double(snapshot.changed)),
        ])
    }
}

/// `isin.report`: summarize the run in its log and remove its work folder. Meant to run with
/// `trigger_rule: all_done`, so that the folder goes whatever happened.
struct ReportStep: TaskRunner {
    let pipeline: ISINPipeline
    let sample: Int

    static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = ParameterCheck.fields(params) else { return [ParameterCheck.notAMapping] }
        var problems = ParameterCheck.unknownKeys(fields, allowed: ["sample"])
        if let sample = fields["sample"], sample.numberValue.map({ $0 >= 0 && $0 <= 1000 && $0 == $0.rounded() }) != true {
            problems.append(ParameterProblem(path: ["sample"], "must be a whole number from 0 to 1000"))
        }
        return problems
    }

    init(params: JSONValue, pipeline: ISINPipeline) throws {
        try ParameterCheck.require(Self.validate(params), operator: "isin.report")
        sample = Int(params["sample"]?.numberValue ?? 20)
        self.pipeline = pipeline
    }

    func run(_ context: TaskContext) async throws -> JSONValue? {
        defer { pipeline.cleanUp(key: ISINOperators.key(context)) }
        let current = try await pipeline.store.currentSnapshot()
        let published = context.upstreamOutputs.values.compactMap { $0["snapshot"]?.numberValue }.first.map { Int64($0) }
        guard let published, let snapshot = try await pipeline.store.snapshot(published) else {
            let download = ISINOperators.download(context)
            let why = download.map { $0.changed ? "the new list was not published" : "the source is unchanged" } ?? "the download failed"
            context.log.write("no new snapshot: \(why); current snapshot: \(current.map { "#\($0.id) of \($0.publishedAt.formatted(.iso8601))" } ?? "none")")
            return .object(["snapshot": current.map { .number(Double($0.id)) } ?? .null])
        }
        context.log.write("snapshot #\(snapshot.id): \(snapshot.counts.valid) instruments (\(snapshot.counts.invalid) invalid rows, \(snapshot.counts.duplicate) duplicates); \(snapshot.added) added, \(snapshot.removed) removed, \(snapshot.changed) changed")
        let previous = snapshot.id - 1
        for entry in try await pipeline.store.diff(from: previous, to: snapshot.id, after: nil, limit: sample) {
            context.log.write("  \(entry.kind.rawValue) \(entry.isin) \(entry.after?.name ?? entry.before?.name ?? "")")
        }
        return .object(["snapshot": .number(Double(snapshot.id))])
    }
}
