import Crypto
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the TLS certificate and key on SIGHUP (certbot's deploy hook, `systemctl reload`),
/// and when the files change (checked every `pollInterval`: Kubernetes updates a mounted secret
/// in place and sends no signal). A bad pair is logged once and the current one kept, so a
/// renewal mistake never takes the server off the air.
public struct TLSReloader: Service {
    private let holder: TLSIdentityHolder
    private let signals: UnixSignalsSequence
    private let pollInterval: Duration
    private let logger: Logger

    /// Traps SIGHUP at once (its default action ends the process), before the server listens.
    public init(_ holder: TLSIdentityHolder, pollInterval: Duration = .seconds(30), logger: Logger) async {
        self.holder = holder
        self.pollInterval = pollInterval
        self.logger = logger
        signals = await UnixSignalsSequence(trapping: .sighup)
    }

    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals.cancelOnGracefulShutdown() { reload(because: "SIGHUP") }
            }
            group.addTask { await watchFiles() }
        }
    }

    private func watchFiles() async {
        var refused: [UInt8]?
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
            let loaded = holder.identity
            guard let now = loaded.currentSourceDigest(), now != loaded.sourceDigest, now != refused else { continue }
            refused = reload(because: "the files changed") ? nil : now
        }
    }

    @discardableResult
    private func reload(because reason: String) -> Bool {
        do {
            let identity = try holder.reload()
            logger.notice("tls certificate reloaded (\(reason))", metadata: identity.metadata)
            return true
        } catch {
            logger.error("tls certificate not reloaded (\(reason)); still serving the previous one: \(error)")
            return false
        }
    }
}
