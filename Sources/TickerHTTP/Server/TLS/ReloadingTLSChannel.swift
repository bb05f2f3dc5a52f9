import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A child channel that puts TLS in front of its base channel, with the context the holder has
/// when the connection is accepted (Hummingbird's own `TLSChannel` fixes one context for the
/// server's life, which rules out reloading a renewed certificate).
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let identity: TLSIdentityHolder

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = identity.context
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ReloadingTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}
