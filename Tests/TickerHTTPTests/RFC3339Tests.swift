import Foundation
import PropertyBased
import Testing
@testable import TickerHTTP

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test("every form RFC 3339 allows is read, offsets applied")
    func forms() throws {
        let expected = Date(timeIntervalSince1970: 1_795_413_600)  // 2026-11-23T06:00:00Z
        for text in [
            "2026-11-23T06:00:00Z", "2026-11-23t06:00:00z", "2026-11-23 06:00:00Z", "2026-11-23T07:00:00+01:00",
            "2026-11-22T23:59:00-06:01", "2026-11-23T06:00:00.000Z", "2026-11-23T06:00:00.000000000+00:00",
        ] {
            #expect(RFC3339.parse(text) == expected, "\(text)")
        }
        #expect(RFC3339.parse("2026-11-23T06:00:00.5Z") == expected.addingTimeInterval(0.5))
        #expect(RFC3339.parse("0108-08-20T02:46:28+22:41") != nil)
    }

    @Test("malformed and impossible times are refused")
    func refused() {
        for text in [
            "", "2026-11-23", "2026-11-23T06:00Z", "2026-11-23T06:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
            "2026-11-23T24:00:00Z", "2026-11-23T06:00:00.Z", "2026-11-23T06:00:00+0100", "2026-11-23T06:00:00Z ",
            "２０２６-11-23T06:00:00Z",
        ] {
            #expect(RFC3339.parse(text) == nil, "\(text)")
        }
    }

    @Test("format then parse gives back the same millisecond, for any time from year 1 to 9999")
    func roundTrip() async {
        await propertyCheck(count: 500, input: Gen.int(in: -62_135_596_800_000...253_402_300_799_999)) { value in
            let millis = Int64(value)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = RFC3339.format(date)
            let back = RFC3339.parse(text)
            #expect(back.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == millis, "\(text)")
        }
    }
}

@Suite("API tokens")
struct TokenSecretTests {
    @Test("a generated token parses; anything else does not; descriptions hide the secret")
    func parsing() {
        let secret = TokenSecret.generate()
        #expect(TokenSecret(parsing: secret.text)?.hash == secret.hash)
        #expect(secret.text.count == 47 && secret.text.hasPrefix("tkr_"))
        #expect(!"\(secret)".contains(secret.text.dropFirst(4)))
        for bad in ["", "tkr_", "Bearer " + secret.text, secret.text + "x", "abc_" + secret.text.dropFirst(4), "tkr_" + String(repeating: "+", count: 43)] {
            #expect(TokenSecret(parsing: bad) == nil, "\(bad)")
        }
        #expect(TokenSecret.generate() != TokenSecret.generate())
    }
}
