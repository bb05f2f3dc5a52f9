import Foundation

/// The private SoftHSM2 token `scripts/test` makes (`scripts/softhsm-token`), as the environment
/// names it. Tests that share it keep apart by giving their KEKs their own label prefix.
public enum SoftHSMToken {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// Module path, token label and user PIN.
    public static func environment() throws -> (module: String, token: String, pin: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let module = environment["TICKER_TEST_PKCS11_MODULE"], let token = environment["TICKER_TEST_PKCS11_TOKEN"],
            let pin = environment["TICKER_TEST_PKCS11_PIN"], environment["SOFTHSM2_CONF"] != nil
        else {
            throw Missing(description: "no test token: run the tests with scripts/test, or eval \"$(scripts/softhsm-token start)\" first")
        }
        return (module, token, pin)
    }

    /// A label prefix no other test uses.
    public static func freshPrefix(_ name: String) -> String {
        "test-\(name)-\(UUID().uuidString.prefix(8))-v"
    }
}
