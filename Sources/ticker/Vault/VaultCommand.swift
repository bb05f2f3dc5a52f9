import ArgumentParser
import Foundation
import TickerVaultClient

struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "The zero-knowledge vault: plans encrypted on this device; the server stores only what it cannot read.",
        discussion: """
            Start with `ticker vault register --server https://HOST --email YOU`. Each command asks for the password \
            (or reads it from --password-fd). This device keeps the Secret Key and what it has seen of the account \
            in TICKER_VAULT_HOME (default ~/.config/ticker/vault).
            """,
        subcommands: [
            VaultRegister.self, VaultLogIn.self, VaultLogOut.self, VaultWhoAmI.self, VaultToken.self,
            VaultList.self, VaultGet.self, VaultPut.self, VaultEdit.self, VaultRemove.self, VaultExport.self, VaultImport.self,
            VaultContacts.self, VaultShare.self, VaultShared.self, VaultUnshare.self,
            VaultChangePassword.self, VaultRecover.self, VaultRotateKeys.self,
        ])
}

/// A plain-text Emergency Kit: what a user needs to get back in on a new device, written once.
enum EmergencyKit {
    static func write(to path: String, server: String, email: String, secretKey: SecretKey, recoveryKey: RecoveryKey) throws {
        let text = """
            TICKER VAULT EMERGENCY KIT
            Made \(ISO8601DateFormatter().string(from: Date()))

            Server:       \(server)
            E-mail:       \(email)
            Secret Key:   \(secretKey.text)
            Recovery Key: \(recoveryKey.text)

            Password:     ______________________  (write it here by hand, or keep it elsewhere)

            To sign in on a new device you need the password and the Secret Key:
              ticker vault login --server \(server) --email \(email)
            If you forget the password or lose the Secret Key, the Recovery Key gets you back in:
              ticker vault recover --server \(server) --email \(email)

            Nobody else has these keys, not even the people who run the server: without them
            the vault cannot be opened by anyone. Print this page or store it offline, then
            delete this file.

            """
        try PrivateFile.write(Array(text.utf8), to: path, replacing: false)
    }
}

/// Says what went wrong in the words of the layer that knows.
func vaultMessage(_ error: any Error) -> String {
    switch error {
    case let server as VaultServerError: "the server refused: \(server.description)"
    case let vault as VaultError: vault.description
    default: "\(error)"
    }
}
