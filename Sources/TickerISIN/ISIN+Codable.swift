/// An ISIN in JSON is its twelve-character string; decoding validates it like any other input, so
/// a stored or received document cannot smuggle in an invalid one.
extension ISIN: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch Self.validate(text) {
        case let .success(isin):
            self = isin
        case let .failure(error):
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid ISIN \"\(text)\": \(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
