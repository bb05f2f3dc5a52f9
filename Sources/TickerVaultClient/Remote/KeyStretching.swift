import Dispatch

/// Runs password stretching (PBKDF2 with hundreds of thousands of rounds, about 0.1 s of a core)
/// on a queue of its own. Done inline, it would hold one of the few threads Swift's concurrency
/// runs every task on, and a server or test process embedding the client would stall meanwhile.
enum KeyStretching {
    private static let queue = DispatchQueue(label: "ticker.vault.key-stretching", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
