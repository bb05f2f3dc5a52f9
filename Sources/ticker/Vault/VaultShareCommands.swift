import ArgumentParser
import Foundation
import TickerCore
import TickerVaultClient

/// The contacts item (rule 11.20): verified fingerprints, kept inside the vault so that the
/// server cannot swap a key for its own.
struct ContactsDocument: Codable {
    struct Contact: Codable {
        var user_id: String
        var email: String?
        var epoch: UInt32
        var sign_pk: String
        var enc_pk: String
        var fingerprint: String
        var verified_at: String
    }

    var type = "contacts"
    var contacts: [Contact] = []

    /// The contacts item of a vault and its id (nil: none yet).
    static func find(in items: [String: OpenedItem]) throws -> (itemID: String?, document: ContactsDocument) {
        guard let item = items.values.filter({ $0.contentType == ContentType.contacts }).min(by: { $0.itemID < $1.itemID }) else {
            return (nil, ContactsDocument())
        }
        do {
            return (item.itemID, try JSONDecoder().decode(ContactsDocument.self, from: Data(item.json)))
        } catch {
            throw ValidationError("the contacts item \(item.itemID) is not a contacts document: \(error)")
        }
    }

    var fingerprintsByUser: [String: Fingerprint] {
        Dictionary(contacts.compactMap { c in (try? Fingerprint(text: c.fingerprint)).map { (c.user_id, $0) } }, uniquingKeysWith: { first, _ in first })
    }
}

struct VaultContacts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts", abstract: "People whose keys you verified, for sharing.", subcommands: [Show.self, Verify.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "List verified contacts.", aliases: ["list"])
        @OptionGroup var options: VaultOptions

        func run() async throws {
            let contacts = try await VaultLogin.withSession(options) { try ContactsDocument.find(in: try await $0.items()).document }
            var table = TextTable("E-MAIL", "USER ID", "FINGERPRINT", "VERIFIED")
            for c in contacts.contacts { table.add(c.email ?? "-", c.user_id, c.fingerprint, c.verified_at) }
            table.print()
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Add a contact after comparing their fingerprint with them (they see it with `ticker vault whoami`).",
            aliases: ["add"])
        @Argument(help: "The contact's e-mail address.") var email: String
        @Option(help: "The fingerprint they read out to you, for example ABCD-EFGH-....") var fingerprint: String?
        @OptionGroup var options: VaultOptions

        func run() async throws {
            let added = try await VaultLogin.withSession(options) { session in
                let (bundle, actual) = try await session.lookUp(email: email)
                guard let fingerprint else {
                    throw ValidationError("\(email)'s fingerprint is \(actual.text). Compare it with them in person or by phone, then run again with --fingerprint \(actual.text)")
                }
                guard (try? Fingerprint(text: fingerprint)) == actual else {
                    throw ValidationError("\(email)'s key has fingerprint \(actual.text), not \(fingerprint): do not share until you know why")
                }
                let items = try await session.items()
                var (itemID, document) = try ContactsDocument.find(in: items)
                document.contacts.removeAll { $0.user_id == bundle.userID }
                document.contacts.append(
                    .init(
                        user_id: bundle.userID, email: EmailAddress.canonical(email), epoch: bundle.epoch, sign_pk: Base64URL.encode(bundle.signingKey),
                        enc_pk: Base64URL.encode(bundle.agreementKey), fingerprint: actual.text, verified_at: VaultTime.now()))
                try await session.put(itemID, contentType: ContentType.contacts, json: Array(try JSONEncoder.compact.encode(document)))
                return actual.text
            }
            print("added \(EmailAddress.canonical(email)) (\(added))")
        }
    }
}

struct VaultShare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "share", abstract: "Share an item with a verified contact.")
    @Argument(help: "The item's id.") var itemID: String
    @Option(name: [.customLong("to"), .customLong("with")], help: "The contact's e-mail address (verify it with `ticker vault contacts verify` first).")
    var to: String
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let shareID = try await VaultLogin.withSession(options) { session in
            let contacts = try ContactsDocument.find(in: try await session.items()).document
            let email = EmailAddress.canonical(to)
            guard let contact = contacts.contacts.first(where: { $0.email == email }) else {
                throw ValidationError("\(email) is not a verified contact: `ticker vault contacts verify \(email)` first")
            }
            return try await session.share(itemID.lowercased(), toContact: email, verified: try Fingerprint(text: contact.fingerprint))
        }
        print("shared as \(shareID)")
    }
}

struct VaultShared: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shared", abstract: "Items verified contacts shared with you.")
    @Flag(help: "Print the documents as JSON.") var json = false
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let received = try await VaultLogin.withSession(options) { session in
            let contacts = try ContactsDocument.find(in: try await session.items()).document
            return (try await session.received(from: contacts.fingerprintsByUser), contacts)
        }
        if json {
            return try printJSON(
                try received.0.map { r in
                    ["share_id": JSONValue.string(r.shareID), "sender_id": .string(r.senderID), "item_id": .string(r.item.itemID),
                     "document": try JSONDecoder().decode(JSONValue.self, from: Data(r.item.json))]
                })
        }
        var table = TextTable("SHARE", "FROM", "ITEM", "NAME")
        for r in received.0 {
            let from = received.1.contacts.first { $0.user_id == r.senderID }?.email ?? r.senderID
            table.add(r.shareID, from, r.item.itemID, ItemSummary(r.item).name ?? "-")
        }
        table.print()
    }
}

struct VaultUnshare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unshare", abstract: "Revoke a share you made.")
    @Argument(help: "The share's id.") var shareID: String
    @OptionGroup var options: VaultOptions

    func run() async throws {
        try await VaultLogin.withSession(options) { try await $0.revokeShare(shareID.lowercased()) }
        print("revoked \(shareID)")
    }
}

enum VaultTime {
    /// RFC 3339 UTC with a `Z`, as the protocol writes times.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
