import ArgumentParser
import Foundation
import TickerVaultClient

/// Options every vault command that opens the vault shares.
struct VaultOptions: ParsableArguments {
    @Option(name: .customLong("password-fd"), help: "Read the password from this file descriptor (for scripts) instead of the terminal.")
    var passwordFD: Int32?
}

/// Opening the vault for one command: the password unlocks the session this device kept, or a
/// new log-in when there is none, it expired, or the server ended it.
enum VaultLogin {
    /// Sessions last 12 hours on the server; a kept one older than this is not tried.
    static let keptSessionAge: TimeInterval = 11 * 3600

    static func withSession<T>(_ options: VaultOptions, _ body: (VaultSession) async throws -> T) async throws -> T {
        var device = try VaultDevice.load()
        let password = try SecretInput.read("Password for \(device.email)", fd: options.passwordFD)
        let secretKey = try SecretKey(text: device.secretKey)
        if let kept = device.session, Date().timeIntervalSince(kept.signedInAt) < keptSessionAge,
            let session = try? VaultSession.resume(
                on: device.vaultServer,
                unlock: Unlock(email: device.email, password: password, secretKey: secretKey, prelogin: kept.prelogin, pin: device.pins.parameters),
                session: kept.session, pins: device.pins)
        {
            do {
                return try await finish(session, &device, body)
            } catch let error as VaultServerError where error.status == 401 && error.code == "unauthorized" {
                // Ended elsewhere (a password change, a rotation): sign in again below.
            }
        }
        let session = try await logIn(&device, password: password, secretKey: secretKey)
        return try await finish(session, &device, body)
    }

    /// A new session; the device keeps it (and the pins it taught) for the next commands.
    static func logIn(_ device: inout VaultDevice, password: String, secretKey: SecretKey) async throws -> VaultSession {
        let server = device.vaultServer
        let prelogin = try await server.prelogin(email: device.email)
        let unlock = try Unlock(email: device.email, password: password, secretKey: secretKey, prelogin: prelogin, pin: device.pins.parameters)
        let answer = try await server.logIn(email: device.email, authKey: unlock.authKey)
        let session = try VaultSession.resume(on: server, unlock: unlock, session: answer, pins: device.pins)
        device.session = .init(prelogin: prelogin, session: answer, signedInAt: Date())
        device.userID = answer.userID
        device.fingerprint = try answer.identity.bundle(userID: answer.userID).fingerprint().text
        device.pins = await session.pins
        try device.save()
        return session
    }

    private static func finish<T>(_ session: VaultSession, _ device: inout VaultDevice, _ body: (VaultSession) async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body(session)
        } catch {
            // Pins learnt before the failure still protect the next command.
            device.pins = await session.pins
            try? device.save()
            throw error
        }
        device.pins = await session.pins
        try device.save()
        return result
    }
}
