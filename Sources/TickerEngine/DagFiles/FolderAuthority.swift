import Foundation
import TickerStore

/// Which node's DAG folder defines the DAGs when several nodes share a database.
///
/// During a rolling upgrade, old and new nodes run side by side with different folders. Each
/// syncs its folder when it starts, so an old node restarting late would bring back the old
/// definitions (and a schedule change restarts from "now"). The rule: a node does not sync its
/// folder while an alive node runs a newer version; the newest version's folder wins, and old
/// nodes simply run what it defined.
public enum FolderAuthority {
    /// The alive node with the newest version newer than `ours`, if there is one.
    public static func newerNode(than ours: String, in nodes: [NodeRecord], now: Date, lease: Duration) -> NodeRecord? {
        nodes.filter { $0.status(now: now, lease: lease) == .alive && isVersion($0.version, newerThan: ours) }
            .max { isVersion($1.version, newerThan: $0.version) }
    }

    /// Compares dotted versions number by number ("0.10.0" is newer than "0.9.1"); a missing
    /// component counts as 0, and anything after a non-number is ignored.
    public static func isVersion(_ a: String, newerThan b: String) -> Bool {
        func numbers(_ version: String) -> [Int] {
            version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        }
        let (x, y) = (numbers(a), numbers(b))
        for i in 0..<max(x.count, y.count) {
            let (p, q) = (i < x.count ? x[i] : 0, i < y.count ? y[i] : 0)
            if p != q { return p > q }
        }
        return false
    }
}
