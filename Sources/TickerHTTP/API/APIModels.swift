import Foundation
import OpenAPIRuntime
import TickerAPI
import TickerCore
import TickerStore

/// Store records as the API's generated types.
extension Components.Schemas.Run {
    init(_ run: RunRecord) {
        self.init(
            id: run.id, dagId: run.dagID, slot: run.slotAt, kind: .init(rawValue: run.kind.rawValue) ?? .manual,
            state: .init(run.state), reason: run.reason, conf: ConfPayload(run.conf), createdAt: run.createdAt,
            startedAt: run.startedAt, endedAt: run.endedAt)
    }
}

extension Components.Schemas.Run.ConfPayload {
    /// Nil for an empty or non-object conf, so the field is simply absent.
    init?(_ conf: JSONValue) {
        guard case .object(let members) = conf, !members.isEmpty,
            let container = try? JSONValueBridge.convert(conf, to: OpenAPIObjectContainer.self)
        else { return nil }
        self.init(additionalProperties: container)
    }
}

extension Components.Schemas.RunState {
    init(_ state: RunState) {
        self = .init(rawValue: state.rawValue) ?? .failed
    }
}

extension Components.Schemas.DagSummary {
    init(_ dag: DagRecord, lastRun: RunRecord?) {
        self.init(
            id: dag.id, description: dag.definition.description, state: .init(rawValue: dag.stateName) ?? .active,
            paused: dag.paused, active: dag.active, schedule: dag.definition.schedule?.summary,
            nextSlot: dag.paused ? nil : dag.nextSlotAt, lastRun: lastRun.map(Components.Schemas.Run.init))
    }
}

extension DagRecord {
    /// `inactive` (its file is gone), `paused` or `active`.
    var stateName: String { !active ? "inactive" : (paused ? "paused" : "active") }
}

extension Components.Schemas.Instrument {
    init(isin: String, _ attributes: InstrumentAttributes) {
        self.init(
            isin: isin, name: attributes.name, cfi: attributes.cfi, currency: attributes.currency,
            issuerLei: attributes.issuerLEI)
    }
}

extension Components.Schemas.Snapshot {
    init(_ snapshot: SnapshotRecord) {
        self.init(
            id: snapshot.id, source: snapshot.source, format: snapshot.format, fetchedAt: snapshot.fetchedAt,
            publishedAt: snapshot.publishedAt, sha256: snapshot.sha256, bytes: snapshot.bytes, valid: snapshot.counts.valid,
            invalid: snapshot.counts.invalid, duplicate: snapshot.counts.duplicate, added: snapshot.added,
            removed: snapshot.removed, changed: snapshot.changed)
    }
}

extension Components.Schemas.Token {
    init(_ token: APIToken) {
        self.init(
            id: token.id, name: token.name, role: .init(rawValue: token.role.rawValue) ?? .viewer,
            createdAt: token.createdAt, lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt)
    }
}

/// Converts between TickerCore's `JSONValue` and the runtime's containers through JSON, the one
/// representation both already read and write exactly.
enum JSONValueBridge {
    static func convert<T: Decodable>(_ value: some Encodable, to type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }
}
