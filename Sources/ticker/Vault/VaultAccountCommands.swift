import ArgumentParser
import Foundation
import TickerVaultClient

struct VaultRegister: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Create a vault account; writes the Emergency Kit with its Secret Key and Recovery Key.")
    @Option(help: "The server's address, for example https://ticker.example.org.") var server: String
    @Option(help: "Your e-mail address.") var email: String
    @Option(help: "Where to write the Emergency Kit (mode 0600; never overwritten).") var kit = "ticker-emergency-kit.txt"
    @OptionGroup var options: VaultOptions

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: VaultDevice.file.path) else {
            throw ValidationError("this device already has a vault account (\(VaultDevice.file.path)); `ticker vault logout --forget` first")
        }
        let password = try VaultPasswords.new(fd: options.passwordFD)
        let vaultServer = VaultServer(baseURL: server)
        let registration = try Registration(email: email, password: password)
        // The kit is written before the account exists: an account whose keys were never saved is lost.
        try EmergencyKit.write(to: kit, server: vaultServer.baseURL, email: registration.request.email, secretKey: registration.secretKey, recoveryKey: registration.recoveryKey)
        do {
            try await vaultServer.register(registration.request)
        } catch {
            try? FileManager.default.removeItem(atPath: kit)
            throw ValidationError(vaultMessage(error))
        }
        var device = VaultDevice(
            server: vaultServer.baseURL, email: registration.request.email, secretKey: registration.secretKey.text, pins: DevicePins(parameters: registration.pin))
        _ = try await VaultLogin.logIn(&device, password: password, secretKey: registration.secretKey)
        print("registered \(registration.request.email); Emergency Kit written to \(kit)")
        print("Secret Key:   \(registration.secretKey.text)")
        print("Recovery Key: \(registration.recoveryKey.text)")
        FileHandle.standardError.write(Data("Shown this once. Print or store the Emergency Kit offline now, then delete the file. Nobody can recover these keys for you.\n".utf8))
    }
}

struct VaultLogIn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Sign in on this device with the password and the Secret Key.")
    @Option(help: "The server's address.") var server: String
    @Option(help: "Your e-mail address.") var email: String
    @Option(name: .customLong("secret-key-fd"), help: "Read the Secret Key from this file descriptor instead of the terminal.")
    var secretKeyFD: Int32?
    @OptionGroup var options: VaultOptions

    func run() async throws {
        if let existing = try? VaultDevice.load(), existing.email != EmailAddress.canonical(email) || existing.server != VaultServer(baseURL: server).baseURL {
            throw ValidationError("this device holds the account \(existing.email) at \(existing.server); `ticker vault logout --forget` first")
        }
        let secretKey = try SecretKey(text: try SecretInput.read("Secret Key (TK1-...)", fd: secretKeyFD))
        let password = try SecretInput.read("Password for \(EmailAddress.canonical(email))", fd: options.passwordFD)
        var device = (try? VaultDevice.load())
            ?? VaultDevice(server: VaultServer(baseURL: server).baseURL, email: EmailAddress.canonical(email), secretKey: secretKey.text, pins: DevicePins())
        device.secretKey = secretKey.text
        do {
            _ = try await VaultLogin.logIn(&device, password: password, secretKey: secretKey)
        } catch {
            throw ValidationError(vaultMessage(error))
        }
        print("signed in as \(device.email)")
    }
}

struct VaultLogOut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "End this device's session; --forget also removes the account from this device.")
    @Flag(help: "Also delete the Secret Key and pins this device keeps.") var forget = false

    func run() async throws {
        var device = try VaultDevice.load()
        if let kept = device.session { try? await device.vaultServer.logOut(token: kept.session.token) }
        device.session = nil
        if forget {
            try VaultDevice.forget()
            print("signed out; this device no longer knows the account")
        } else {
            try device.save()
            print("signed out")
        }
    }
}

struct VaultWhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show the account and its fingerprint, which contacts compare with you before sharing.")

    func run() async throws {
        let device = try VaultDevice.load()
        print("e-mail:      \(device.email)")
        print("server:      \(device.server)")
        guard let userID = device.userID, let fingerprint = device.fingerprint else { return print("(not signed in yet: no fingerprint to show)") }
        print("user id:     \(userID)")
        print("fingerprint: \(fingerprint)")
    }
}

struct VaultToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Print the session token, for scripts calling the API directly.")
    @OptionGroup var options: VaultOptions

    func run() async throws {
        print(try await VaultLogin.withSession(options) { $0.token })
    }
}

