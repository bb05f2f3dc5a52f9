import ArgumentParser
import Foundation
import TickerISIN
import TickerStore

extension IsinCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show an ISIN's attributes and history: first seen, last seen, changes.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The ISIN (normalized first: spaces, hyphens and case do not matter).") var isin: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let normalized: String
            switch ISIN.validate(isin) {
            case .success(let valid): normalized = valid.description
            case .failure(let error): throw ValidationError("\(isin) is not a valid ISIN: \(error)")
            }
            let runtime = try await Runtime.open(global, syncDags: false)
            let versions = try await runtime.isin.store.history(isin: normalized)
            let current = try await runtime.isin.store.currentSnapshot()
            guard !versions.isEmpty else {
                FileHandle.standardError.write(Data("\(normalized) is in no snapshot\(current.map { " (current: #\($0.id))" } ?? "")\n".utf8))
                throw ExitCode.failure
            }
            let view = InstrumentHistoryView(isin: normalized, versions: versions, current: current?.id)
            if json { return try printJSON(view) }
            view.print()
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search", abstract: "Find instruments of the current snapshot by words of their names.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Words to match (prefixes, case and accents ignored), such as \"deutsche bank\".") var text: String
        @Option(help: "At most this many results.") var limit = 20
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            let found = try await runtime.isin.store.search(text, limit: max(1, limit))
            if json { return try printJSON(found.map(InstrumentView.init)) }
            var table = TextTable("ISIN", "CCY", "CFI", "NAME")
            for instrument in found {
                let a = instrument.attributes
                table.add(instrument.isin, a.currency ?? "", a.cfi ?? "", a.name ?? "")
            }
            table.print()
        }
    }
}

/// An instrument as JSON: snake_case, nulls for what the list does not give.
struct InstrumentView: Encodable {
    var isin: String
    var name: String?
    var cfi: String?
    var currency: String?
    var issuerLEI: String?

    enum CodingKeys: String, CodingKey {
        case isin, name, cfi, currency
        case issuerLEI = "issuer_lei"
    }

    init(_ instrument: Instrument) {
        self.init(isin: instrument.isin, instrument.attributes)
    }

    var attributes: InstrumentAttributes {
        InstrumentAttributes(name: name, cfi: cfi, currency: currency, issuerLEI: issuerLEI)
    }

    init(isin: String, _ a: InstrumentAttributes) {
        self.isin = isin
        name = a.name
        cfi = a.cfi
        currency = a.currency
        issuerLEI = a.issuerLEI
    }
}

/// `ticker isin show`: the latest attributes, where the ISIN is now, and each change.
struct InstrumentHistoryView: Encodable {
    struct Version: Encodable {
        var fromSnapshot: Int64
        var untilSnapshot: Int64?
        var since: Date
        var attributes: InstrumentView
        var changed: [String]

        enum CodingKeys: String, CodingKey {
            case since, attributes, changed
            case fromSnapshot = "from_snapshot"
            case untilSnapshot = "until_snapshot"
        }
    }

    var isin: String
    var current: Bool
    var firstSeen: Int64
    var lastSeen: Int64?
    var versions: [Version]

    enum CodingKeys: String, CodingKey {
        case isin, current, versions
        case firstSeen = "first_seen_snapshot"
        case lastSeen = "last_seen_snapshot"
    }

    init(isin: String, versions: [InstrumentVersion], current: Int64?) {
        self.isin = isin
        let last = versions.last
        self.current = last?.untilSnapshot == nil
        firstSeen = versions.first?.fromSnapshot ?? 0
        lastSeen = last.map { $0.untilSnapshot.map { $0 - 1 } ?? current ?? $0.fromSnapshot }
        var previous: InstrumentAttributes?
        var views: [Version] = []
        for version in versions {
            // A gap (removed, then listed again) shows as a re-listing, not as a change.
            let relisted = views.last.map { $0.untilSnapshot != version.fromSnapshot } ?? true
            let changed = relisted ? [] : previous.map { version.attributes.changedFields(from: $0) } ?? []
            views.append(Version(
                fromSnapshot: version.fromSnapshot, untilSnapshot: version.untilSnapshot, since: version.since,
                attributes: InstrumentView(isin: isin, version.attributes), changed: changed))
            previous = version.attributes
        }
        self.versions = views
    }

    func print() {
        guard let latest = versions.last else { return }
        let a = latest.attributes
        Swift.print("\(isin)  \(a.name ?? "(no name)")")
        Swift.print("  CFI \(a.cfi ?? "-")  currency \(a.currency ?? "-")  issuer LEI \(a.issuerLEI ?? "-")")
        Swift.print("  first seen in snapshot #\(firstSeen) (\(versions[0].since.iso))")
        if current {
            Swift.print("  current: in the latest snapshot (#\(lastSeen ?? latest.fromSnapshot))")
        } else {
            Swift.print("  removed: last seen in snapshot #\(lastSeen ?? 0), gone from #\(latest.untilSnapshot ?? 0)")
        }
        Swift.print("  history:")
        for (index, version) in versions.enumerated() {
            let what: String
            if index == 0 {
                what = "listed"
            } else if version.changed.isEmpty {
                what = "listed again"
            } else {
                what = version.attributes.attributes.changes(from: versions[index - 1].attributes.attributes)
            }
            Swift.print("    #\(version.fromSnapshot)  \(version.since.iso)  \(what)")
            if let until = version.untilSnapshot, index == versions.count - 1 || versions[index + 1].fromSnapshot != until {
                Swift.print("    #\(until)  removed")
            }
        }
    }
}
