import CPKCS11
import Dispatch
import Synchronization

/// A token, logged in, with a small pool of sessions.
///
/// Each session lives on a lane: a serial queue that is the only place the session is used, since
/// Cryptoki sessions are not thread-safe. Calls block (a network HSM may take milliseconds), so
/// they run on the lanes' queues, never on Swift's cooperative threads or the event loops. A lane
/// whose session was lost (token restarted, logged out) opens a new one and retries once.
final class PKCS11Token: Sendable {
    let module: PKCS11Module
    let label: String
    let slot: CK_SLOT_ID
    private let pin: [UInt8]
    private let lanes: [Lane]
    private let turn = Atomic<Int>(0)

    init(module: PKCS11Module, label: String, pin: [UInt8], sessions: Int) throws {
        self.module = module
        self.label = label
        self.pin = pin
        slot = try module.slot(token: label)
        lanes = (0..<max(1, sessions)).map { _ in Lane() }
        // Open the first session now, so a wrong PIN stops start-up with a clear message.
        let first = lanes[0]
        try first.queue.sync { try translate { try first.open(on: self) } }
    }

    /// Runs `body` with a session of the pool.
    func run<T: Sendable>(_ body: @escaping @Sendable (PKCS11Session) throws -> T) async throws -> T {
        let lane = lanes[turn.wrappingAdd(1, ordering: .relaxed).oldValue % lanes.count]
        return try await withCheckedThrowingContinuation { continuation in
            lane.queue.async {
                continuation.resume(with: Result { try self.translate { try lane.perform(on: self, body) } })
            }
        }
    }

    fileprivate func login(_ session: PKCS11Session) throws {
        var pin = self.pin
        let result = session.functions.pointee.C_Login!(session.handle, CK_USER_TYPE(CKU_USER), &pin, CK_ULONG(pin.count))
        guard result != CK_RV(CKR_USER_ALREADY_LOGGED_IN) else { return }
        try session.check(result, "C_Login")
    }

    private func translate<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as PKCS11Failure {
            throw PKCS11Result.error(failure.result, failure.call, module: module.path)
        }
    }
}

/// A session and the queue it is used on. `session` is only read and written on `queue`.
private final class Lane: @unchecked Sendable {
    let queue = DispatchQueue(label: "ticker.pkcs11.session")
    private var session: CK_SESSION_HANDLE = CK_SESSION_HANDLE(CK_INVALID_HANDLE)

    func open(on token: PKCS11Token) throws {
        let functions = token.module.functions
        var handle: CK_SESSION_HANDLE = 0
        let flags = CK_FLAGS(CKF_SERIAL_SESSION | CKF_RW_SESSION)
        let opened = functions.pointee.C_OpenSession!(token.slot, flags, nil, nil, &handle)
        guard opened == CK_RV(CKR_OK) else { throw PKCS11Failure(result: opened, call: "C_OpenSession") }
        let session = PKCS11Session(handle: handle, functions: functions)
        do {
            try token.login(session)
        } catch {
            _ = functions.pointee.C_CloseSession!(handle)
            throw error
        }
        self.session = handle
    }

    func perform<T>(on token: PKCS11Token, _ body: (PKCS11Session) throws -> T) throws -> T {
        if session == CK_SESSION_HANDLE(CK_INVALID_HANDLE) { try open(on: token) }
        do {
            return try body(PKCS11Session(handle: session, functions: token.module.functions))
        } catch let failure as PKCS11Failure where PKCS11Result.sessionLost(failure.result) {
            _ = token.module.functions.pointee.C_CloseSession!(session)
            session = CK_SESSION_HANDLE(CK_INVALID_HANDLE)
            try open(on: token)
            return try body(PKCS11Session(handle: session, functions: token.module.functions))
        }
    }
}