struct VaultChangePassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change-password", abstract: "Set a new password (and with --new-secret-key a new Secret Key); other sessions end.")
    @Option(name: .customLong("new-password-fd"), help: "Read the new password from this file descriptor.") var newPasswordFD: Int32?
    @Flag(help: "Also replace the Secret Key; a new Emergency Kit is written.") var newSecretKey = false
    @Option(help: "Where to write the new Emergency Kit.") var kit = "ticker-emergency-kit.txt"
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let device = try VaultDevice.load()
        if newSecretKey, FileManager.default.fileExists(atPath: kit) { throw ValidationError("\(kit) exists; choose another --kit path") }
        let secretKey = newSecretKey ? SecretKey.random() : try SecretKey(text: device.secretKey)
        try await VaultLogin.withSession(options) { session in
            let newPassword = try VaultPasswords.new(fd: newPasswordFD, what: "New password")
            try await session.changePassword(to: newPassword, secretKey: secretKey)
        }
        var changed = try VaultDevice.load()
        changed.secretKey = secretKey.text
        changed.session = nil
        try changed.save()
        if newSecretKey {
            try EmergencyKitText.writeSecretKeyOnly(to: kit, device: changed, secretKey: secretKey)
            print("new Secret Key: \(secretKey.text) (also in \(kit))")
        }
        print("password changed; other devices must sign in again")
    }
}

struct VaultRecover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover", abstract: "Regain the account with the Recovery Key: new password, Secret Key and Recovery Key.")
    @Option(help: "The server's address.") var server: String
    @Option(help: "Your e-mail address.") var email: String
    @Option(name: .customLong("recovery-key-fd"), help: "Read the Recovery Key from this file descriptor.") var recoveryKeyFD: Int32?
    @Option(help: "Where to write the new Emergency Kit (never overwritten).") var kit = "ticker-emergency-kit.txt"
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let recoveryKey = try RecoveryKey(text: try SecretInput.read("Recovery Key (TKR1-...)", fd: recoveryKeyFD))
        let password = try VaultPasswords.new(fd: options.passwordFD, what: "New password")
        let vaultServer = VaultServer(baseURL: server)
        guard !FileManager.default.fileExists(atPath: kit) else { throw ValidationError("\(kit) exists; choose another --kit path") }
        let (secretKey, newRecoveryKey, pins): (SecretKey, RecoveryKey, DevicePins)
        do {
            (secretKey, newRecoveryKey, pins) = try await VaultSession.recover(on: vaultServer, email: email, recoveryKey: recoveryKey, newPassword: password)
        } catch {
            throw ValidationError(vaultMessage(error))
        }
        try EmergencyKit.write(to: kit, server: vaultServer.baseURL, email: EmailAddress.canonical(email), secretKey: secretKey, recoveryKey: newRecoveryKey)
        let device = VaultDevice(server: vaultServer.baseURL, email: EmailAddress.canonical(email), secretKey: secretKey.text, pins: pins)
        try device.save()
        print("recovered; new Emergency Kit in \(kit). Every other session has ended.")
        print("Secret Key:   \(secretKey.text)")
        print("Recovery Key: \(newRecoveryKey.text)")
    }
}

struct VaultRotateKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-keys", abstract: "Replace the User Key (after losing a device); needs the Recovery Key. Other sessions end.")
    @Option(name: .customLong("recovery-key-fd"), help: "Read the Recovery Key from this file descriptor.") var recoveryKeyFD: Int32?
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let epoch = try await VaultLogin.withSession(options) { session in
            let recoveryKey = try RecoveryKey(text: try SecretInput.read("Recovery Key (TKR1-...)", fd: recoveryKeyFD))
            try await session.rotateUserKey(recoveryKey: recoveryKey)
            return await session.account.userKeyEpoch
        }
        var device = try VaultDevice.load()
        device.session = nil
        try device.save()
        print("User Key rotated to epoch \(epoch); every item key is re-wrapped and other sessions have ended")
    }
}

/// New passwords: asked twice on a terminal, once from a descriptor.
enum VaultPasswords {
    static func new(fd: Int32?, what: String = "Password") throws -> String {
        let password = try SecretInput.read(what, fd: fd)
        guard password.count >= 8 else { throw ValidationError("\(what.lowercased()) must have at least 8 characters") }
        if fd == nil {
            guard try SecretInput.read("\(what) again", fd: nil) == password else { throw ValidationError("the two entries differ") }
        }
        return password
    }
}

enum EmergencyKitText {
    static func writeSecretKeyOnly(to path: String, device: VaultDevice, secretKey: SecretKey) throws {
        let text = """
            TICKER VAULT EMERGENCY KIT (new Secret Key)
            Server:       \(device.server)
            E-mail:       \(device.email)
            Secret Key:   \(secretKey.text)
            Recovery Key: unchanged; it is in your earlier kit.

            """
        try PrivateFile.write(Array(text.utf8), to: path, replacing: false)
    }
}
