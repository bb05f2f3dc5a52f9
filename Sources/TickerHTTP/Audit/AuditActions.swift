/// The operator API's audited operations and their audit actions. Reads are not audited; a
/// token's use is, once a minute per token (`api.token.use`), and every refused one.
public enum APIAuditActions {
    public static let operations = [
        "pauseDag": "dag.pause", "unpauseDag": "dag.unpause", "triggerDag": "dag.trigger", "backfillDag": "dag.backfill",
        "createToken": "admin.token.create", "revokeToken": "admin.token.revoke",
    ]
    public static let rejected = "api.token.rejected"
    public static let used = "api.token.use"
}
