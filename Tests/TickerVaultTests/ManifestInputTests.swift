import Foundation
import PropertyBased
import Testing
import TickerVaultFormat

@testable import TickerVault

/// The stored manifest is written by hand for speed; it must be the very bytes the JSON encoder
/// writes with sorted keys, since clients read it back and earlier versions stored those.
@Suite("Manifest input")
struct ManifestInputTests {
    static let manifests = Generator<ManifestInput, Shrink.None<ManifestInput>> { rng in
        func base64(_ count: Int) -> String { Base64URL.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
        let entries = (0..<Int.random(in: 0...12, using: &rng)).map { _ in
            ManifestInput.Entry(
                itemID: UUID().uuidString.lowercased(), version: Int64.random(in: 1...Int64.max, using: &rng), digest: base64(32))
        }
        return ManifestInput(counter: Int64.random(in: 1...Int64.max, using: &rng), entries: entries, mac: base64(32))
    }

    @Test("the stored JSON is byte for byte what JSONEncoder writes with sorted keys")
    func storedJSONMatchesTheEncoder() async {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        await propertyCheck(count: 200, input: Self.manifests) { manifest in
            #expect((try? manifest.record(field: "manifest").body) == (try? Array(encoder.encode(manifest))))
            #expect((try? ManifestInput(json: manifest.json, field: "manifest").json) == manifest.json)
        }
    }

    @Test("a manifest whose strings are not what the protocol allows is refused before it is stored")
    func refusesBadStrings() {
        let good = ManifestInput(counter: 1, entries: [], mac: Base64URL.encode([UInt8](repeating: 7, count: 32)))
        var quoted = good
        quoted.mac = #"a"b"#
        #expect(throws: VaultInputError.self) { try quoted.record(field: "manifest") }
        var badID = good
        badID.entries = [.init(itemID: #"x","evil":"1"#, version: 1, digest: good.mac)]
        #expect(throws: VaultInputError.self) { try badID.record(field: "manifest") }
    }
}
