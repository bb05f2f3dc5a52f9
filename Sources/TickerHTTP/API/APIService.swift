import Foundation
import Logging
import TickerAPI
import TickerCore
import TickerStore

/// The REST API's handlers: each method implements one operation of `openapi/ticker.yaml`.
///
/// Handlers turn requests into store calls and records into the generated types; the rules live
/// in the stores and in TickerCore. Failures are thrown as `Problem`s, which `ProblemMiddleware`
/// turns into responses.
struct APIService: APIProtocol {
    let scheduler: any SchedulerStore
    let tokens: any APITokenStore
    let nodes: any NodeStore
    /// The attempt lease: a node silent for longer is reported missing.
    let lease: Duration
    let authenticator: Authenticator
    let isins: any ISINStore
    let buckets: ISINBuckets
    /// Tells the engine there is new work (a trigger, an unpause), so it does not wait for its poll.
    let wake: @Sendable () -> Void
    let now: @Sendable () -> Date

    /// A DAG, or a 404 naming it.
    func requireDag(_ id: String) async throws -> DagRecord {
        guard let dag = try await scheduler.dag(id) else { throw Problem.notFound("no DAG named '\(id)'") }
        return dag
    }

    func requireRun(_ id: Int64) async throws -> RunDetail {
        guard let run = try await scheduler.run(id) else { throw Problem.notFound("no run with id \(id)") }
        return run
    }

    /// Runs a store call, reporting its user errors as problems.
    func reportingStoreErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            switch error {
            case .dagNotFound(let id): throw Problem.notFound("no DAG named '\(id)'")
            case .runNotFound(let id): throw Problem.notFound("no run with id \(id)")
            case .dagHasNoSchedule: throw Problem(kind: .unprocessable, detail: error.description)
            default: throw error
            }
        }
    }
}
