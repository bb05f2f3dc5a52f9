import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the TLS certificate and key on SIGHUP, the signal certificate renewers (certbot's
/// deploy hooks, cert-manager sidecars) send. A bad pair is logged and the current one kept, so
/// a renewal mistake never takes the server off the air.
public struct TLSReloadOnHangup: Service {
    private let holder: TLSIdentityHolder
    private let signals: UnixSignalsSequence
    private let logger: Logger

    /// Traps SIGHUP at once (its default action ends the process), before the server listens.
    public init(_ holder: TLSIdentityHolder, logger: Logger) async {
        self.holder = holder
        self.logger = logger
        signals = await UnixSignalsSequence(trapping: .sighup)
    }

    public func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                let identity = try holder.reload()
                logger.notice("tls certificate reloaded", metadata: identity.metadata)
            } catch {
                logger.error("tls certificate not reloaded; still serving the previous one: \(error)")
            }
        }
    }
}
