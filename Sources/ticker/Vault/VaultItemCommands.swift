import ArgumentParser
import Foundation
import TickerCore
import TickerVaultClient

struct VaultList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the vault's items (checked against its manifest).")
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let items = try await VaultLogin.withSession(options) { try await $0.items() }.values.sorted { $0.itemID < $1.itemID }
        if json { return try printJSON(items.map { ItemSummary($0) }) }
        var table = TextTable("ID", "TYPE", "VERSION", "NAME", "BYTES")
        for item in items {
            let summary = ItemSummary(item)
            table.add(item.itemID, item.contentType, "\(item.version)", summary.name ?? "-", "\(item.json.count)")
        }
        table.print()
    }
}

struct ItemSummary: Encodable {
    var item_id: String
    var content_type: String
    var version: UInt64
    var name: String?

    init(_ item: OpenedItem) {
        item_id = item.itemID
        content_type = item.contentType
        version = item.version
        let object = try? JSONSerialization.jsonObject(with: Data(item.json)) as? [String: Any]
        name = object?["name"] as? String
    }
}

struct VaultGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print an item's JSON document.")
    @Argument(help: "The item's id.") var itemID: String
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let items = try await VaultLogin.withSession(options) { try await $0.items() }
        guard let item = items[itemID.lowercased()] else { throw ValidationError("the vault has no item \(itemID)") }
        FileHandle.standardOutput.write(Data(item.json.last == UInt8(ascii: "\n") ? item.json : item.json + [UInt8(ascii: "\n")]))
    }
}

struct VaultPut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put", abstract: "Store a JSON document as a new item, or as the next version of an existing one.")
    @Argument(help: "The item to replace; omit it to add a new item.") var itemID: String?
    @Option(help: "The JSON file to store ('-': standard input).") var file: String
    @Option(help: "The media type of the document.") var type = ContentType.plan
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let json = try VaultDocument.read(file)
        let (id, version) = try await VaultLogin.withSession(options) { try await $0.put(itemID?.lowercased(), contentType: type, json: json) }
        print("\(id) version \(version)")
    }
}

struct VaultEdit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit", abstract: "Edit an item in $EDITOR; the plaintext lives only in a private temporary file, removed after.")
    @Argument(help: "The item's id.") var itemID: String
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        try await VaultLogin.withSession(options) { session in
            guard let item = try await session.items()[itemID.lowercased()] else { throw ValidationError("the vault has no item \(itemID)") }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-edit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("\(item.itemID).json").path
            try PrivateFile.write(item.json, to: path, replacing: false)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(editor) \"$1\"", "sh", path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ValidationError("\(editor) exited with status \(process.terminationStatus); nothing changed") }
            let edited = try VaultDocument.read(path)
            guard edited != item.json else { return print("unchanged") }
            let (_, version) = try await session.put(item.itemID, contentType: item.contentType, json: edited)
            print("\(item.itemID) version \(version)")
        }
    }
}

struct VaultRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete an item.")
    @Argument(help: "The item's id.") var itemID: String
    @OptionGroup var options: VaultOptions

    func run() async throws {
        try await VaultLogin.withSession(options) { try await $0.delete(itemID.lowercased()) }
        print("deleted \(itemID)")
    }
}

/// The export format: every item's document in clear, for a backup or a move to another server.
struct VaultExportFile: Codable {
    struct Item: Codable {
        var content_type: String
        var document: JSONValue
    }

    var format = "ticker-vault-export/1"
    var exported_at: String
    var items: [Item]
}

/// An encrypted backup: the vault's envelopes and its MACed manifest, as the server holds them.
struct VaultBackupFile: Codable {
    var format = "ticker-vault-backup/1"
    var user_id: String
    var vault_id: String
    var exported_at: String
    var vault: VaultResponse
}

