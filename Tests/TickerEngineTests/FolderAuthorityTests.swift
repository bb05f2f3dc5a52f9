import Foundation
import Testing
import TickerStore
@testable import TickerEngine

@Suite("Which node's DAG folder counts")
struct FolderAuthorityTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func node(_ id: String, _ version: String, beat: TimeInterval = 0, stopped: Bool = false) -> NodeRecord {
        NodeRecord(
            id: id, host: "h", pid: 1, roles: [.scheduler, .worker], version: version, startedAt: now, heartbeatAt: now.addingTimeInterval(-beat),
            stoppedAt: stopped ? now : nil)
    }

    @Test("versions compare number by number")
    func versions() {
        #expect(FolderAuthority.isVersion("0.10.0", newerThan: "0.9.1"))
        #expect(FolderAuthority.isVersion("1.0", newerThan: "0.99.99"))
        #expect(!FolderAuthority.isVersion("0.6.0", newerThan: "0.6"))
        #expect(!FolderAuthority.isVersion("0.6.0", newerThan: "0.6.0"))
        #expect(FolderAuthority.isVersion("0.6.1-rc1", newerThan: "0.6.0"))
    }

    @Test("an alive node with a newer version takes precedence; stopped, missing or older nodes do not")
    func precedence() {
        let lease = Duration.seconds(15)
        let nodes = [
            node("old", "0.5.0"), node("same", "0.6.0"), node("newer", "0.7.0"), node("newest-but-dead", "0.9.0", beat: 60),
            node("newest-but-stopped", "0.9.0", stopped: true), node("new", "0.8.0"),
        ]
        #expect(FolderAuthority.newerNode(than: "0.6.0", in: nodes, now: now, lease: lease)?.id == "new")
        #expect(FolderAuthority.newerNode(than: "0.8.0", in: nodes, now: now, lease: lease) == nil)
        #expect(FolderAuthority.newerNode(than: "0.6.0", in: [], now: now, lease: lease) == nil)
    }
}
