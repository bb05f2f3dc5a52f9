/// The version of this build, as `ticker --version` prints it and each node reports it in the
/// node table (so a rolling upgrade shows which nodes run what).
public enum TickerVersion {
    public static let current = "0.6.0"
}