struct VaultExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an encrypted backup of the vault (only this account's keys open it); --plaintext writes the documents in clear.")
    @Option(help: "The file to write (mode 0600, never overwritten).") var output: String
    @Flag(help: "Write the documents in clear, to move them to another tool. Keep that file as safe as the vault.") var plaintext = false
    @OptionGroup var options: VaultOptions

    func run() async throws {
        let bytes: [UInt8]
        let count: Int
        if plaintext {
            let items = try await VaultLogin.withSession(options) { try await $0.items() }.values.sorted { $0.itemID < $1.itemID }
            let file = VaultExportFile(
                exported_at: VaultTime.now(),
                items: try items.map { .init(content_type: $0.contentType, document: try JSONDecoder().decode(JSONValue.self, from: Data($0.json))) })
            (bytes, count) = (Array(try JSONEncoder.vault.encode(file)), items.count)
        } else {
            let (vault, account) = try await VaultLogin.withSession(options) { session in (try await session.backup(), await session.account) }
            let file = VaultBackupFile(user_id: account.userID, vault_id: account.vaultID, exported_at: VaultTime.now(), vault: vault)
            (bytes, count) = (Array(try JSONEncoder.vault.encode(file)), vault.items.count)
        }
        try PrivateFile.write(bytes, to: output, replacing: false)
        print(plaintext
            ? "exported \(count) items to \(output) in clear: keep it safe, delete it when done"
            : "backed up \(count) items to \(output), encrypted; `ticker vault import` restores them into this account (until the next rotate-keys)")
    }
}

struct VaultImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Add the items of a backup or a plaintext export as new items, in one all-or-nothing commit.")
    @Argument(help: "The backup or export file.") var file: String
    @OptionGroup var options: VaultOptions

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        struct Format: Decodable { var format: String }
        let format = (try? JSONDecoder().decode(Format.self, from: data))?.format
        // A vault has one contacts item; an imported one would shadow or duplicate it.
        let skip = Set([ContentType.contacts])
        let ids: [String]
        switch format {
        case "ticker-vault-backup/1":
            let backup: VaultBackupFile
            do { backup = try JSONDecoder().decode(VaultBackupFile.self, from: data) } catch { throw ValidationError("\(file) is not a vault backup: \(error)") }
            ids = try await VaultLogin.withSession(options) { session in
                let account = await session.account
                guard backup.user_id == account.userID else { throw ValidationError("\(file) is a backup of another account (\(backup.user_id))") }
                var vault = backup.vault
                // The backup's records name the vault they came from, which is this account's.
                for index in vault.items.indices where vault.items[index].vaultID != account.vaultID {
                    throw ValidationError("\(file) holds an item of another vault (\(vault.items[index].vaultID))")
                }
                vault.items.sort { $0.itemID < $1.itemID }
                return try await session.restore(vault, skipping: skip)
            }
        case "ticker-vault-export/1":
            let export: VaultExportFile
            do { export = try JSONDecoder().decode(VaultExportFile.self, from: data) } catch { throw ValidationError("\(file) is not a vault export: \(error)") }
            let documents = try export.items.filter { !skip.contains($0.content_type) }.map {
                (contentType: $0.content_type, json: Array(try JSONEncoder.compact.encode($0.document)))
            }
            ids = try await VaultLogin.withSession(options) { try await $0.putAll(documents) }
        default:
            throw ValidationError("\(file) is neither a vault backup (ticker-vault-backup/1) nor an export (ticker-vault-export/1)")
        }
        print("imported \(ids.count) items (a contacts list is never imported: verify contacts again)")
    }
}

enum VaultDocument {
    /// A file's JSON document, checked to parse (an item that does not would be unreadable later).
    static func read(_ path: String) throws -> [UInt8] {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw ValidationError("cannot read \(path)") }
        guard data.count <= 768 << 10 else { throw ValidationError("\(path) is \(data.count) bytes; an item holds at most 768 KiB") }
        do { _ = try JSONDecoder().decode(JSONValue.self, from: data) } catch { throw ValidationError("\(path) is not JSON: \(error)") }
        return Array(data)
    }
}

extension JSONEncoder {
    static var compact: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
