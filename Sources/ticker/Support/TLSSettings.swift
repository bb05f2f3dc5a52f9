import ArgumentParser
import Logging
import TickerHTTP

/// The certificate and key `ticker serve` answers HTTPS with, from `--tls-cert`/`--tls-key`,
/// `TICKER_TLS_CERT`/`TICKER_TLS_KEY` or `tls.cert`/`tls.key`. Both or neither: a server that
/// was meant to speak TLS must not fall back to clear text because one path was forgotten.
enum TLSSettings {
    static func identity(certificate: String?, key: String?, settings: Settings, logger: Logger) throws -> TLSIdentityHolder? {
        let certificate = certificate ?? settings.reader.string(forKey: "tls.cert")
        let key = key ?? settings.reader.string(forKey: "tls.key")
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            do {
                let identity = try TLSIdentity(certificateFile: certificate, keyFile: key)
                logger.info("tls certificate loaded", metadata: identity.metadata)
                return TLSIdentityHolder(identity)
            } catch {
                throw ValidationError("TLS: \(error)")
            }
        case (nil, _):
            throw ValidationError("--tls-key is set but --tls-cert is not: HTTPS needs both (or neither, for plain HTTP)")
        case (_, nil):
            throw ValidationError("--tls-cert is set but --tls-key is not: HTTPS needs both (or neither, for plain HTTP)")
        }
    }
}
