import GRDB
import Metrics
import TickerCore

/// Counts runs as they reach a final state, so that every slot shows up once in
/// `ticker_runs_ended_total{state}` on the node that ended it (sum over nodes for the cluster).
///
/// A count is taken only when the transaction that ended the run commits: a rolled-back write
/// must not be seen in metrics any more than in the database.
enum RunMetrics {
    private static let ended = Dictionary(uniqueKeysWithValues: RunState.allCases.filter(\.isFinal).map {
        ($0, Counter(label: "ticker_runs_ended_total", dimensions: [("state", $0.rawValue)]))
    })

    static func runEnded(_ state: RunState, in db: Database) {
        db.afterNextTransaction { _ in runEnded(state) }
    }

    /// Counts a run's end now; callers make sure its transaction committed.
    static func runEnded(_ state: RunState) {
        ended[state]?.increment()
    }
}
